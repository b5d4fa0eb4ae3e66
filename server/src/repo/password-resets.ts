/**
 * SQL for `password_resets` and `password_reset_requests` (migration 050).
 * The rules (token format, lifetime, throttling) live in
 * `services/password-reset.ts`.
 */
import type { Database } from '../db/database.ts';

/** A stored reset token (only its hash). Times are milliseconds since the epoch. */
export interface PasswordResetRow {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** Records a reset request (known address or not) for throttling. */
export function recordResetRequest(db: Database, emailHash: string, ip: string | null, at: number): void {
  db.prepare('INSERT INTO password_reset_requests (email_hash, ip, at) VALUES (?, ?, ?)').run(
    emailHash,
    ip,
    at,
  );
}

/** Requests for this address since `since`. */
export function countResetRequestsForEmail(db: Database, emailHash: string, since: number): number {
  return db
    .prepare('SELECT COUNT(*) FROM password_reset_requests WHERE email_hash = ? AND at >= ?')
    .pluck()
    .get(emailHash, since) as number;
}

/** Requests from this client address since `since`. */
export function countResetRequestsForIp(db: Database, ip: string, since: number): number {
  return db
    .prepare('SELECT COUNT(*) FROM password_reset_requests WHERE ip = ? AND at >= ?')
    .pluck()
    .get(ip, since) as number;
}

/** Forgets requests older than `before` (they no longer count for throttling). */
export function pruneResetRequests(db: Database, before: number): void {
  db.prepare('DELETE FROM password_reset_requests WHERE at < ?').run(before);
}

/** Stores a new reset token hash. */
export function insertPasswordReset(db: Database, row: Omit<PasswordResetRow, 'used_at'>): void {
  db.prepare(
    `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
     VALUES (@token_hash, @user_id, @created_at, @expires_at)`,
  ).run(row);
}

/** A reset token that is unused and not expired at `now`, if any. */
export function findUsablePasswordReset(
  db: Database,
  tokenHash: string,
  now: number,
): PasswordResetRow | undefined {
  return db
    .prepare('SELECT * FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?')
    .get(tokenHash, now) as PasswordResetRow | undefined;
}

/**
 * Marks a token used, once: returns false when it was already used or has
 * expired, so two concurrent submissions cannot both set a password.
 */
export function consumePasswordReset(db: Database, tokenHash: string, now: number): boolean {
  return (
    db
      .prepare(
        'UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?',
      )
      .run(now, tokenHash, now).changes === 1
  );
}

/** Ends every outstanding token of the user (after a reset or a password change). */
export function invalidateUserPasswordResets(db: Database, userId: string, now: number): void {
  db.prepare('UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL').run(now, userId);
}
