/**
 * CRX signing keys and Chromium extension ids: the key named by the
 * environment (`PORTAL_LAUNCHER_CRX_KEY_FILE`, `PORTAL_LAUNCHER_CRX_KEY`) or
 * the committed, public development key, checked to be one Chromium accepts.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../output-dir.ts';
import { PackageError } from './errors.ts';

/** The committed development key. Public: anyone can sign a CRX with this id. */
export const DEV_KEY_FILE = path.join(ROOT_DIR, 'keys', 'dev-extension-key.pem');

/**
 * The Chromium extension id of a public key: SHA-256 of its DER
 * SubjectPublicKeyInfo, first 16 bytes, each hex digit 0-f written as a-p.
 * The same derivation gives the id of a manifest `key` and of a CRX signer.
 *
 * @see https://developer.chrome.com/docs/extensions/reference/manifest/key
 */
export function extensionIdFromPublicKey(spkiDer: Uint8Array): string {
  return extensionIdFromBytes(createHash('sha256').update(spkiDer).digest().subarray(0, 16));
}

/** An extension id from its 16 bytes (a CRX's signed `crx_id`): each hex digit 0-f written as a-p. */
export function extensionIdFromBytes(bytes: Uint8Array): string {
  return [...Buffer.from(bytes).toString('hex')]
    .map((digit) => String.fromCharCode('a'.charCodeAt(0) + Number.parseInt(digit, 16)))
    .join('');
}

/** A CRX signing key, normalised for Chromium. */
export interface SigningKey {
  /** PKCS#8 PEM, the form the CRX writer reads. */
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
    `${path.relative(ROOT_DIR, DEV_KEY_FILE)} (development key)`,
    true,
  );
}
