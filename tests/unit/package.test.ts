/**
 * The packager (scripts/package/): signing-key handling, the extension id
 * derivation, the update manifest, and the CRX written by the crx3 library
 * read back and checked without a browser. That Chromium installs the CRX is
 * exercised end to end in tests/e2e/force-install.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../contract/constants.ts';
import { packCrx, verifyCrx } from '../../scripts/package/crx.ts';
import { PackageError } from '../../scripts/package/errors.ts';
import {
  DEV_KEY_FILE,
  extensionIdFromPublicKey,
  parseSigningKey,
  resolveSigningKey,
} from '../../scripts/package/keys.ts';
import { packageExtension } from '../../scripts/package/release.ts';
import { updateManifestXml } from '../../scripts/package/update-manifest.ts';

const work = mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rsa = (bits: number, type: 'pkcs1' | 'pkcs8') =>
  generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type, format: 'pem' }).toString();

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof PackageError ? error.code : `not a PackageError: ${String(error)}`;
  }
  return undefined;
}

describe('signing keys and extension ids', () => {
  it('the development key gives the id the contract and the manifest key use', () => {
    const key = resolveSigningKey({});
    expect(key.isDevelopmentKey).toBe(true);
    expect(key.extensionId).toBe(CHROME_EXTENSION_ID);
    // The manifest key in wxt.config.ts is the base64 DER of this public key.
    const wxtConfig = readFileSync(path.resolve(import.meta.dirname, '../../wxt.config.ts'), 'utf8');
    expect(wxtConfig).toContain(key.spkiDer.toString('base64'));
  });

  it('an id is 32 letters a-p, and different keys give different ids', () => {
    const a = parseSigningKey(rsa(2048, 'pkcs8'), 'a');
    const b = parseSigningKey(rsa(2048, 'pkcs8'), 'b');
    expect(a.extensionId).toMatch(/^[a-p]{32}$/);
    expect(a.extensionId).not.toBe(b.extensionId);
    expect(extensionIdFromPublicKey(a.spkiDer)).toBe(a.extensionId);
  });

  it('a PKCS#1 key (older openssl genrsa) is accepted and handed to Chromium as PKCS#8', () => {
    const key = parseSigningKey(rsa(2048, 'pkcs1'), 'pkcs1');
    expect(key.pkcs8Pem).toContain('-----BEGIN PRIVATE KEY-----');
  });

  it('refuses keys Chromium cannot sign with, with code key_invalid', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(codeOf(() => parseSigningKey(ec.toString(), 'ec'))).toBe('key_invalid');
    expect(codeOf(() => parseSigningKey(rsa(1024, 'pkcs8'), 'short'))).toBe('key_invalid');
    expect(codeOf(() => parseSigningKey('not a key', 'text'))).toBe('key_invalid');
  });

  it('PORTAL_LAUNCHER_CRX_KEY_FILE wins over PORTAL_LAUNCHER_CRX_KEY; a missing file is key_unreadable', () => {
    const fileKey = rsa(2048, 'pkcs8');
    const file = path.join(work, 'key.pem');
    writeFileSync(file, fileKey);
    const fromFile = resolveSigningKey({
      PORTAL_LAUNCHER_CRX_KEY_FILE: file,
      PORTAL_LAUNCHER_CRX_KEY: rsa(2048, 'pkcs8'),
    });
    expect(fromFile.extensionId).toBe(parseSigningKey(fileKey, 'x').extensionId);
    expect(fromFile.isDevelopmentKey).toBe(false);
    const textKey = rsa(2048, 'pkcs8');
    expect(resolveSigningKey({ PORTAL_LAUNCHER_CRX_KEY: textKey }).extensionId).toBe(
      parseSigningKey(textKey, 'x').extensionId,
    );
    expect(
      codeOf(() => resolveSigningKey({ PORTAL_LAUNCHER_CRX_KEY_FILE: path.join(work, 'missing.pem') })),
    ).toBe('key_unreadable');
  });

  it('a key that does not give PORTAL_LAUNCHER_EXTENSION_ID stops the run before building, code id_mismatch', async () => {
    const run = packageExtension({
      outDir: path.join(work, 'out'),
      browsers: ['chrome'],
      env: { PORTAL_LAUNCHER_CRX_KEY: rsa(2048, 'pkcs8'), PORTAL_LAUNCHER_EXTENSION_ID: CHROME_EXTENSION_ID },
      log: () => undefined,
    });
    await expect(run).rejects.toMatchObject({ name: 'PackageError', code: 'id_mismatch' });
  });

  it('the summary names the key source, never the key', () => {
    const key = resolveSigningKey({});
    expect(key.source).toContain('dev-extension-key.pem');
    expect(key.source).not.toContain('PRIVATE');
    expect(readFileSync(DEV_KEY_FILE, 'utf8')).toContain('PRIVATE KEY');
  });
});

describe('update manifest', () => {
  it('is a gupdate 2.0 response naming the id, the CRX address and the version', () => {
    const xml = updateManifestXml({
      appId: CHROME_EXTENSION_ID,
      codebase: 'https://extensions.example.com/a&b/portal-launcher-1.2.3.crx',
      version: '1.2.3',
    });
    expect(xml).toContain("<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>");
    expect(xml).toContain(`<app appid='${CHROME_EXTENSION_ID}'>`);
    // XML-escaped, so an & in the address cannot break the document.
    expect(xml).toContain(
      "<updatecheck codebase='https://extensions.example.com/a&amp;b/portal-launcher-1.2.3.crx' version='1.2.3' />",
    );
  });
});

describe('CRX verification', () => {
  it('refuses what is not a CRX3 with code crx_invalid', () => {
    const key = resolveSigningKey({});
    expect(codeOf(() => verifyCrx(Buffer.from('PK\x03\x04 a zip, not a crx'), key.spkiDer))).toBe(
      'crx_invalid',
    );
    const v2 = Buffer.alloc(16);
    v2.write('Cr24', 0, 'latin1');
    v2.writeUInt32LE(2, 4);
    expect(codeOf(() => verifyCrx(v2, key.spkiDer))).toBe('crx_invalid');
  });
});

/** The file names in a ZIP's central directory (what Chromium unpacks), read the plain way. */
function zipEntryNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names.sort();
}

