/**
 * Signing keys (JWKS) and cookie-signing keys, generated on first start and
 * kept in `<dataDir>/keys.json` (mode 0600), so tokens and cookies stay valid
 * across restarts (C9).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517 RFC 7517 (JWK)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';

/** Contents of `<dataDir>/keys.json`. */
export interface PortalKeys {
  /** Private signing keys, for oidc-provider's `jwks`. */
  jwks: { keys: JWK[] };
  /** Keys for oidc-provider's signed cookies (Keygrip; first signs, all verify). */
  cookieKeys: string[];
}

async function generateSigningKey(alg: 'RS256' | 'ES256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
}

/** Loads the keys from the data folder, creating them the first time. */
export async function loadOrCreateKeys(dataDir: string): Promise<PortalKeys> {
  const file = path.join(dataDir, 'keys.json');
  if (fs.existsSync(file)) {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PortalKeys;
  }
  // RS256 first: it is the provider's default ID token algorithm and the one
  // every relying party supports; ES256 is offered alongside.
  const keys: PortalKeys = {
    jwks: { keys: [await generateSigningKey('RS256'), await generateSigningKey('ES256')] },
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** The public half of the signing keys (what `/jwks` publishes). */
export function publicJwks(keys: PortalKeys): JSONWebKeySet {
  return {
    keys: keys.jwks.keys.map(({ kty, crv, x, y, n, e, alg, use, kid }) =>
      Object.fromEntries(
        Object.entries({ kty, crv, x, y, n, e, alg, use, kid }).filter(([, v]) => v !== undefined),
      ),
    ) as JWK[],
  };
}
