/**
 * Signing keys (JWKS) and cookie-signing keys, generated on first start and
 * kept in the database (`provider_keys`), so tokens and cookies stay valid
 * across restarts (C9) and every node of a portal signs and verifies alike.
 * A `<dataDir>/keys.json` left by an older portal is imported once.
 *
 * Rotation (`npm run portal -- keys add | activate | retire`), in the order
 * that keeps every token valid on every node: the new keys are first
 * published and verify but do not sign (`next`); then they sign and the old
 * ones only verify until the grace period ends; then the old ones go. Each
 * step is written to the database; a node reads its signing keys when it
 * starts (restart the nodes after each step), and the API verifier of a node
 * that meets a key id it does not know reads the key set again (api/index.ts).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517 RFC 7517 (JWK)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import type { Database } from '../db/database.ts';
import { findKeySet, insertKeySetIfAbsent, replaceKeySet } from '../repo/provider-keys.ts';

/** Name of the portal's key set in `provider_keys`. */
const KEY_SET = 'portal';

/** The portal's keys (the JSON stored in `provider_keys`, and in an older portal's `keys.json`). */
export interface PortalKeys {
  /** Private signing keys, for oidc-provider's `jwks`. */
  jwks: { keys: JWK[] };
  /** Keys for oidc-provider's signed cookies (Keygrip; first signs, all verify). */
  cookieKeys: string[];
  /**
   * Rotation state by signing key id; a key not named here signs. `next`: published and verifies,
   * does not sign yet. A number: retiring, verifies (never signs) until then (ms since the epoch).
   */
  rotation?: Record<string, 'next' | number>;
}

/** A key set cannot take this rotation step now; the message says what to do instead. */
export class KeyRotationError extends Error {
  override name = 'KeyRotationError';
}

/** How long retiring keys keep verifying by default: a day, far beyond the tokens' lifetimes. */
export const DEFAULT_GRACE_SECONDS = 24 * 3600;

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

/** Keys whose grace period is over (at `now`) are gone. */
function liveKeys(keys: PortalKeys, now: number): JWK[] {
  return keys.jwks.keys.filter((key) => {
    const state = keys.rotation?.[key.kid as string];
    return typeof state !== 'number' || state > now;
  });
}

/**
 * The private keys as oidc-provider takes them at `now`: keys that are not
 * signing (next, retiring) carry `key_ops: ["verify"]`, so the provider
 * verifies with them and never signs; retired keys are left out.
 */
export function providerJwks(keys: PortalKeys, now: number): { keys: JWK[] } {
  return {
    keys: liveKeys(keys, now).map((key) =>
      keys.rotation?.[key.kid as string] === undefined ? key : { ...key, key_ops: ['verify'] },
    ),
  };
}

/** Reads the key set again (for a node that meets a key id it does not know). */
export async function readKeys(db: Database): Promise<PortalKeys | undefined> {
  const stored = await findKeySet(db, KEY_SET);
  return stored ? (JSON.parse(stored) as PortalKeys) : undefined;
}

/** Applies `step` to the stored key set; a concurrent change makes it fail rather than be lost. */
async function changeKeys(
  db: Database,
  step: (keys: PortalKeys) => Promise<PortalKeys>,
): Promise<PortalKeys> {
  const stored = await findKeySet(db, KEY_SET);
  if (!stored) throw new KeyRotationError('There are no keys yet: start the portal once first.');
  const changed = await step(JSON.parse(stored) as PortalKeys);
  if (!(await replaceKeySet(db, KEY_SET, stored, JSON.stringify(changed)))) {
    throw new KeyRotationError('The keys changed meanwhile (another admin?): run the command again.');
  }
  return changed;
}

