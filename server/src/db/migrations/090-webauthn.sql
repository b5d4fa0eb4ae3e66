-- 090: passkeys and security keys (WebAuthn, B19). One row per credential a
-- user registered: the credential id and COSE public key (base64url), the
-- signature counter (regressions are refused), the transports the browser
-- reported (JSON array), the backup flags (device_type 'singleDevice' or
-- 'multiDevice' = backup eligible; backed_up = synced now), the AAGUID, the
-- attachment the browser reported ('platform', 'cross-platform' or NULL),
-- the name the user gave it, and when it was added and last used.
-- webauthn_challenges holds each ceremony's challenge, single-use and
-- short-lived, keyed by what it is bound to (a sign-in interaction, or a
-- registration ceremony of one user); registration tickets live there too.
-- Forward-only: never edit a migration that has shipped; add a new file.
CREATE TABLE webauthn_credentials (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  public_key TEXT NOT NULL,
  counter INTEGER NOT NULL,
  transports TEXT NOT NULL,
  device_type TEXT NOT NULL,
  backed_up INTEGER NOT NULL,
  aaguid TEXT NOT NULL,
  attachment TEXT,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id, created_at);

CREATE TABLE webauthn_challenges (
  id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL,
  user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
  challenge TEXT NOT NULL,
  name TEXT,
  expires_at INTEGER NOT NULL
);
CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges (expires_at);
