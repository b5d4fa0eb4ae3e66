/**
 * 080: the provider's signing keys (JWKS) and cookie-signing keys live in the
 * database, so every node of a portal signs and verifies with the same keys.
 * One row per key set (name 'portal'); value is the JSON of oidc/keys.ts
 * PortalKeys. Imported once from <dataDir>/keys.json when that file exists.
 * Forward-only: never edit a migration that has shipped; add a new module.
 */
import { int64, type MigrationUp } from './helpers.ts';

export const up: MigrationUp = async (db, dialect) => {
  await db.schema
    .createTable('provider_keys')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('created_at', int64(dialect), (col) => col.notNull())
    .execute();
};
