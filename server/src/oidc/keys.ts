/**
 * Signing keys (JWKS) and cookie-signing keys, generated on first start and
 * kept in the database (`provider_keys`), so tokens and cookies stay valid
 * across restarts (C9) and every node of a portal signs and verifies alike.
 * A `<dataDir>/keys.json` left by an older portal is imported once.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517 RFC 7517 (JWK)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';
import type { Database } from '../db/database.ts';
import { findKeySet, insertKeySetIfAbsent } from '../repo/provider-keys.ts';

/** Name of the portal's key set in `provider_keys`. */
const KEY_SET = 'portal';

/** The portal's keys (the JSON stored in `provider_keys`, and in an older portal's `keys.json`). */
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

/**
 * Loads the keys from the database, creating them the first time (or
 * importing `<dataDir>/keys.json` from an older portal).
 */
export async function loadOrCreateKeys(db: Database, dataDir: string): Promise<PortalKeys> {
  const stored = await findKeySet(db, KEY_SET);
  if (stored) return JSON.parse(stored) as PortalKeys;
  const file = path.join(dataDir, 'keys.json');
  const keys: PortalKeys = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as PortalKeys)
    : {
        // RS256 first: it is the provider's default ID token algorithm and the one
        // every relying party supports; ES256 is offered alongside.
        jwks: { keys: [await generateSigningKey('RS256'), await generateSigningKey('ES256')] },
        cookieKeys: [randomBytes(32).toString('base64url')],
      };
  await insertKeySetIfAbsent(db, KEY_SET, JSON.stringify(keys), Date.now());
  // Another node may have stored its keys first: everyone uses what the database holds.
  return JSON.parse((await findKeySet(db, KEY_SET)) as string) as PortalKeys;
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
