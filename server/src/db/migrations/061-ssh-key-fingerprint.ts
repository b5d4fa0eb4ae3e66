/**
 * 061: find an SSH key by fingerprint across all accounts, so a key already
 * registered to someone else is refused (one key, one person: a server that
 * trusts the key must know whose it is). Not UNIQUE: databases from before
 * this rule may already hold a key on two accounts, and the migration must
 * not fail on them. Forward-only: never edit a migration that has shipped.
 */
import type { MigrationUp } from './helpers.ts';

export const up: MigrationUp = async (db) => {
  await db.schema.createIndex('ssh_keys_fingerprint').on('ssh_keys').column('fingerprint').execute();
};
