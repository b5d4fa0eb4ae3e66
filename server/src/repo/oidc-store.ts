/**
 * Storage of oidc-provider models (Session, Grant, AuthorizationCode,
 * AccessToken, RefreshToken, Interaction, …) in `oidc_store`, so sessions and
 * grants survive restarts (C9). SQL only here; oidc/adapter.ts maps the
 * provider's adapter interface onto it.
 *
 * Expiry is compared with `Date.now()` because oidc-provider computes `exp`
 * from `Date.now()` too; both move together under test fake timers.
 */
import type { Database } from '../db/database.ts';

/** One stored oidc-provider model instance. */
export interface StoredModel {
  model: string;
  id: string;
  payload: Record<string, unknown>;
  expiresAt: number | null;
  consumed: boolean;
}

interface Row {
  model: string;
  id: string;
  payload: string;
  expires_at: number | null;
  consumed: number | null;
}

const toStored = (row: Row): StoredModel => ({
  model: row.model,
  id: row.id,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
  expiresAt: row.expires_at,
  consumed: row.consumed !== null,
});

export type OidcStoreRepo = ReturnType<typeof createOidcStoreRepo>;

/** Repository over `oidc_store`. */
export function createOidcStoreRepo(db: Database) {
  const live = '(expires_at IS NULL OR expires_at > ?)';
  return {
    upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null): void {
      db.prepare(
        `INSERT INTO oidc_store (model, id, payload, grant_id, uid, user_code, account_id, expires_at)
         VALUES (@model, @id, @payload, @grantId, @uid, @userCode, @accountId, @expiresAt)
         ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
           uid = excluded.uid, user_code = excluded.user_code, account_id = excluded.account_id,
           expires_at = excluded.expires_at`,
      ).run({
        model,
        id,
        payload: JSON.stringify(payload),
        grantId: typeof payload.grantId === 'string' ? payload.grantId : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        userCode: typeof payload.userCode === 'string' ? payload.userCode : null,
        accountId: typeof payload.accountId === 'string' ? payload.accountId : null,
        expiresAt,
      });
    },
    find(model: string, id: string): StoredModel | undefined {
      const row = db
        .prepare<[string, string, number], Row>(
          `SELECT * FROM oidc_store WHERE model = ? AND id = ? AND ${live}`,
        )
        .get(model, id, Date.now());
      return row && toStored(row);
    },
    findByUid(model: string, uid: string): StoredModel | undefined {
      const row = db
        .prepare<[string, string, number], Row>(
          `SELECT * FROM oidc_store WHERE model = ? AND uid = ? AND ${live}`,
        )
        .get(model, uid, Date.now());
      return row && toStored(row);
    },
    findByUserCode(model: string, userCode: string): StoredModel | undefined {
      const row = db
        .prepare<[string, string, number], Row>(
          `SELECT * FROM oidc_store WHERE model = ? AND user_code = ? AND ${live}`,
        )
        .get(model, userCode, Date.now());
      return row && toStored(row);
    },
    /** Marks a code or token consumed (the provider detects replays from this). */
    consume(model: string, id: string): void {
      db.prepare('UPDATE oidc_store SET consumed = ? WHERE model = ? AND id = ?').run(
        Math.floor(Date.now() / 1000),
        model,
        id,
      );
    },
    destroy(model: string, id: string): void {
      db.prepare('DELETE FROM oidc_store WHERE model = ? AND id = ?').run(model, id);
    },
    /** Deletes everything issued under a grant (codes, tokens, the grant itself). */
    revokeByGrantId(grantId: string): void {
      db.prepare("DELETE FROM oidc_store WHERE grant_id = ? OR (model = 'Grant' AND id = ?)").run(
        grantId,
        grantId,
      );
    },
    /** Live sessions of an account. */
    listSessions(accountId: string): StoredModel[] {
      return db
        .prepare<[string, number], Row>(
          `SELECT * FROM oidc_store WHERE model = 'Session' AND account_id = ? AND ${live}`,
        )
        .all(accountId, Date.now())
        .map(toStored);
    },
    /** How many live sessions an account has (the per-user limit, B21). */
    countSessions(accountId: string): number {
      return db
        .prepare(`SELECT COUNT(*) FROM oidc_store WHERE model = 'Session' AND account_id = ? AND ${live}`)
        .pluck()
        .get(accountId, Date.now()) as number;
    },
    /** Grant ids held by an account (for revoking all of them). */
    grantIdsOf(accountId: string): string[] {
      return db
        .prepare(
          `SELECT DISTINCT COALESCE(grant_id, CASE WHEN model = 'Grant' THEN id END) AS g
           FROM oidc_store WHERE account_id = ? AND model != 'Session'`,
        )
        .pluck()
        .all(accountId)
        .filter((id): id is string => typeof id === 'string');
    },
    /** Removes expired rows (housekeeping; expired rows are already invisible). */
    purgeExpired(): number {
      return db
        .prepare('DELETE FROM oidc_store WHERE expires_at IS NOT NULL AND expires_at <= ?')
        .run(Date.now()).changes;
    },
  };
}
