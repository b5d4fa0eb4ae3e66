/**
 * 110: an app's kind: 'oidc' (an OpenID Connect relying party, as before),
 * 'saml' (a SAML 2.0 service provider) or 'bookmark' (a plain link, opened as
 * it is). url is a bookmark's link (https://, loopback http:// in
 * development, checked by the CLI); NULL for the other kinds.
 * Forward-only: never edit a migration that has shipped; add a new module.
 */
import type { MigrationUp } from './helpers.ts';

export const up: MigrationUp = async (db) => {
  await db.schema
    .alterTable('apps')
    .addColumn('kind', 'text', (col) => col.notNull().defaultTo('oidc'))
    .execute();
  await db.schema.alterTable('apps').addColumn('url', 'text').execute();
};
