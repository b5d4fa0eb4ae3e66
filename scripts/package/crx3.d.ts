/**
 * Types for the part of `crx3` 1.1 (plain JavaScript, no types of its own)
 * that scripts/package/crx.ts uses.
 */
declare module 'crx3' {
  /** Where to write, and the PEM key file to sign with (a missing file makes crx3 generate a new key there). */
  interface Crx3Options {
    crxPath: string;
    keyPath: string;
    zipPath?: string;
    xmlPath?: string;
  }
  /** Zips the files (a list holding only a manifest.json means its whole folder) into a signed CRX3. */
  export default function writeCrx3(files: string[], options: Crx3Options): Promise<{ appId: string }>;
}
