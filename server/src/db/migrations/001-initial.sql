-- 001: identity tables of the reference portal (users, apps, MFA, lockout,
-- audit, launch tickets, oidc-provider storage). Forward-only: never edit a
-- migration that has shipped; add a new numbered file instead.
-- Times are integer milliseconds since the epoch (the portal clock).

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  password_changed_at INTEGER,
  display_name TEXT NOT NULL,
  first_name TEXT,
  last_name TEXT,
  phone TEXT,
  location TEXT,
  job_title TEXT,
  department TEXT,
  manager TEXT,
  employee_id TEXT,
  cost_center TEXT,
  start_date TEXT,
  photo_url TEXT,
  -- JSON array of profile field names (utils/portal/schemas.ts profileFieldNames) the admin locked.
  locked_fields TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE apps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  icon_url TEXT,
  category TEXT,
  requires_mfa INTEGER NOT NULL DEFAULT 0,
  mfa_max_age_seconds INTEGER,
  client_id TEXT UNIQUE,
  client_secret TEXT,
  redirect_uris TEXT NOT NULL DEFAULT '[]',
  post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]',
  initiate_login_uri TEXT,
  target_link_uris TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL
);

CREATE TABLE app_assignments (
  app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (app_id, user_id)
);
CREATE INDEX app_assignments_user ON app_assignments (user_id);

-- One TOTP authenticator per user. A pending row (confirmed_at NULL) is
-- inactive until a code confirms it (B11). last_step is the last accepted
-- RFC 6238 time step: a code is accepted only for a later step (B8).
CREATE TABLE totp_credentials (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER,
  last_step INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  used_at INTEGER,
  UNIQUE (user_id, code_hash)
);

-- Failure counters for throttling (B9). subject is 'account:<normalized email>'
-- (also for unknown addresses, so they behave like real ones) or 'address:<ip>'.
CREATE TABLE login_failures (
  subject TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  first_failure_at INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL,
  locked_until INTEGER
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,
  user_id TEXT,
  email TEXT,
  app_id TEXT,
  ip TEXT,
  -- JSON object of further non-secret details.
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_user ON audit_log (user_id, at);

-- Single-use, short-lived launch tickets (B14). id_hash is SHA-256 of the
-- 256-bit ticket, so a database reader cannot replay live tickets.
CREATE TABLE launch_tickets (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  target_link_uri TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
);

-- oidc-provider adapter storage: Sessions, Grants, codes, tokens, Interactions (C9).
CREATE TABLE oidc_store (
  model TEXT NOT NULL,
  id TEXT NOT NULL,
  payload TEXT NOT NULL,
  grant_id TEXT,
  uid TEXT,
  user_code TEXT,
  account_id TEXT,
  expires_at INTEGER,
  consumed INTEGER,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_store_grant ON oidc_store (grant_id);
CREATE INDEX oidc_store_uid ON oidc_store (model, uid);
CREATE INDEX oidc_store_user_code ON oidc_store (model, user_code);
CREATE INDEX oidc_store_account ON oidc_store (account_id, model);
CREATE INDEX oidc_store_expires ON oidc_store (expires_at);

-- Who/where a portal session belongs to, for the sessions list (GET /me/sessions).
CREATE TABLE session_meta (
  session_uid TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  user_agent TEXT,
  ip TEXT,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX session_meta_user ON session_meta (user_id);

-- Progress of one sign-in interaction (which email, whether the password was
-- verified) kept server-side, never in the browser. csrf is the per-interaction
-- token every form must echo.
CREATE TABLE interaction_progress (
  uid TEXT PRIMARY KEY,
  csrf TEXT NOT NULL,
  email TEXT,
  user_id TEXT,
  password_verified INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL
);
