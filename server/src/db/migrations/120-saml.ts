/**
 * 120: SAML 2.0 service providers (apps of kind 'saml', issue 14) and the
 * state the SAML identity provider keeps between requests. The IdP's signing
 * key and certificate live in provider_keys (name 'saml-idp', saml/idp-keys.ts).
 *   saml_service_providers: one row per SAML app. acs_urls is a JSON array of
 *     the registered AssertionConsumerService URLs (HTTP-POST), the first one
 *     is the default; attributes a JSON object of SAML attribute name ->
 *     profile field. entity_id is unique: an AuthnRequest's Issuer names one app.
 *   saml_requests: an SP-initiated AuthnRequest waiting for the person to sign
 *     in or step up (B20): its digest handle, the request ID the Response
 *     answers (InResponseTo), the ACS it goes to, and whether it asked for a
 *     fresh sign-in or MFA. (app_id, request_id) is unique, so a replayed
 *     AuthnRequest is refused; consumed_at makes each single-use.
 *   launch_tickets gains the authentication the launching access token
 *     carried (acr, amr, auth_time), so an IdP-initiated assertion states it.
 * Forward-only: never edit a migration that has shipped; add a new module.
 */
import { int64, type MigrationUp } from './helpers.ts';

export const up: MigrationUp = async (db, dialect) => {
  const time = int64(dialect);
  await db.schema
    .createTable('saml_service_providers')
    .addColumn('app_id', 'text', (col) => col.primaryKey().references('apps.id').onDelete('cascade'))
    .addColumn('entity_id', 'text', (col) => col.notNull().unique())
    .addColumn('acs_urls', 'text', (col) => col.notNull())
    .addColumn('name_id_format', 'text', (col) => col.notNull())
    .addColumn('attributes', 'text', (col) => col.notNull())
    .addColumn('created_at', time, (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('saml_requests')
    .addColumn('id_hash', 'text', (col) => col.primaryKey())
    .addColumn('app_id', 'text', (col) => col.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('request_id', 'text', (col) => col.notNull())
    .addColumn('acs_url', 'text', (col) => col.notNull())
    .addColumn('relay_state', 'text')
    .addColumn('force_authn', 'integer', (col) => col.notNull())
    .addColumn('wants_mfa', 'integer', (col) => col.notNull())
    .addColumn('created_at', time, (col) => col.notNull())
    .addColumn('expires_at', time, (col) => col.notNull())
    .addColumn('consumed_at', time)
    .addUniqueConstraint('saml_requests_app_id_request_id_key', ['app_id', 'request_id'])
    .execute();
  await db.schema.createIndex('saml_requests_expires_at').on('saml_requests').column('expires_at').execute();
  await db.schema.alterTable('launch_tickets').addColumn('acr', 'text').execute();
  await db.schema.alterTable('launch_tickets').addColumn('amr', 'text').execute();
  await db.schema.alterTable('launch_tickets').addColumn('auth_time', time).execute();
};
