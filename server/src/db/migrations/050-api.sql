-- 050: tables of the portal REST API (SSH keys, password resets, downloads).
-- Forward-only: never edit a migration that has shipped; add a new numbered
-- file instead. Times are integer milliseconds since the epoch (portal clock).

-- OpenSSH public keys of a user (B16). fingerprint is "SHA256:..." as
-- ssh-keygen -l prints it; one user cannot register the same key twice.
CREATE TABLE ssh_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  bits INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  -- "type base64 comment", as validated and normalized.
  public_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, fingerprint)
);
CREATE INDEX ssh_keys_user ON ssh_keys (user_id, created_at);

-- Password reset tokens: token_hash is the SHA-256 of a random 256-bit token,
-- so a database reader cannot use live tokens. Single use (used_at), short-lived.
CREATE TABLE password_resets (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);

-- Every reset request, known address or not, for throttling (B18: unknown
-- addresses are throttled the same way). email_hash is the SHA-256 of the
-- lower-cased address, so unknown addresses people typed are not kept in clear.
CREATE TABLE password_reset_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email_hash TEXT NOT NULL,
  ip TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX password_reset_requests_email ON password_reset_requests (email_hash, at);
CREATE INDEX password_reset_requests_ip ON password_reset_requests (ip, at);

-- Agent downloads the admin offers (GET /downloads). file_name names a file
-- the portal serves itself at /downloads/files/<file_name>; url, when set,
-- points elsewhere instead. sha256 and size_bytes describe the real bytes.
CREATE TABLE downloads (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  os TEXT NOT NULL CHECK (os IN ('windows', 'macos', 'linux')),
  arch TEXT NOT NULL CHECK (arch IN ('x64', 'arm64', 'universal')),
  version TEXT NOT NULL,
  file_name TEXT,
  url TEXT,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sort_order INTEGER NOT NULL DEFAULT 0,
  CHECK ((file_name IS NULL) <> (url IS NULL))
);

-- The demo agent builds shipped in server/src/api/agent-files/ (checksums of
-- those exact bytes; a test keeps them in step).
INSERT INTO downloads (id, name, os, arch, version, file_name, sha256, size_bytes, sort_order) VALUES
  ('portal-agent-windows', 'Portal Agent for Windows', 'windows', 'universal', '1.0.0',
   'portal-agent-1.0.0-windows.ps1', '30d62998bb4a087f124fc33c7d3e1dd6e5a69e3e9fdf5d6d061f9c8a387f511c', 298, 1),
  ('portal-agent-macos', 'Portal Agent for macOS', 'macos', 'universal', '1.0.0',
   'portal-agent-1.0.0-macos.sh', 'dd58439d9beafa6b337ef274810b2c5847d4d47cb86eb82985f6e334e5e372dc', 296, 2),
  ('portal-agent-linux', 'Portal Agent for Linux', 'linux', 'universal', '1.0.0',
   'portal-agent-1.0.0-linux.sh', '5a20f6f8e348eb81605d389cc7dbaab4750ba5297a8bec448867d5c5176305c9', 296, 3);
