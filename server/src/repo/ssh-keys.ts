/**
 * SQL for `ssh_keys` (migration 050). SQL lives only in `repo/`; the rules
 * (validation, step-up, duplicates as problems) live in `services/ssh-keys.ts`.
 */
import type { Database } from '../db/database.ts';

/** A stored SSH public key. Times are milliseconds since the epoch. */
export interface SshKeyRow {
  id: string;
  user_id: string;
  name: string;
  type: string;
  bits: number;
  fingerprint: string;
  public_key: string;
  created_at: number;
}

/** Keys of one user, oldest first. */
export function listSshKeys(db: Database, userId: string): SshKeyRow[] {
  return db
    .prepare('SELECT * FROM ssh_keys WHERE user_id = ? ORDER BY created_at, id')
    .all(userId) as SshKeyRow[];
}

/** Why {@link insertSshKey} stored nothing. */
export type SshKeyInsertRefusal = 'duplicate' | 'limit';

/**
 * Inserts a key unless the user already has `limit` keys or a key with this
 * fingerprint. One guarded statement decides (the UNIQUE constraint and the
 * count), so two concurrent uploads can neither both add the same key nor
 * pass the limit together (B21). Returns true, or why nothing was stored.
 */
export function insertSshKey(db: Database, row: SshKeyRow, limit: number): true | SshKeyInsertRefusal {
  const result = db
    .prepare(
      `INSERT INTO ssh_keys (id, user_id, name, type, bits, fingerprint, public_key, created_at)
       SELECT @id, @user_id, @name, @type, @bits, @fingerprint, @public_key, @created_at
       WHERE (SELECT COUNT(*) FROM ssh_keys WHERE user_id = @user_id) < @limit
       ON CONFLICT (user_id, fingerprint) DO NOTHING`,
    )
    .run({ ...row, limit });
  if (result.changes === 1) return true;
  const duplicate = db
    .prepare('SELECT 1 FROM ssh_keys WHERE user_id = ? AND fingerprint = ?')
    .get(row.user_id, row.fingerprint);
  return duplicate ? 'duplicate' : 'limit';
}

/**
 * Whether an account other than `userId` has a key with this fingerprint
 * (index `ssh_keys_fingerprint`, migration 061). Says nothing about which one.
 */
export function sshKeyHeldByAnotherUser(db: Database, fingerprint: string, userId: string): boolean {
  return (
    db
      .prepare('SELECT 1 FROM ssh_keys WHERE fingerprint = ? AND user_id <> ? LIMIT 1')
      .get(fingerprint, userId) !== undefined
  );
}

/** Deletes one of the user's keys; false when the user has no key with this id. */
export function deleteSshKey(db: Database, userId: string, id: string): boolean {
  return db.prepare('DELETE FROM ssh_keys WHERE user_id = ? AND id = ?').run(userId, id).changes === 1;
}
