/**
 * `npm run package`: the release packages an administrator deploys.
 *
 * Produces, in `.output/packages/` (or `--out-dir`):
 * - `portal-launcher-<version>-chrome.zip`: the Chrome Web Store / Edge Add-ons upload (no manifest `key`);
 * - `portal-launcher-<version>.crx`: a signed CRX3 for self-hosting, packed by Chromium itself;
 * - `update.xml`: the Google update manifest (gupdate protocol 2.0) that points at that CRX;
 * - `portal-launcher-<version>-firefox.zip` (+ `-sources.zip`): the Firefox add-on to sign on AMO.
 *
 * The CRX is signed with `PORTAL_LAUNCHER_CRX_KEY_FILE` (a PEM file) or
 * `PORTAL_LAUNCHER_CRX_KEY` (the PEM text); without either it falls back, with
 * a loud warning, to the public development key `keys/dev-extension-key.pem`.
 * The extension id follows the signing key (see keys/README.md); the packager
 * checks the signed CRX against it before reporting success.
 *
 * Contract: {@link packageExtension} throws {@link PackageError} with a `code`
 * and a message that says what to do; the CLI prints it and exits 1.
 */
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, type KeyObject, verify } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { CHROME_EXTENSION_ID } from '../contract/constants.ts';
import { findBrowser } from './browser.ts';

const execFileAsync = promisify(execFile);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The committed development key. Public: anyone can sign a CRX with this id. */
export const DEV_KEY_FILE = path.join(ROOT, 'keys', 'dev-extension-key.pem');
export const DEFAULT_OUT_DIR = path.join(ROOT, '.output', 'packages');
/** Stands in for the real download address when `PORTAL_LAUNCHER_UPDATE_BASE_URL` is not set. */
export const PLACEHOLDER_UPDATE_BASE_URL = 'https://extensions.example.com/portal-launcher';

export type PackageErrorCode =
  /** The signing key named by the environment is missing or unreadable. */
  | 'key_unreadable'
  /** The signing key is not an RSA private key Chromium can sign with. */
  | 'key_invalid'
  /** `wxt` failed to build or zip. */
  | 'build_failed'
  /** Chromium is not installed, or `--pack-extension` failed. */
  | 'pack_failed'
  /** The CRX is malformed, not signed by the key, or declares another id than its key gives. */
  | 'crx_invalid'
  /** The signing key gives another extension id than expected (`PORTAL_LAUNCHER_EXTENSION_ID`). */
  | 'id_mismatch'
  /** A command-line option or environment value is not acceptable. */
  | 'bad_option';

/** A packaging step failed; `code` names which, the message says what to do. */
export class PackageError extends Error {
  override readonly name = 'PackageError';
  readonly code: PackageErrorCode;

  constructor(code: PackageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

// ---------------------------------------------------------------- extension ids and keys

/**
 * The Chromium extension id of a public key: SHA-256 of its DER
 * SubjectPublicKeyInfo, first 16 bytes, each hex digit 0-f written as a-p.
 * The same derivation gives the id of a manifest `key` and of a CRX signer.
 *
 * @see https://developer.chrome.com/docs/extensions/reference/manifest/key
 */
export function extensionIdFromPublicKey(spkiDer: Uint8Array): string {
  const hex = createHash('sha256').update(spkiDer).digest('hex').slice(0, 32);
  return [...hex]
    .map((digit) => String.fromCharCode('a'.charCodeAt(0) + Number.parseInt(digit, 16)))
    .join('');
}

/** A CRX signing key, normalised for Chromium. */
export interface SigningKey {
  /** PKCS#8 PEM, the form `--pack-extension-key` reads. */
  pkcs8Pem: string;
  /** DER SubjectPublicKeyInfo of the public half (what a manifest `key` holds, base64). */
  spkiDer: Buffer;
  /** The extension id this key gives. */
  extensionId: string;
  /** Where the key came from, for the summary (never the key itself). */
  source: string;
  /** True for the committed, public development key. */
  isDevelopmentKey: boolean;
}

/**
 * Reads and checks a PEM private key (PKCS#8 or PKCS#1). Chromium signs CRX
 * packages it packs with RSA only (`sha256_with_rsa` proofs).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5208 PKCS#8
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2 PKCS#1 RSAPrivateKey
 */
export function parseSigningKey(pem: string, source: string, isDevelopmentKey = false): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new PackageError(
      'key_invalid',
      `The signing key from ${source} is not a PEM private key. Make one with: openssl genrsa -out key.pem 2048`,
      { cause: error },
    );
  }
  const modulusLength = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || modulusLength < 2048) {
    throw new PackageError(
      'key_invalid',
      `The signing key from ${source} is ${key.asymmetricKeyType ?? 'unknown'}${modulusLength ? ` (${modulusLength} bits)` : ''}; ` +
        'Chromium signs CRX packages with RSA keys of 2048 bits or more. Make one with: openssl genrsa -out key.pem 2048',
    );
  }
  const spkiDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return {
    pkcs8Pem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    spkiDer,
    extensionId: extensionIdFromPublicKey(spkiDer),
    source,
    isDevelopmentKey,
  };
}

