/**
 * SQL for `password_resets` and `password_reset_requests` (migration 050).
 * The rules (token format, lifetime, throttling) live in
 * `services/password-reset.ts`.
 */
import { sql } from 'kysely';
import { type Database, first, run } from '../db/database.ts';

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
  await run(
    db,
    sql`INSERT INTO password_reset_requests (email_hash, ip, at) VALUES (${emailHash}, ${ip}, ${at})`,
  );
}

async function count(db: Database, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  return Number((await first(db, query))?.n ?? 0);
}

/** Requests for this address since `since`. */
export function countResetRequestsForEmail(db: Database, emailHash: string, since: number): Promise<number> {
  return count(
    db,
    sql`SELECT COUNT(*) AS n FROM password_reset_requests WHERE email_hash = ${emailHash} AND at >= ${since}`,
  );
}

/** Requests from this client address since `since`. */
export function countResetRequestsForIp(db: Database, ip: string, since: number): Promise<number> {
  return count(
    db,
    sql`SELECT COUNT(*) AS n FROM password_reset_requests WHERE ip = ${ip} AND at >= ${since}`,
  );
}

/** Forgets requests older than `before` (they no longer count for throttling). */
export async function pruneResetRequests(db: Database, before: number): Promise<void> {
  await run(db, sql`DELETE FROM password_reset_requests WHERE at < ${before}`);
}

/** Stores a new reset token hash. */
export async function insertPasswordReset(
  db: Database,
  row: Omit<PasswordResetRow, 'used_at'>,
): Promise<void> {
  await run(
    db,
    sql`INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
        VALUES (${row.token_hash}, ${row.user_id}, ${row.created_at}, ${row.expires_at})`,
  );
}

/** A reset token that is unused and not expired at `now`, if any. */
export function findUsablePasswordReset(
  db: Database,
  tokenHash: string,
  now: number,
): Promise<PasswordResetRow | undefined> {
  return first(
    db,
    sql<PasswordResetRow>`SELECT * FROM password_resets
                          WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now}`,
  );
}

/**
 * Marks a token used, once: returns false when it was already used or has
 * expired, so two concurrent submissions (on any node) cannot both set a password.
 */
export async function consumePasswordReset(db: Database, tokenHash: string, now: number): Promise<boolean> {
  const changed = await run(
    db,
    sql`UPDATE password_resets SET used_at = ${now}
        WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > ${now}`,
  );
  return changed === 1;
}

/** Ends every outstanding token of the user (after a reset or a password change). */
export async function invalidateUserPasswordResets(db: Database, userId: string, now: number): Promise<void> {
  await run(
    db,
    sql`UPDATE password_resets SET used_at = ${now} WHERE user_id = ${userId} AND used_at IS NULL`,
  );
}
