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

/**
 * Inserts a key. Returns false when the user already has a key with this
 * fingerprint (the UNIQUE constraint decides, so two concurrent uploads of the
 * same key cannot both succeed).
 */
export function insertSshKey(db: Database, row: SshKeyRow): boolean {
  const result = db
    .prepare(
      `INSERT INTO ssh_keys (id, user_id, name, type, bits, fingerprint, public_key, created_at)
       VALUES (@id, @user_id, @name, @type, @bits, @fingerprint, @public_key, @created_at)
       ON CONFLICT (user_id, fingerprint) DO NOTHING`,
    )
    .run(row);
  return result.changes === 1;
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
