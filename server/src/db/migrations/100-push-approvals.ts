/**
 * 100: push approvals with number matching (issue 13; SECURITY.md A15, B15).
 * Forward-only: never edit a migration that has shipped; add a new numbered
 * module instead. Times are integer milliseconds since the epoch (portal clock).
 */
import { sql } from 'kysely';
import { int64, type MigrationUp } from './helpers.ts';

export const up: MigrationUp = async (db, dialect) => {
  const time = int64(dialect);
  // Approver devices: launchers that may approve a sign-in of their user. The
  // public half of the device's ECDSA P-256 key as a JWK (kty, crv, x, y); the
  // private half never leaves the device. Removing a row stops the device at once.
  await db.schema
    .createTable('approver_devices')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('public_key_jwk', 'text', (col) => col.notNull())
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('last_used_at', time)
    .addUniqueConstraint('approver_devices_user_id_public_key_jwk_key', ['user_id', 'public_key_jwk'])
    .execute();
  await db.schema
    .createIndex('approver_devices_user')
    .on('approver_devices')
    .columns(['user_id', 'created_at'])
    .execute();

  // Push challenges: one prompt sent to every approver of a user, bound to one
  // pending sign-in (interaction_uid). number is on the sign-in page; choices
  // (JSON array of three) go to the approvers. state moves once from 'pending'
  // to 'approved', 'denied', 'reported', 'wrong_number' or 'withdrawn', and an
  // approved challenge once more to 'used' when its sign-in finishes.
  await db.schema
    .createTable('push_challenges')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
    .addColumn('interaction_uid', 'text', (col) => col.notNull())
    .addColumn('number', 'integer', (col) => col.notNull())
    .addColumn('choices', 'text', (col) => col.notNull())
    .addColumn('app_name', 'text')
    .addColumn('browser', 'text')
    .addColumn('ip', 'text')
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('expires_at', time, (col) => col.notNull())
    .addColumn('state', 'text', (col) =>
      col
        .notNull()
        .defaultTo('pending')
        .check(
          sql`state IN ('pending', 'approved', 'denied', 'reported', 'wrong_number', 'withdrawn', 'used')`,
        ),
    )
    .addColumn('device_id', 'text')
    .addColumn('answered_at', time)
    .execute();
  await db.schema
    .createIndex('push_challenges_user')
    .on('push_challenges')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('push_challenges_interaction')
    .on('push_challenges')
    .columns(['interaction_uid', 'created_at'])
    .execute();
};
