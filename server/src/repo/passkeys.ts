/**
 * SQL for passkeys and security keys (migration 090): `webauthn_credentials`
 * and the single-use ceremony rows of `webauthn_challenges`. The rules (B19,
 * B21) live in services/passkeys.ts.
 */
import { sql } from 'kysely';
import { all, type Database, first, run } from '../db/database.ts';
import { insertWithinLimit } from './limited-insert.ts';

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

interface CredentialRow {
  id: string;
  user_id: string;
  public_key: string;
  counter: number;
  transports: string;
  device_type: string;
  backed_up: number;
  aaguid: string;
  attachment: string | null;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** One ceremony's challenge (or a registration ticket), bound to `id`. */
export interface ChallengeRecord {
  id: string;
  purpose: string;
  userId: string | null;
  challenge: string;
  name: string | null;
  expiresAt: number;
}

interface ChallengeRow {
  id: string;
  purpose: string;
  user_id: string | null;
  challenge: string;
  name: string | null;
  expires_at: number;
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
      const rows = await all(
        db,
        sql<CredentialRow>`SELECT * FROM webauthn_credentials WHERE user_id = ${userId} ORDER BY created_at, id`,
      );
      return rows.map(toRecord);
    },
    async count(userId: string): Promise<number> {
      const row = await first(
        db,
        sql<{ n: number }>`SELECT COUNT(*) AS n FROM webauthn_credentials WHERE user_id = ${userId}`,
      );
      return Number(row?.n ?? 0);
    },
    async find(id: string): Promise<PasskeyRecord | undefined> {
      const row = await first(db, sql<CredentialRow>`SELECT * FROM webauthn_credentials WHERE id = ${id}`);
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
      const changed = await run(
        db,
        sql`UPDATE webauthn_credentials SET counter = ${counter}, backed_up = ${backedUp ? 1 : 0},
              last_used_at = ${now}
            WHERE id = ${id} AND user_id = ${userId}
              AND (counter < ${counter} OR (counter = 0 AND ${counter} = 0))`,
      );
      return changed === 1;
    },
    async rename(userId: string, id: string, name: string): Promise<boolean> {
      return (
        (await run(
          db,
          sql`UPDATE webauthn_credentials SET name = ${name} WHERE id = ${id} AND user_id = ${userId}`,
        )) === 1
      );
    },
    async remove(userId: string, id: string): Promise<boolean> {
      return (
        (await run(db, sql`DELETE FROM webauthn_credentials WHERE id = ${id} AND user_id = ${userId}`)) === 1
      );
    },

    /** Stores (or replaces) the challenge bound to `record.id`. */
    async putChallenge(record: ChallengeRecord): Promise<void> {
      await run(
        db,
        sql`INSERT INTO webauthn_challenges (id, purpose, user_id, challenge, name, expires_at)
            VALUES (${record.id}, ${record.purpose}, ${record.userId}, ${record.challenge}, ${record.name},
              ${record.expiresAt})
            ON CONFLICT (id) DO UPDATE SET purpose = excluded.purpose, user_id = excluded.user_id,
              challenge = excluded.challenge, name = excluded.name, expires_at = excluded.expires_at`,
      );
    },
    /** The live challenge bound to `id`, without using it up (to render a page again). */
    async peekChallenge(id: string, purpose: string, now: number): Promise<ChallengeRecord | undefined> {
      const row = await first(
        db,
        sql<ChallengeRow>`SELECT * FROM webauthn_challenges
                          WHERE id = ${id} AND purpose = ${purpose} AND expires_at > ${now}`,
      );
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
        const removed = await run(
          db,
          sql`DELETE FROM webauthn_challenges WHERE id = ${id} AND challenge = ${record.challenge}`,
        );
        return removed === 1 ? record : undefined;
      });
    },
    async purgeChallenges(now: number): Promise<void> {
      await run(db, sql`DELETE FROM webauthn_challenges WHERE expires_at <= ${now}`);
    },
  };
  return repo;
}
