-- 100 (PostgreSQL twin of ../100-push-approvals.sql): push approvals with number matching (issue 13; SECURITY.md A15, B15).
-- Forward-only: never edit a migration that has shipped; add a new numbered
-- file instead. Times are integer milliseconds since the epoch (portal clock).

-- Approver devices: launchers that may approve a sign-in of their user. The
-- public half of the device's ECDSA P-256 key as a JWK (kty, crv, x, y); the
-- private half never leaves the device. Removing a row stops the device at once.
CREATE TABLE approver_devices (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  public_key_jwk TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  UNIQUE (user_id, public_key_jwk)
);
CREATE INDEX approver_devices_user ON approver_devices (user_id, created_at);

-- Push challenges: one prompt sent to every approver of a user, bound to one
-- pending sign-in (interaction_uid). number is on the sign-in page; choices
-- (JSON array of three) go to the approvers. state moves once from 'pending'
-- to 'approved', 'denied', 'reported', 'wrong_number' or 'withdrawn', and an
-- approved challenge once more to 'used' when its sign-in finishes.
CREATE TABLE push_challenges (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  interaction_uid TEXT NOT NULL,
  number INTEGER NOT NULL,
  choices TEXT NOT NULL,
  app_name TEXT,
  browser TEXT,
  ip TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'approved', 'denied', 'reported', 'wrong_number', 'withdrawn', 'used')),
  device_id TEXT,
  answered_at BIGINT
);
CREATE INDEX push_challenges_user ON push_challenges (user_id, created_at);
CREATE INDEX push_challenges_interaction ON push_challenges (interaction_uid, created_at);
