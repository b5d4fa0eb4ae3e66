/**
 * The packager's pure parts (scripts/package.ts): signing-key handling, the
 * extension id derivation and the update manifest. Packing and CRX
 * verification against Chromium's real output are exercised end to end in
 * tests/e2e/force-install.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../contract/constants.ts';
import {
  DEV_KEY_FILE,
  extensionIdFromPublicKey,
  PackageError,
  packageExtension,
  parseSigningKey,
  resolveSigningKey,
  updateManifestXml,
  verifyCrx,
} from '../../scripts/package.ts';

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
