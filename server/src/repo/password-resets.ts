/**
 * SQL for `password_resets` and `password_reset_requests` (migration 050).
 * The rules (token format, lifetime, throttling) live in
 * `services/password-reset.ts`.
 */
import { changed, type Database } from '../db/database.ts';

/** A stored reset token (only its hash). Times are milliseconds since the epoch. */
export interface PasswordResetRow {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** Records a reset request (known address or not) for throttling. */
export async function recordResetRequest(
  db: Database,
  emailHash: string,
  ip: string | null,
  at: number,
): Promise<void> {
  await db
    .executor()
    .insertInto('password_reset_requests')
    .values({ email_hash: emailHash, ip, at })
    .execute();
}

/** Requests whose `column` is `value`, since `since`. */
async function count(
  db: Database,
  column: 'email_hash' | 'ip',
  value: string,
  since: number,
): Promise<number> {
  const row = await db
    .executor()
    .selectFrom('password_reset_requests')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(column, '=', value)
    .where('at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Requests for this address since `since`. */
export function countResetRequestsForEmail(db: Database, emailHash: string, since: number): Promise<number> {
  return count(db, 'email_hash', emailHash, since);
}

/** Requests from this client address since `since`. */
export function countResetRequestsForIp(db: Database, ip: string, since: number): Promise<number> {
  return count(db, 'ip', ip, since);
}

/** Forgets requests older than `before` (they no longer count for throttling). */
export async function pruneResetRequests(db: Database, before: number): Promise<void> {
  await db.executor().deleteFrom('password_reset_requests').where('at', '<', before).execute();
}

/** Stores a new reset token hash. */
export async function insertPasswordReset(
  db: Database,
  row: Omit<PasswordResetRow, 'used_at'>,
): Promise<void> {
  await db.executor().insertInto('password_resets').values(row).execute();
}

/** A reset token that is unused and not expired at `now`, if any. */
export function findUsablePasswordReset(
  db: Database,
  tokenHash: string,
  now: number,
): Promise<PasswordResetRow | undefined> {
  return db
    .executor()
    .selectFrom('password_resets')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Marks a token used, once: returns false when it was already used or has
 * expired, so two concurrent submissions (on any node) cannot both set a password.
 */
export async function consumePasswordReset(db: Database, tokenHash: string, now: number): Promise<boolean> {
  const result = await db
    .executor()
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return changed(result) === 1;
}

/** Ends every outstanding token of the user (after a reset or a password change). */
export async function invalidateUserPasswordResets(db: Database, userId: string, now: number): Promise<void> {
  await db
    .executor()
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}
