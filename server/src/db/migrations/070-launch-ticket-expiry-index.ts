/**
 * 070: launch tickets are purged by expiry (app.ts, once a minute): an index on
 * expires_at lets that DELETE seek the expired rows instead of scanning every
 * live ticket (scale: one node, many launches).
 */
import type { MigrationUp } from './helpers.ts';

export const up: MigrationUp = async (db) => {
  await db.schema
    .createIndex('launch_tickets_expires_at')
    .on('launch_tickets')
    .column('expires_at')
    .execute();
};