describe('CRX written by crx3 (the self-hosted package Chromium installs through policy)', () => {
  const extensionDir = path.join(work, 'extension');
  mkdirSync(path.join(extensionDir, 'chunks'), { recursive: true });
  writeFileSync(
    path.join(extensionDir, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 't', version: '1.2.3' }),
  );
  writeFileSync(path.join(extensionDir, 'popup.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(extensionDir, 'chunks', 'popup.js'), 'console.log(1);');

  async function packed(key = resolveSigningKey({})): Promise<Buffer> {
    const outFile = path.join(work, `${key.extensionId}.crx`);
    await packCrx({ extensionDir, key, outFile });
    return readFileSync(outFile);
  }

  it('is signed by the development key, declares its id and holds the extension with paths relative to its root', async () => {
    const key = resolveSigningKey({});
    const crx = await packed(key);
    const info = verifyCrx(crx, key.spkiDer);
    expect(info.crxId).toBe(CHROME_EXTENSION_ID);
    const archive = crx.subarray(crx.length - info.archiveBytes);
    expect(zipEntryNames(archive)).toEqual(['chunks/popup.js', 'manifest.json', 'popup.html']);
  });

  it('a key from the environment gives its own id, not the development one', async () => {
    const key = parseSigningKey(rsa(2048, 'pkcs1'), 'env');
    const crx = await packed(key);
    expect(verifyCrx(crx, key.spkiDer).crxId).toBe(key.extensionId);
    expect(key.extensionId).not.toBe(CHROME_EXTENSION_ID);
  });

  it('a changed archive byte, a foreign key or a cut header is refused with crx_invalid', async () => {
    const key = resolveSigningKey({});
    const crx = await packed(key);
    const tampered = Buffer.from(crx);
    tampered[tampered.length - 30] = (tampered[tampered.length - 30] as number) ^ 0xff;
    expect(() => verifyCrx(tampered, key.spkiDer)).toThrow(/signature does not verify/);
    const foreign = parseSigningKey(rsa(2048, 'pkcs8'), 'foreign');
    expect(() => verifyCrx(crx, foreign.spkiDer)).toThrow(/not signed by the expected key/);
    const cut = Buffer.from(crx);
    cut.writeUInt32LE(40, 8); // the header now ends inside the first proof
    expect(codeOf(() => verifyCrx(cut, key.spkiDer))).toBe('crx_invalid');
  });

  it('a folder without manifest.json is refused with pack_failed', async () => {
    const run = packCrx({
      extensionDir: work,
      key: resolveSigningKey({}),
      outFile: path.join(work, 'x.crx'),
    });
    await expect(run).rejects.toMatchObject({ name: 'PackageError', code: 'pack_failed' });
  });
});
