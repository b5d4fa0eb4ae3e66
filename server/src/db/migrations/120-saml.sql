-- 120: SAML 2.0 service providers (apps of kind 'saml', issue 14) and the
-- state the SAML identity provider keeps between requests. The IdP's signing
-- key and certificate live in provider_keys (name 'saml-idp', saml/idp-keys.ts).
--   saml_service_providers: one row per SAML app. acs_urls is a JSON array of
--     the registered AssertionConsumerService URLs (HTTP-POST), the first one
--     is the default; attributes a JSON object of SAML attribute name ->
--     profile field. entity_id is unique: an AuthnRequest's Issuer names one app.
--   saml_requests: an SP-initiated AuthnRequest waiting for the person to sign
--     in or step up (B20): its digest handle, the request ID the Response
--     answers (InResponseTo), the ACS it goes to, and whether it asked for a
--     fresh sign-in or MFA. (app_id, request_id) is unique, so a replayed
--     AuthnRequest is refused; consumed_at makes each single-use.
--   launch_tickets gains the authentication the launching access token
--     carried (acr, amr, auth_time), so an IdP-initiated assertion states it.
-- Forward-only: never edit a migration that has shipped; add a new file.
CREATE TABLE saml_service_providers (
  app_id TEXT PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
  entity_id TEXT NOT NULL UNIQUE,
  acs_urls TEXT NOT NULL,
  name_id_format TEXT NOT NULL,
  attributes TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE saml_requests (
  id_hash TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  request_id TEXT NOT NULL,
  acs_url TEXT NOT NULL,
  relay_state TEXT,
  force_authn INTEGER NOT NULL,
  wants_mfa INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER,
  UNIQUE (app_id, request_id)
);
CREATE INDEX saml_requests_expires_at ON saml_requests (expires_at);
ALTER TABLE launch_tickets ADD COLUMN acr TEXT;
ALTER TABLE launch_tickets ADD COLUMN amr TEXT;
ALTER TABLE launch_tickets ADD COLUMN auth_time INTEGER;
