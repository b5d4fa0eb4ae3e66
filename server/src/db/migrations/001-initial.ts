/**
 * 001: identity tables of the reference portal (users, apps, MFA, lockout,
 * audit, launch tickets, oidc-provider storage). Forward-only: never edit a
 * migration that has shipped; add a new numbered module instead.
 * Times are integer milliseconds since the epoch (the portal clock).
 */
import {
  addUniqueIgnoringCaseIndex,
  int64,
  type MigrationUp,
  uniqueIgnoringCase,
  withAutoId,
} from './helpers.ts';

export const up: MigrationUp = async (db, dialect) => {
  const time = int64(dialect);
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('email', 'text', uniqueIgnoringCase(dialect))
    .addColumn('password_hash', 'text')
    .addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('password_changed_at', time)
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('phone', 'text')
    .addColumn('location', 'text')
    .addColumn('job_title', 'text')
    .addColumn('department', 'text')
    .addColumn('manager', 'text')
    .addColumn('employee_id', 'text')
    .addColumn('cost_center', 'text')
    .addColumn('start_date', 'text')
    .addColumn('photo_url', 'text')
    // JSON array of profile field names (utils/portal/schemas.ts profileFieldNames) the admin locked.
    .addColumn('locked_fields', 'text', (col) => col.notNull().defaultTo('[]'))
    .execute();
  await addUniqueIgnoringCaseIndex(db, dialect, 'users', 'email');

  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('icon_url', 'text')
    .addColumn('category', 'text')
    .addColumn('requires_mfa', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('mfa_max_age_seconds', 'integer')
    .addColumn('client_id', 'text', (col) => col.unique())
    .addColumn('client_secret', 'text')
    .addColumn('redirect_uris', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('post_logout_redirect_uris', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('initiate_login_uri', 'text')
    .addColumn('target_link_uris', 'text', (col) => col.notNull().defaultTo('[]'))
    .addColumn('created_at', time, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('app_assignments')
    .addColumn('app_id', 'text', (col) => col.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', time, (col) => col.notNull())
    .addPrimaryKeyConstraint('app_assignments_pkey', ['app_id', 'user_id'])
    .execute();
  await db.schema.createIndex('app_assignments_user').on('app_assignments').column('user_id').execute();

  // One TOTP authenticator per user. A pending row (confirmed_at NULL) is
  // inactive until a code confirms it (B11). last_step is the last accepted
  // RFC 6238 time step: a code is accepted only for a later step (B8).
  await db.schema
    .createTable('totp_credentials')
    .addColumn('user_id', 'text', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('confirmed_at', time)
    .addColumn('last_step', time, (col) => col.notNull().defaultTo(0))
    .execute();

  await withAutoId(db.schema.createTable('recovery_codes'), dialect)
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('used_at', time)
    .addUniqueConstraint('recovery_codes_user_id_code_hash_key', ['user_id', 'code_hash'])
    .execute();

  // Failure counters for throttling (B9). subject is 'account:<normalized email>'
  // (also for unknown addresses, so they behave like real ones) or 'address:<ip>'.
  await db.schema
    .createTable('login_failures')
    .addColumn('subject', 'text', (col) => col.primaryKey())
    .addColumn('failures', 'integer', (col) => col.notNull())
    .addColumn('first_failure_at', time, (col) => col.notNull())
    .addColumn('last_failure_at', time, (col) => col.notNull())
    .addColumn('locked_until', time)
    .execute();

  await withAutoId(db.schema.createTable('audit_log'), dialect)
    .addColumn('at', time, (col) => col.notNull())
    .addColumn('event', 'text', (col) => col.notNull())
    .addColumn('user_id', 'text')
    .addColumn('email', 'text')
    .addColumn('app_id', 'text')
    .addColumn('ip', 'text')
    // JSON object of further non-secret details.
    .addColumn('details', 'text', (col) => col.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_log_user').on('audit_log').columns(['user_id', 'at']).execute();

  // Single-use, short-lived launch tickets (B14). id_hash is SHA-256 of the
  // 256-bit ticket, so a database reader cannot replay live tickets.
  await db.schema
    .createTable('launch_tickets')
    .addColumn('id_hash', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('app_id', 'text', (col) => col.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('target_link_uri', 'text', (col) => col.notNull())
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('expires_at', time, (col) => col.notNull())
    .addColumn('consumed_at', time)
    .execute();

  // oidc-provider adapter storage: Sessions, Grants, codes, tokens, Interactions (C9).
  await db.schema
    .createTable('oidc_store')
    .addColumn('model', 'text', (col) => col.notNull())
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('account_id', 'text')
    .addColumn('expires_at', time)
    .addColumn('consumed', time)
    .addPrimaryKeyConstraint('oidc_store_pkey', ['model', 'id'])
    .execute();
  const oidcIndexes: [string, string[]][] = [
    ['oidc_store_grant', ['grant_id']],
    ['oidc_store_uid', ['model', 'uid']],
    ['oidc_store_user_code', ['model', 'user_code']],
    ['oidc_store_account', ['account_id', 'model']],
    ['oidc_store_expires', ['expires_at']],
  ];
  for (const [name, columns] of oidcIndexes) {
    await db.schema.createIndex(name).on('oidc_store').columns(columns).execute();
  }

  // Who/where a portal session belongs to, for the sessions list (GET /me/sessions).
  await db.schema
    .createTable('session_meta')
    .addColumn('session_uid', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('last_seen_at', time, (col) => col.notNull())
    .execute();
  await db.schema.createIndex('session_meta_user').on('session_meta').column('user_id').execute();

  // Progress of one sign-in interaction (which email, whether the password was
  // verified) kept server-side, never in the browser. csrf is the per-interaction
  // token every form must echo.
  await db.schema
    .createTable('interaction_progress')
    .addColumn('uid', 'text', (col) => col.primaryKey())
    .addColumn('csrf', 'text', (col) => col.notNull())
    .addColumn('email', 'text')
    .addColumn('user_id', 'text')
    .addColumn('password_verified', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('expires_at', time, (col) => col.notNull())
    .execute();
};
