/**
 * 060: an app's "details" link (what it is, who owns it, how to get access),
 * shown beside the app in the launcher. https:// (loopback http:// in
 * development), checked by the CLI before it is stored; NULL when none.
 * Forward-only: never edit a migration that has shipped; add a new module.
 */
import type { MigrationUp } from './helpers.ts';

export const up: MigrationUp = async (db) => {
  await db.schema.alterTable('apps').addColumn('details_url', 'text').execute();
};
