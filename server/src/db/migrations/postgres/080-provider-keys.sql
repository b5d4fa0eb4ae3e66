-- 080 (PostgreSQL twin): the provider's signing keys (JWKS) and cookie-signing keys live in the
-- database, so every node of a portal signs and verifies with the same keys.
-- One row per key set (name 'portal'); value is the JSON of oidc/keys.ts
-- PortalKeys. Imported once from <dataDir>/keys.json when that file exists.
-- Forward-only: never edit a migration that has shipped; add a new file.
CREATE TABLE provider_keys (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
