/**
 * SQL for `ssh_keys` (migration 050). SQL lives only in `repo/`; the rules
 * (validation, step-up, duplicates as problems) live in `services/ssh-keys.ts`.
 */
import type { Selectable } from 'kysely';
import { changed, type Database } from '../db/database.ts';
import type { SshKeysTable } from '../db/schema.ts';
import { insertWithinLimit } from './limited-insert.ts';

/** A stored SSH public key. Times are milliseconds since the epoch. */
export type SshKeyRow = Selectable<SshKeysTable>;

/** Keys of one user, oldest first. */
export function listSshKeys(db: Database, userId: string): Promise<SshKeyRow[]> {
  return db
    .executor()
    .selectFrom('ssh_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Why {@link insertSshKey} stored nothing. */
export type SshKeyInsertRefusal = 'duplicate' | 'limit';

/**
 * Inserts a key unless the user already has `limit` keys or a key with this
 * fingerprint, in one guarded statement (B21, {@link insertWithinLimit}).
 * Returns true, or why nothing was stored.
 */
export async function insertSshKey(
  db: Database,
  row: SshKeyRow,
  limit: number,
): Promise<true | SshKeyInsertRefusal> {
  const stored = await insertWithinLimit(db, {
    table: 'ssh_keys',
    row: { ...row },
    owner: 'user_id',
    limit,
    unique: ['user_id', 'fingerprint'],
  });
  return stored === 'stored' ? true : stored;
}

/**
 * Whether an account other than `userId` has a key with this fingerprint
 * (index `ssh_keys_fingerprint`, migration 061). Says nothing about which one.
 */
export async function sshKeyHeldByAnotherUser(
  db: Database,
  fingerprint: string,
  userId: string,
): Promise<boolean> {
  const row = await db
    .executor()
    .selectFrom('ssh_keys')
    .select((eb) => eb.lit(1).as('one'))
    .where('fingerprint', '=', fingerprint)
    .where('user_id', '<>', userId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes one of the user's keys; false when the user has no key with this id. */
export async function deleteSshKey(db: Database, userId: string, id: string): Promise<boolean> {
  const result = await db
    .executor()
    .deleteFrom('ssh_keys')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return changed(result) === 1;
}
