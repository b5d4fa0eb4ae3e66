/**
 * 090: passkeys and security keys (WebAuthn, B19). One row per credential a
 * user registered: the credential id and COSE public key (base64url), the
 * signature counter (regressions are refused), the transports the browser
 * reported (JSON array), the backup flags (device_type 'singleDevice' or
 * 'multiDevice' = backup eligible; backed_up = synced now), the AAGUID, the
 * attachment the browser reported ('platform', 'cross-platform' or NULL),
 * the name the user gave it, and when it was added and last used.
 * webauthn_challenges holds each ceremony's challenge, single-use and
 * short-lived, keyed by what it is bound to (a sign-in interaction, or a
 * registration ceremony of one user); registration tickets live there too.
 * Forward-only: never edit a migration that has shipped; add a new module.
 */
import { int64, type MigrationUp } from './helpers.ts';

export const up: MigrationUp = async (db, dialect) => {
  const time = int64(dialect);
  await db.schema
    .createTable('webauthn_credentials')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('public_key', 'text', (col) => col.notNull())
    .addColumn('counter', int64(dialect), (col) => col.notNull())
    .addColumn('transports', 'text', (col) => col.notNull())
    .addColumn('device_type', 'text', (col) => col.notNull())
    .addColumn('backed_up', 'integer', (col) => col.notNull())
    .addColumn('aaguid', 'text', (col) => col.notNull())
    .addColumn('attachment', 'text')
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('last_used_at', time)
    .execute();
  await db.schema
    .createIndex('webauthn_credentials_user')
    .on('webauthn_credentials')
    .columns(['user_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('webauthn_challenges')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text', (col) => col.references('users.id').onDelete('cascade'))
    .addColumn('challenge', 'text', (col) => col.notNull())
    .addColumn('name', 'text')
    .addColumn('expires_at', time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('webauthn_challenges_expiry')
    .on('webauthn_challenges')
    .column('expires_at')
    .execute();
};
