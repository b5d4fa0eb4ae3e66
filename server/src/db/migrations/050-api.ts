/**
 * 050: tables of the portal REST API (SSH keys, password resets, downloads).
 * Forward-only: never edit a migration that has shipped; add a new numbered
 * module instead. Times are integer milliseconds since the epoch (portal clock).
 */
import { sql } from 'kysely';
import { int64, type MigrationUp, withAutoId } from './helpers.ts';

export const up: MigrationUp = async (db, dialect) => {
  const time = int64(dialect);
  // OpenSSH public keys of a user (B16). fingerprint is "SHA256:..." as
  // ssh-keygen -l prints it; one user cannot register the same key twice.
  // public_key is "type base64 comment", as validated and normalized.
  await db.schema
    .createTable('ssh_keys')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('bits', 'integer', (col) => col.notNull())
    .addColumn('fingerprint', 'text', (col) => col.notNull())
    .addColumn('public_key', 'text', (col) => col.notNull())
    .addColumn('created_at', time, (col) => col.notNull())
    .addUniqueConstraint('ssh_keys_user_id_fingerprint_key', ['user_id', 'fingerprint'])
    .execute();
  await db.schema.createIndex('ssh_keys_user').on('ssh_keys').columns(['user_id', 'created_at']).execute();

  // Password reset tokens: token_hash is the SHA-256 of a random 256-bit token,
  // so a database reader cannot use live tokens. Single use (used_at), short-lived.
  await db.schema
    .createTable('password_resets')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('expires_at', time, (col) => col.notNull())
    .addColumn('used_at', time)
    .execute();
  await db.schema
    .createIndex('password_resets_user')
    .on('password_resets')
    .columns(['user_id', 'created_at'])
    .execute();

  // Every reset request, known address or not, for throttling (B18: unknown
  // addresses are throttled the same way). email_hash is the SHA-256 of the
  // lower-cased address, so unknown addresses people typed are not kept in clear.
  await withAutoId(db.schema.createTable('password_reset_requests'), dialect)
    .addColumn('email_hash', 'text', (col) => col.notNull())
    .addColumn('ip', 'text')
    .addColumn('at', time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('password_reset_requests_email')
    .on('password_reset_requests')
    .columns(['email_hash', 'at'])
    .execute();
  await db.schema
    .createIndex('password_reset_requests_ip')
    .on('password_reset_requests')
    .columns(['ip', 'at'])
    .execute();

  // Agent downloads the admin offers (GET /downloads). file_name names a file
  // the portal serves itself at /downloads/files/<file_name>; url, when set,
  // points elsewhere instead. sha256 and size_bytes describe the real bytes.
  await db.schema
    .createTable('downloads')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('os', 'text', (col) => col.notNull().check(sql`os IN ('windows', 'macos', 'linux')`))
    .addColumn('arch', 'text', (col) => col.notNull().check(sql`arch IN ('x64', 'arm64', 'universal')`))
    .addColumn('version', 'text', (col) => col.notNull())
    .addColumn('file_name', 'text')
    .addColumn('url', 'text')
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('size_bytes', time, (col) => col.notNull())
    .addColumn('sort_order', 'integer', (col) => col.notNull().defaultTo(0))
    .addCheckConstraint('downloads_check', sql`(file_name IS NULL) <> (url IS NULL)`)
    .execute();

  // The demo agent builds shipped in server/src/api/agent-files/ (checksums of
  // those exact bytes; a test keeps them in step).
  const agent = (os: string, extension: string, sha256: string, size_bytes: number, sort_order: number) => ({
    id: `portal-agent-${os}`,
    name: `Portal Agent for ${{ windows: 'Windows', macos: 'macOS', linux: 'Linux' }[os]}`,
    os,
    arch: 'universal',
    version: '1.0.0',
    file_name: `portal-agent-1.0.0-${os}.${extension}`,
    sha256,
    size_bytes,
    sort_order,
  });
  await db
    .insertInto('downloads')
    .values([
      agent('windows', 'ps1', '30d62998bb4a087f124fc33c7d3e1dd6e5a69e3e9fdf5d6d061f9c8a387f511c', 298, 1),
      agent('macos', 'sh', 'dd58439d9beafa6b337ef274810b2c5847d4d47cb86eb82985f6e334e5e372dc', 296, 2),
      agent('linux', 'sh', '5a20f6f8e348eb81605d389cc7dbaab4750ba5297a8bec448867d5c5176305c9', 296, 3),
    ])
    .execute();
};