/**
 * The signing key named by the environment, else the development key.
 * `PORTAL_LAUNCHER_CRX_KEY_FILE` wins over `PORTAL_LAUNCHER_CRX_KEY`.
 */
export function resolveSigningKey(env: NodeJS.ProcessEnv = process.env): SigningKey {
  const file = env.PORTAL_LAUNCHER_CRX_KEY_FILE;
  if (file) {
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      throw new PackageError(
        'key_unreadable',
        `PORTAL_LAUNCHER_CRX_KEY_FILE names ${file}, which cannot be read. Fix the path or unset the variable.`,
        { cause: error },
      );
    }
    return parseSigningKey(pem, `PORTAL_LAUNCHER_CRX_KEY_FILE (${file})`);
  }
  const text = env.PORTAL_LAUNCHER_CRX_KEY;
  if (text) return parseSigningKey(text, 'PORTAL_LAUNCHER_CRX_KEY');
  return parseSigningKey(
    readFileSync(DEV_KEY_FILE, 'utf8'),
    `${path.relative(ROOT, DEV_KEY_FILE)} (development key)`,
    true,
  );
}

// ---------------------------------------------------------------- CRX3

/** What {@link verifyCrx} found in a CRX file. */
export interface CrxInfo {
  /** The id the CRX declares in its signed header. */
  crxId: string;
  /** Size of the ZIP archive inside, in bytes. */
  archiveBytes: number;
}