/** Rotation step 1: new RS256 and ES256 keys, published and verifying, not signing yet. */
export function addNextKeys(db: Database): Promise<PortalKeys> {
  return changeKeys(db, async (keys) => {
    if (Object.values(keys.rotation ?? {}).includes('next')) {
      throw new KeyRotationError('New keys are waiting already: run `keys activate` (or `keys list`).');
    }
    const added = [await generateSigningKey('RS256'), await generateSigningKey('ES256')];
    const rotation = {
      ...keys.rotation,
      ...Object.fromEntries(added.map((key) => [key.kid, 'next' as const])),
    };
    return { ...keys, jwks: { keys: [...keys.jwks.keys, ...added] }, rotation };
  });
}

/**
 * Rotation step 2: the next keys sign; the keys that signed until now verify
 * until `now + graceSeconds`. A new cookie key signs too (the old ones verify).
 */
export function activateNextKeys(db: Database, now: number, graceSeconds: number): Promise<PortalKeys> {
  return changeKeys(db, async (keys) => {
    const rotation = { ...keys.rotation };
    const next = Object.keys(rotation).filter((kid) => rotation[kid] === 'next');
    if (next.length === 0) throw new KeyRotationError('No new keys to activate: run `keys add` first.');
    for (const key of keys.jwks.keys) {
      const kid = key.kid as string;
      if (rotation[kid] === undefined) rotation[kid] = now + graceSeconds * 1000;
    }
    for (const kid of next) delete rotation[kid];
    const cookieKeys = [randomBytes(32).toString('base64url'), ...keys.cookieKeys].slice(0, 3);
    return { ...keys, cookieKeys, rotation };
  });
}

/** Rotation step 3: removes the keys whose grace period is over (all retiring ones with `force`). */
export async function retireKeys(db: Database, now: number, force = false): Promise<string[]> {
  const removed: string[] = [];
  await changeKeys(db, async (keys) => {
    const rotation = { ...keys.rotation };
    const kept = keys.jwks.keys.filter((key) => {
      const state = rotation[key.kid as string];
      if (typeof state !== 'number' || (state > now && !force)) return true;
      removed.push(key.kid as string);
      delete rotation[key.kid as string];
      return false;
    });
    return { ...keys, jwks: { keys: kept }, rotation };
  });
  return removed;
}

/** One line per key: id, algorithm and state (`signing`, `next`, `verifies until …`). */
export function describeKeys(keys: PortalKeys, now: number): string[] {
  return keys.jwks.keys.map((key) => {
    const state = keys.rotation?.[key.kid as string];
    const text =
      state === undefined
        ? 'signing'
        : state === 'next'
          ? 'next (published, verifies, does not sign yet)'
          : state > now
            ? `retiring (verifies until ${new Date(state).toISOString()})`
            : 'retired (removed by `keys retire`)';
    return `${key.kid}\t${key.alg}\t${text}`;
  });
}

/** The public half of the live signing keys (what `/jwks` publishes). */
export function publicJwks(keys: PortalKeys, now = Date.now()): JSONWebKeySet {
  return {
    keys: liveKeys(keys, now).map(({ kty, crv, x, y, n, e, alg, use, kid }) =>
      Object.fromEntries(
        Object.entries({ kty, crv, x, y, n, e, alg, use, kid }).filter(([, v]) => v !== undefined),
      ),
    ) as JWK[],
  };
}

/** Least time between two reads of the key set by one node's API verifier. */
const KEY_REREAD_MS = 5_000;

/**
 * The API's key lookup: the node's public keys, read again from the database
 * (at most every {@link KEY_REREAD_MS}) when a token names a key id the node
 * does not know, such as a key another node signs with after a rotation.
 */
export function rereadingJwks(db: Database, initial: JSONWebKeySet, clock: () => number): JWTVerifyGetKey {
  let local = createLocalJWKSet(initial);
  let readAt = Number.NEGATIVE_INFINITY;
  return async (header, token) => {
    try {
      return await local(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || clock() - readAt < KEY_REREAD_MS) throw error;
      readAt = clock();
      const keys = await readKeys(db);
      if (!keys) throw error;
      local = createLocalJWKSet(publicJwks(keys, clock()));
      return local(header, token);
    }
  };
}
