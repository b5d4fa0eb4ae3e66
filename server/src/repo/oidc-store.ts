/**
 * Storage of oidc-provider models (Session, Grant, AuthorizationCode,
 * AccessToken, RefreshToken, Interaction, …) in `oidc_store`, so sessions and
 * grants survive restarts (C9). SQL only here; oidc/adapter.ts maps the
 * provider's adapter interface onto it.
 *
 * Expiry is compared with `Date.now()` because oidc-provider computes `exp`
 * from `Date.now()` too; both move together under test fake timers.
 */
import type { ExpressionBuilder, Selectable } from 'kysely';
import { compileOnce } from '../db/compiled.ts';
import { changed, type Database } from '../db/database.ts';
import type { DB, OidcStoreTable } from '../db/schema.ts';
import { takeNew } from './upsert.ts';

/** One stored oidc-provider model instance. */
export interface StoredModel {
  model: string;
  id: string;
  payload: Record<string, unknown>;
  expiresAt: number | null;
  consumed: boolean;
}

type Row = Selectable<OidcStoreTable>;

const toStored = (row: Row): StoredModel => ({
  model: row.model,
  id: row.id,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
  expiresAt: row.expires_at,
  consumed: row.consumed !== null,
});

export type OidcStoreRepo = ReturnType<typeof createOidcStoreRepo>;

/** Not expired at `now` (rows without an expiry never expire). */
const live = (now: number) => (eb: ExpressionBuilder<DB, 'oidc_store'>) =>
  eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]);

/**
 * Repository over `oidc_store`. Every request with an access token, and every
 * token, code and session write, goes through upsert, find and consume:
 * those are compiled once (db/compiled.ts).
 */
export function createOidcStoreRepo(db: Database) {
  const upsert = compileOnce<Required<Omit<Row, 'consumed'>>, never>(db, (k, arg) =>
    k
      .insertInto('oidc_store')
      .values({
        model: arg('model'),
        id: arg('id'),
        payload: arg('payload'),
        grant_id: arg('grant_id'),
        uid: arg('uid'),
        user_code: arg('user_code'),
        account_id: arg('account_id'),
        expires_at: arg('expires_at'),
      })
      .onConflict((oc) =>
        oc
          .columns(['model', 'id'])
          .doUpdateSet(takeNew(['payload', 'grant_id', 'uid', 'user_code', 'account_id', 'expires_at'])),
      ),
  );
  const find = compileOnce<{ model: string; id: string; now: number }, Row>(db, (k, arg) =>
    k
      .selectFrom('oidc_store')
      .selectAll()
      .where('model', '=', arg('model'))
      .where('id', '=', arg('id'))
      .where(live(arg('now'))),
  );
  const consume = compileOnce<{ model: string; id: string; at: number }, never>(db, (k, arg) =>
    k
      .updateTable('oidc_store')
      .set({ consumed: arg('at') })
      .where('model', '=', arg('model'))
      .where('id', '=', arg('id'))
      .where('consumed', 'is', null),
  );
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    async upsert(
      model: string,
      id: string,
      payload: Record<string, unknown>,
      expiresAt: number | null,
    ): Promise<void> {
      await upsert.run({
        model,
        id,
        payload: JSON.stringify(payload),
        grant_id: text(payload.grantId),
        uid: text(payload.uid),
        user_code: text(payload.userCode),
        account_id: text(payload.accountId),
        expires_at: expiresAt,
      });
    },
    async find(model: string, id: string): Promise<StoredModel | undefined> {
      const row = await find.first({ model, id, now: Date.now() });
      return row && toStored(row);
    },
    async findByUid(model: string, uid: string): Promise<StoredModel | undefined> {
      const row = await db
        .executor()
        .selectFrom('oidc_store')
        .selectAll()
        .where('model', '=', model)
        .where('uid', '=', uid)
        .where(live(Date.now()))
        .executeTakeFirst();
      return row && toStored(row);
    },
    async findByUserCode(model: string, userCode: string): Promise<StoredModel | undefined> {
      const row = await db
        .executor()
        .selectFrom('oidc_store')
        .selectAll()
        .where('model', '=', model)
        .where('user_code', '=', userCode)
        .where(live(Date.now()))
        .executeTakeFirst();
      return row && toStored(row);
    },
    /**
     * Marks a code or token consumed (the provider detects replays from
     * this). Only the first consumer changes the row; the answer says whether
     * this call was it, so a code redeemed through two nodes at once is
     * honoured once (C10).
     */
    async consume(model: string, id: string): Promise<boolean> {
      return (await consume.run({ model, id, at: Math.floor(Date.now() / 1000) })) === 1;
    },
    async destroy(model: string, id: string): Promise<void> {
      await db.executor().deleteFrom('oidc_store').where('model', '=', model).where('id', '=', id).execute();
    },
    /** Deletes everything issued under a grant (codes, tokens, the grant itself). */
    async revokeByGrantId(grantId: string): Promise<void> {
      await db
        .executor()
        .deleteFrom('oidc_store')
        .where((eb) =>
          eb.or([eb('grant_id', '=', grantId), eb.and([eb('model', '=', 'Grant'), eb('id', '=', grantId)])]),
        )
        .execute();
    },
    /** Live sessions of an account. */
    async listSessions(accountId: string): Promise<StoredModel[]> {
      const rows = await db
        .executor()
        .selectFrom('oidc_store')
        .selectAll()
        .where('model', '=', 'Session')
        .where('account_id', '=', accountId)
        .where(live(Date.now()))
        .execute();
      return rows.map(toStored);
    },
    /** How many live sessions an account has (the per-user limit, B21). */
    async countSessions(accountId: string): Promise<number> {
      const row = await db
        .executor()
        .selectFrom('oidc_store')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('model', '=', 'Session')
        .where('account_id', '=', accountId)
        .where(live(Date.now()))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    /** Grant ids held by an account (for revoking all of them). */
    async grantIdsOf(accountId: string): Promise<string[]> {
      const rows = await db
        .executor()
        .selectFrom('oidc_store')
        .select((eb) =>
          eb.fn.coalesce('grant_id', eb.case().when('model', '=', 'Grant').then(eb.ref('id')).end()).as('g'),
        )
        .distinct()
        .where('account_id', '=', accountId)
        .where('model', '!=', 'Session')
        .execute();
      return rows.map((row) => row.g).filter((id): id is string => typeof id === 'string');
    },
    /** Removes expired rows (housekeeping; expired rows are already invisible). */
    async purgeExpired(): Promise<number> {
      const result = await db
        .executor()
        .deleteFrom('oidc_store')
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', Date.now())
        .executeTakeFirst();
      return changed(result);
    },
  };
}
