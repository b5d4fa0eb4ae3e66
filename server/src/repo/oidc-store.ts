/**
 * Storage of oidc-provider models (Session, Grant, AuthorizationCode,
 * AccessToken, RefreshToken, Interaction, …) in `oidc_store`, so sessions and
 * grants survive restarts (C9). SQL only here; oidc/adapter.ts maps the
 * provider's adapter interface onto it.
 *
 * Expiry is compared with `Date.now()` because oidc-provider computes `exp`
 * from `Date.now()` too; both move together under test fake timers.
 */
import { sql } from 'kysely';
import { all, type Database, first, run } from '../db/database.ts';

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
  const live = (now: number) => sql`(expires_at IS NULL OR expires_at > ${now})`;
  return {
    async upsert(
      model: string,
      id: string,
      payload: Record<string, unknown>,
      expiresAt: number | null,
    ): Promise<void> {
      const text = (value: unknown) => (typeof value === 'string' ? value : null);
      await run(
        db,
        sql`INSERT INTO oidc_store (model, id, payload, grant_id, uid, user_code, account_id, expires_at)
            VALUES (${model}, ${id}, ${JSON.stringify(payload)}, ${text(payload.grantId)}, ${text(payload.uid)},
              ${text(payload.userCode)}, ${text(payload.accountId)}, ${expiresAt})
            ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
              uid = excluded.uid, user_code = excluded.user_code, account_id = excluded.account_id,
              expires_at = excluded.expires_at`,
      );
    },
    async find(model: string, id: string): Promise<StoredModel | undefined> {
      const row = await first(
        db,
        sql<Row>`SELECT * FROM oidc_store WHERE model = ${model} AND id = ${id} AND ${live(Date.now())}`,
      );
      return row && toStored(row);
    },
    async findByUid(model: string, uid: string): Promise<StoredModel | undefined> {
      const row = await first(
        db,
        sql<Row>`SELECT * FROM oidc_store WHERE model = ${model} AND uid = ${uid} AND ${live(Date.now())}`,
      );
      return row && toStored(row);
    },
    async findByUserCode(model: string, userCode: string): Promise<StoredModel | undefined> {
      const row = await first(
        db,
        sql<Row>`SELECT * FROM oidc_store
                 WHERE model = ${model} AND user_code = ${userCode} AND ${live(Date.now())}`,
      );
      return row && toStored(row);
    },
    /**
     * Marks a code or token consumed (the provider detects replays from
     * this). Only the first consumer changes the row; the answer says whether
     * this call was it, so a code redeemed through two nodes at once is
     * honoured once (C10).
     */
    async consume(model: string, id: string): Promise<boolean> {
      const changed = await run(
        db,
        sql`UPDATE oidc_store SET consumed = ${Math.floor(Date.now() / 1000)}
            WHERE model = ${model} AND id = ${id} AND consumed IS NULL`,
      );
      return changed === 1;
    },
    async destroy(model: string, id: string): Promise<void> {
      await run(db, sql`DELETE FROM oidc_store WHERE model = ${model} AND id = ${id}`);
    },
    /** Deletes everything issued under a grant (codes, tokens, the grant itself). */
    async revokeByGrantId(grantId: string): Promise<void> {
      await run(
        db,
        sql`DELETE FROM oidc_store WHERE grant_id = ${grantId} OR (model = 'Grant' AND id = ${grantId})`,
      );
    },
    /** Live sessions of an account. */
    async listSessions(accountId: string): Promise<StoredModel[]> {
      const rows = await all(
        db,
        sql<Row>`SELECT * FROM oidc_store
                 WHERE model = 'Session' AND account_id = ${accountId} AND ${live(Date.now())}`,
      );
      return rows.map(toStored);
    },
    /** How many live sessions an account has (the per-user limit, B21). */
    async countSessions(accountId: string): Promise<number> {
      const row = await first(
        db,
        sql<{ n: number }>`SELECT COUNT(*) AS n FROM oidc_store
                           WHERE model = 'Session' AND account_id = ${accountId} AND ${live(Date.now())}`,
      );
      return Number(row?.n ?? 0);
    },
    /** Grant ids held by an account (for revoking all of them). */
    async grantIdsOf(accountId: string): Promise<string[]> {
      const rows = await all(
        db,
        sql<{
          g: string | null;
        }>`SELECT DISTINCT COALESCE(grant_id, CASE WHEN model = 'Grant' THEN id END) AS g
                                  FROM oidc_store WHERE account_id = ${accountId} AND model != 'Session'`,
      );
      return rows.map((row) => row.g).filter((id): id is string => typeof id === 'string');
    },
    /** Removes expired rows (housekeeping; expired rows are already invisible). */
    async purgeExpired(): Promise<number> {
      return run(
        db,
        sql`DELETE FROM oidc_store WHERE expires_at IS NOT NULL AND expires_at <= ${Date.now()}`,
      );
    },
  };
}