/** Reads protobuf wire format: only the length-delimited fields a CRX3 header uses. */
function readProtoFields(bytes: Buffer): Array<{ field: number; value: Buffer }> {
  const fields: Array<{ field: number; value: Buffer }> = [];
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (offset >= bytes.length || shift > 28) throw new Error('truncated varint');
      const byte = bytes[offset++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (offset < bytes.length) {
    const tag = varint();
    const wireType = tag % 8;
    const field = Math.floor(tag / 8);
    if (wireType === 2) {
      const length = varint();
      if (offset + length > bytes.length) throw new Error('truncated field');
      fields.push({ field, value: bytes.subarray(offset, offset + length) });
      offset += length;
    } else if (wireType === 0) {
      varint();
    } else {
      throw new Error(`unexpected wire type ${wireType}`);
    }
  }
  return fields;
}

/**
 * Checks a CRX3 file the way Chromium does before installing it: the `Cr24`
 * magic and version 3, an RSA SHA-256 proof by `expectedSpkiDer` over
 * `"CRX3 SignedData\x00" ‖ le32(len) ‖ signed_header_data ‖ archive`, and a
 * signed `crx_id` equal to that key's id.
 *
 * @see https://chromium.googlesource.com/chromium/src/+/main/components/crx_file/crx3.proto
 * @throws {PackageError} `crx_invalid`
 */
export function verifyCrx(crx: Buffer, expectedSpkiDer: Buffer): CrxInfo {
  const fail = (why: string): never => {
    throw new PackageError(
      'crx_invalid',
      `The CRX is not usable: ${why}. Run the packager again; if it persists, check the Chromium install.`,
    );
  };
  if (crx.length < 12 || crx.toString('latin1', 0, 4) !== 'Cr24') fail('no Cr24 magic');
  if (crx.readUInt32LE(4) !== 3) fail(`format version ${crx.readUInt32LE(4)}, not 3`);
  const headerSize = crx.readUInt32LE(8);
  if (12 + headerSize > crx.length) fail('header longer than the file');
  const header = crx.subarray(12, 12 + headerSize);
  const archive = crx.subarray(12 + headerSize);

  let fields: Array<{ field: number; value: Buffer }>;
  try {
    fields = readProtoFields(header);
  } catch (error) {
    return fail(`malformed header (${(error as Error).message})`);
  }
  // CrxFileHeader: 2 = sha256_with_rsa proofs, 10000 = signed_header_data.
  const signedHeaderData = fields.find((f) => f.field === 10000)?.value ?? fail('no signed header data');
  const proofs = fields
    .filter((f) => f.field === 2)
    .map((f) => {
      const proof = readProtoFields(f.value);
      return {
        publicKey: proof.find((p) => p.field === 1)?.value,
        signature: proof.find((p) => p.field === 2)?.value,
      };
    });
  const proof =
    proofs.find((p) => p.publicKey?.equals(expectedSpkiDer)) ?? fail('not signed by the expected key');
  if (!proof.signature) fail('a proof without a signature');

  const length = Buffer.alloc(4);
  length.writeUInt32LE(signedHeaderData.length);
  const signedBytes = Buffer.concat([
    Buffer.from('CRX3 SignedData\x00', 'latin1'),
    length,
    signedHeaderData,
    archive,
  ]);
  const publicKey = createPublicKey({ key: expectedSpkiDer, format: 'der', type: 'spki' });
  if (!verify('sha256', signedBytes, publicKey, proof.signature as Buffer))
    fail('the RSA signature does not verify');

  // SignedData: 1 = crx_id (the first 16 bytes of SHA-256 of the signer's key).
  const crxIdBytes = readProtoFields(signedHeaderData).find((f) => f.field === 1)?.value ?? fail('no crx_id');
  const crxId = [...crxIdBytes.toString('hex')]
    .map((digit) => String.fromCharCode('a'.charCodeAt(0) + Number.parseInt(digit, 16)))
    .join('');
  if (crxId !== extensionIdFromPublicKey(expectedSpkiDer))
    fail(`crx_id ${crxId} does not belong to the signing key`);
  if (archive.length < 4 || archive.readUInt32LE(0) !== 0x04034b50) fail('the archive is not a ZIP');
  return { crxId, archiveBytes: archive.length };
}

/**
 * Packs `extensionDir` into a signed CRX3 with Chromium's own packer
 * (`--pack-extension`), so the format is exactly what Chromium installs.
 *
 * @throws {PackageError} `pack_failed`
 */
export async function packCrx(options: {
  extensionDir: string;
  key: SigningKey;
  outFile: string;
  browserPath?: string;
}): Promise<void> {
  let browserPath = options.browserPath;
  if (!browserPath) {
    try {
      browserPath = findBrowser();
    } catch (error) {
      throw new PackageError('pack_failed', (error as Error).message, { cause: error });
    }
  }
  // The key goes to a private temporary file (Chromium reads only files) and is removed right after.
  const work = mkdtempSync(path.join(os.tmpdir(), 'portal-launcher-pack-'));
  try {
    const keyFile = path.join(work, 'key.pem');
    writeFileSync(keyFile, options.key.pkcs8Pem, { mode: 0o600 });
    const dir = path.join(work, 'extension');
    cpSync(options.extensionDir, dir, { recursive: true });
    const args = [
      `--pack-extension=${dir}`,
      `--pack-extension-key=${keyFile}`,
      // Its own profile, so it never hands the job to a running browser and leaves nothing behind.
      `--user-data-dir=${path.join(work, 'profile')}`,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
    ];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    try {
      await execFileAsync(browserPath, args, { timeout: 60_000 });
    } catch (error) {
      if (!existsSync(`${dir}.crx`)) {
        throw new PackageError(
          'pack_failed',
          `${browserPath} --pack-extension failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    }
    if (!existsSync(`${dir}.crx`)) {
      throw new PackageError(
        'pack_failed',
        `${browserPath} --pack-extension wrote no CRX. Check that it is Chromium or Chrome.`,
      );
    }
    renameSync(`${dir}.crx`, options.outFile);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- update manifest

function escapeXml(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}

/**
 * The update manifest Chromium fetches from an `update_url` (gupdate, protocol 2.0).
 *
 * @see https://developer.chrome.com/docs/extensions/how-to/distribute/host-on-linux#update_url
 */
export function updateManifestXml(options: { appId: string; codebase: string; version: string }): string {
  return [
    "<?xml version='1.0' encoding='UTF-8'?>",
    "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>",
    `  <app appid='${escapeXml(options.appId)}'>`,
    `    <updatecheck codebase='${escapeXml(options.codebase)}' version='${escapeXml(options.version)}' />`,
    '  </app>',
    '</gupdate>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- the whole run

export type TargetBrowser = 'chrome' | 'firefox';

export interface PackageOptions {
  outDir?: string;
  /** Where update.xml says the CRX is downloaded from (no trailing file name). */
  updateBaseUrl?: string;
  browsers?: TargetBrowser[];
  env?: NodeJS.ProcessEnv;
  /** Log lines for people (the summary and warnings). */
  log?: (line: string) => void;
}

export interface PackagedFile {
  kind: 'chrome-zip' | 'crx' | 'update-manifest' | 'firefox-zip' | 'firefox-sources';
  file: string;
  bytes: number;
}

export interface PackageResult {
  version: string;
  extensionId: string | null;
  keySource: string | null;
  files: PackagedFile[];
}

/**
 * Builds with WXT into a private folder (the shared `.output/chrome-mv3` that
 * `npm run build` and the e2e tests use is left alone), zips, packs and signs.
 */
async function buildAndZip(
  browser: TargetBrowser,
  buildRoot: string,
): Promise<{ zips: string[]; dir: string }> {
  // wxt is imported here so the key and XML helpers can be used without loading the bundler.
  const { zip } = await import('wxt');
  try {
    const zips = await zip({
      root: ROOT,
      browser,
      // DESIGN.md: both browsers get Manifest V3 (WXT would default Firefox to MV2).
      manifestVersion: 3,
      outDir: buildRoot,
      zip: {
        artifactTemplate: 'portal-launcher-{{version}}-{{browser}}.zip',
        sourcesTemplate: 'portal-launcher-{{version}}-firefox-sources.zip',
        // Reviewers of the Firefox sources need the code, not local data, test output or keys.
        // The reference portal (server/) and the tests are not part of the add-on.
        excludeSources: [
          'test-artifacts/**',
          'keys/**',
          'bench/**',
          'server/**',
          'tests/**',
          'docs/**',
          '**/*.pem',
        ],
      },
      hooks: {
        // The store and the CRX both derive the id from their signing key: a manifest `key` that
        // disagrees would be misleading (the Chrome Web Store refuses uploads that carry one).
        'build:manifestGenerated': (_wxt, manifest) => {
          delete (manifest as { key?: string }).key;
        },
      },
    });
    return { zips, dir: path.join(buildRoot, `${browser}-mv3`) };
  } catch (error) {
    throw new PackageError(
      'build_failed',
      `wxt failed to build for ${browser}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version?: string };
  // Chromium and Firefox accept 1 to 4 dot-separated integers, no pre-release tags.
  if (!pkg.version || !/^\d+(\.\d+){0,3}$/.test(pkg.version)) {
    throw new PackageError(
      'bad_option',
      `package.json version "${pkg.version}" is not 1-4 dot-separated integers.`,
    );
  }
  return pkg.version;
}

function checkUpdateBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new PackageError('bad_option', `The update base URL ${value} is not a URL.`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PackageError(
      'bad_option',
      `The update base URL must be https:// (or http:// for a test), not ${url.protocol}.`,
    );
  }
  return value.replace(/\/+$/, '');
}

/**
 * Builds every package and checks the CRX; see the module comment.
 *
 * @throws {PackageError}
 */
export async function packageExtension(options: PackageOptions = {}): Promise<PackageResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const outDir = path.resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const browsers = options.browsers ?? ['chrome', 'firefox'];
  const version = readPackageVersion();
  const baseFromEnv = options.updateBaseUrl ?? env.PORTAL_LAUNCHER_UPDATE_BASE_URL;
  const updateBaseUrl = checkUpdateBaseUrl(baseFromEnv || PLACEHOLDER_UPDATE_BASE_URL);

  // Read the key first: a bad key should fail in a second, not after two builds.
  const key = browsers.includes('chrome') ? resolveSigningKey(env) : null;
  const expectedId = env.PORTAL_LAUNCHER_EXTENSION_ID || (key?.isDevelopmentKey ? CHROME_EXTENSION_ID : null);
  if (key && expectedId && key.extensionId !== expectedId) {
    throw new PackageError(
      'id_mismatch',
      `The signing key from ${key.source} gives extension id ${key.extensionId}, but ${expectedId} was expected ` +
        '(PORTAL_LAUNCHER_EXTENSION_ID or the development id). Use the key that belongs to that id, or update the expectation.',
    );
  }

  mkdirSync(outDir, { recursive: true });
  const buildRoot = mkdtempSync(path.join(os.tmpdir(), 'portal-launcher-build-'));
  const files: PackagedFile[] = [];
  const add = (kind: PackagedFile['kind'], file: string) =>
    files.push({ kind, file, bytes: statSync(file).size });
  try {
    for (const browser of browsers) {
      const { zips, dir } = await buildAndZip(browser, buildRoot);
      for (const zipFile of zips) {
        const target = path.join(outDir, path.basename(zipFile));
        rmSync(target, { force: true });
        cpSync(zipFile, target);
        const sources = zipFile.endsWith('-firefox-sources.zip');
        add(browser === 'firefox' ? (sources ? 'firefox-sources' : 'firefox-zip') : 'chrome-zip', target);
      }
      if (browser === 'chrome' && key) {
        const crxFile = path.join(outDir, `portal-launcher-${version}.crx`);
        await packCrx({ extensionDir: dir, key, outFile: crxFile });
        const info = verifyCrx(readFileSync(crxFile), key.spkiDer);
        if (info.crxId !== key.extensionId) {
          throw new PackageError('crx_invalid', `The CRX declares id ${info.crxId}, not ${key.extensionId}.`);
        }
        add('crx', crxFile);
        const updateFile = path.join(outDir, 'update.xml');
        writeFileSync(
          updateFile,
          updateManifestXml({
            appId: key.extensionId,
            codebase: `${updateBaseUrl}/${path.basename(crxFile)}`,
            version,
          }),
        );
        add('update-manifest', updateFile);
      }
    }
  } finally {
    rmSync(buildRoot, { recursive: true, force: true });
  }

  if (key?.isDevelopmentKey) {
    log(
      [
        '',
        '!!! WARNING: the CRX is signed with the PUBLIC DEVELOPMENT KEY (keys/dev-extension-key.pem). !!!',
        '!!! Anyone can sign an update for this id. Never deploy it: set PORTAL_LAUNCHER_CRX_KEY_FILE  !!!',
        '!!! (or PORTAL_LAUNCHER_CRX_KEY) to your own key. See keys/README.md.                        !!!',
        '',
      ].join('\n'),
    );
  } else if (key && key.extensionId !== CHROME_EXTENSION_ID && !env.PORTAL_LAUNCHER_EXTENSION_ID) {
    log(
      `Note: your key gives extension id ${key.extensionId}. Set PORTAL_LAUNCHER_EXTENSION_ID=${key.extensionId} ` +
        'so later runs check it, and allow chrome-extension://<that id> at your portal (docs/admin.md).',
    );
  }
  if (key && !baseFromEnv) {
    log(
      `Note: update.xml points at the placeholder ${PLACEHOLDER_UPDATE_BASE_URL}; set PORTAL_LAUNCHER_UPDATE_BASE_URL.`,
    );
  }

  return { version, extensionId: key?.extensionId ?? null, keySource: key?.source ?? null, files };
}

/** The summary printed at the end of `npm run package`. */
export function formatSummary(result: PackageResult, outDir: string): string {
  const lines = [
    '',
    `Portal Launcher ${result.version}`,
    ...(result.extensionId
      ? [`  Chrome/Edge extension id: ${result.extensionId} (signed with ${result.keySource})`]
      : []),
    `  Packages in ${path.relative(process.cwd(), outDir) || '.'}:`,
  ];
  const width = Math.max(...result.files.map((f) => path.basename(f.file).length));
  for (const f of result.files) {
    const size = f.bytes >= 1024 ? `${(f.bytes / 1024).toFixed(1)} KiB` : `${f.bytes} B`;
    lines.push(`    ${path.basename(f.file).padEnd(width)}  ${size.padStart(10)}  ${f.kind}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'out-dir': { type: 'string' },
      'update-base-url': { type: 'string' },
      browser: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npm run package -- [--out-dir DIR] [--update-base-url URL] [--browser chrome|firefox]...\n' +
        'Environment: PORTAL_LAUNCHER_CRX_KEY_FILE, PORTAL_LAUNCHER_CRX_KEY, PORTAL_LAUNCHER_UPDATE_BASE_URL, ' +
        'PORTAL_LAUNCHER_EXTENSION_ID',
    );
    return;
  }
  const browsers = values.browser ?? ['chrome', 'firefox'];
  for (const b of browsers) {
    if (b !== 'chrome' && b !== 'firefox')
      throw new PackageError('bad_option', `--browser must be chrome or firefox, not ${b}.`);
  }
  const outDir = path.resolve(values['out-dir'] ?? DEFAULT_OUT_DIR);
  const result = await packageExtension({
    outDir,
    updateBaseUrl: values['update-base-url'],
    browsers: browsers as TargetBrowser[],
  });
  console.log(formatSummary(result, outDir));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof PackageError ? `package: ${error.message} [${error.code}]` : error);
    process.exitCode = 1;
  });
}
