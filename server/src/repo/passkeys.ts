/**
 * SQL for passkeys and security keys (migration 090): `webauthn_credentials`
 * and the single-use ceremony rows of `webauthn_challenges`. The rules (B19,
 * B21) live in services/passkeys.ts.
 */
import type { Selectable } from 'kysely';
import { changed, type Database } from '../db/database.ts';
import type { WebauthnCredentialsTable } from '../db/schema.ts';
import { insertWithinLimit } from './limited-insert.ts';
import { takeNew } from './upsert.ts';

/** A stored WebAuthn credential. Times are milliseconds since the epoch. */
export interface PasskeyRecord {
  /** The credential id, base64url. */
  id: string;
  userId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  /** 'multiDevice' when the authenticator said the credential is backup eligible (a synced passkey). */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  aaguid: string;
  /** What the browser reported: 'platform' (built in), 'cross-platform' (a security key, a phone), or null. */
  attachment: 'platform' | 'cross-platform' | null;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

type CredentialRow = Selectable<WebauthnCredentialsTable>;

/** One ceremony's challenge (or a registration ticket), bound to `id`. */
export interface ChallengeRecord {
  id: string;
  purpose: string;
  userId: string | null;
  challenge: string;
  name: string | null;
  expiresAt: number;
}

function toRecord(row: CredentialRow): PasskeyRecord {
  let transports: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.transports);
    if (Array.isArray(parsed)) transports = parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    transports = [];
  }
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports,
    deviceType: row.device_type === 'multiDevice' ? 'multiDevice' : 'singleDevice',
    backedUp: Number(row.backed_up) === 1,
    aaguid: row.aaguid,
    attachment: row.attachment === 'platform' || row.attachment === 'cross-platform' ? row.attachment : null,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

export type PasskeysRepo = ReturnType<typeof createPasskeysRepo>;

/** Repository over `webauthn_credentials` and `webauthn_challenges`. */
export function createPasskeysRepo(db: Database) {
  const repo = {
    async list(userId: string): Promise<PasskeyRecord[]> {
      const rows = await db
        .executor()
        .selectFrom('webauthn_credentials')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },
    async count(userId: string): Promise<number> {
      const row = await db
        .executor()
        .selectFrom('webauthn_credentials')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async find(id: string): Promise<PasskeyRecord | undefined> {
      const row = await db
        .executor()
        .selectFrom('webauthn_credentials')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    /** Inserts a credential unless the user already has `limit` of them or the id is taken (B21). */
    async insert(record: PasskeyRecord, limit: number): Promise<'ok' | 'limit' | 'duplicate'> {
      const stored = await insertWithinLimit(db, {
        table: 'webauthn_credentials',
        row: {
          id: record.id,
          user_id: record.userId,
          public_key: record.publicKey,
          counter: record.counter,
          transports: JSON.stringify(record.transports),
          device_type: record.deviceType,
          backed_up: record.backedUp,
          aaguid: record.aaguid,
          attachment: record.attachment,
          name: record.name,
          created_at: record.createdAt,
        },
        owner: 'user_id',
        limit,
        unique: ['id'],
      });
      return stored === 'stored' ? 'ok' : stored;
    },
    /**
     * Records a use: the new counter and backup state. The guard refuses a counter that did not
     * grow (unless the authenticator keeps none: both 0), so of two concurrent uses of one
     * signature only one succeeds (B19).
     */
    async recordUse(id: string, userId: string, counter: number, backedUp: boolean, now: number) {
      const result = await db
        .executor()
        .updateTable('webauthn_credentials')
        .set({ counter, backed_up: backedUp ? 1 : 0, last_used_at: now })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        // A new counter of 0 passes only against a stored 0; any other must be larger.
        .where('counter', counter === 0 ? '=' : '<', counter)
        .executeTakeFirst();
      return changed(result) === 1;
    },
    async rename(userId: string, id: string, name: string): Promise<boolean> {
      const result = await db
        .executor()
        .updateTable('webauthn_credentials')
        .set({ name })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return changed(result) === 1;
    },
    async remove(userId: string, id: string): Promise<boolean> {
      const result = await db
        .executor()
        .deleteFrom('webauthn_credentials')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return changed(result) === 1;
    },

    /** Stores (or replaces) the challenge bound to `record.id`. */
    async putChallenge(record: ChallengeRecord): Promise<void> {
      const row = {
        purpose: record.purpose,
        user_id: record.userId,
        challenge: record.challenge,
        name: record.name,
        expires_at: record.expiresAt,
      };
      await db
        .executor()
        .insertInto('webauthn_challenges')
        .values({ id: record.id, ...row })
        .onConflict((oc) => oc.column('id').doUpdateSet(takeNew(Object.keys(row))))
        .execute();
    },
    /** The live challenge bound to `id`, without using it up (to render a page again). */
    async peekChallenge(id: string, purpose: string, now: number): Promise<ChallengeRecord | undefined> {
      const row = await db
        .executor()
        .selectFrom('webauthn_challenges')
        .selectAll()
        .where('id', '=', id)
        .where('purpose', '=', purpose)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          purpose: row.purpose,
          userId: row.user_id,
          challenge: row.challenge,
          name: row.name,
          expiresAt: Number(row.expires_at),
        }
      );
    },
    /**
     * Uses up the challenge bound to `id`: read and delete in one transaction, and only the
     * caller whose DELETE removed the row gets it — so a challenge is accepted once (B19).
     */
    async takeChallenge(id: string, purpose: string, now: number): Promise<ChallengeRecord | undefined> {
      return db.transaction(async () => {
        const record = await repo.peekChallenge(id, purpose, now);
        if (!record) return undefined;
        const removed = await db
          .executor()
          .deleteFrom('webauthn_challenges')
          .where('id', '=', id)
          .where('challenge', '=', record.challenge)
          .executeTakeFirst();
        return changed(removed) === 1 ? record : undefined;
      });
    },
    async purgeChallenges(now: number): Promise<void> {
      await db.executor().deleteFrom('webauthn_challenges').where('expires_at', '<=', now).execute();
    },
  };
  return repo;
}
