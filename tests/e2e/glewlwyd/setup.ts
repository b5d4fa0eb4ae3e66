/**
 * Glewlwyd (https://github.com/babelouest/glewlwyd), a third-party OpenID
 * Provider written in C, set up from scratch for the end-to-end test: the
 * Debian package's own database schema and web UI, configured only through
 * its admin REST API, the way docs/admin.md ("Glewlwyd") describes it.
 *
 * Everything lives in a fresh temporary folder (SQLite database, a copy of
 * the web UI with a real config.json, the configuration file) and the server
 * listens on a random loopback port. Keys, the user's password and TOTP
 * secret are generated here on every run; nothing secret is committed.
 *
 * Glewlwyd picks the authentication factors from the scopes requested. The
 * launcher always asks for `openid profile email offline_access`, so:
 * `openid`, `profile` and `email` need the password, and `offline_access`
 * (the long-lived refresh token) needs the password and a TOTP code. The
 * TOTP scheme's session lifetime is short ({@link OTP_SESSION_SECONDS}) so a
 * later step-up asks for a fresh code.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { Secret } from 'otpauth';
import { LAUNCHER_CLIENT_ID } from '../../../contract/constants.ts';
import { glewlwydSettings, grantBody, totpRegistrationBody, userBody } from './settings.ts';

export { ACCESS_TOKEN_SECONDS, OTP_SESSION_SECONDS } from './settings.ts';

/** Where Debian's glewlwyd package puts its schema, web UI and the UI's config. */
const SCHEMA_SQL_GZ = '/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz';
const WEBAPP_DIR = '/usr/share/glewlwyd/webapp';
/** Debian ships `webapp/config.json` as a symlink to this directory, so the UI cannot load it as is. */
const WEBAPP_CONFIG = '/etc/glewlwyd/config-2.7.json/config.json';
const MODULES_DIR = '/usr/lib/glewlwyd';

/** The administrator the schema creates (password `password`); reachable only on loopback here. */
const SCHEMA_ADMIN = { username: 'admin', password: 'password' };

export interface GlewlwydUser {
  username: string;
  password: string;
  name: string;
  email: string;
  /** Base32 TOTP secret (30 s step, 6 digits, SHA-1), generated per run. */
  totpSecret: string;
}

export interface RunningGlewlwyd {
  /** `http://127.0.0.1:<port>/api/oidc`, the OIDC issuer. */
  issuer: string;
  baseUrl: string;
  user: GlewlwydUser;
  /** Everything the server printed (console log mode). */
  logs: string[];
  /**
   * Disables the user's enabled refresh tokens for the launcher, as the person does on Glewlwyd's
   * own profile page (signed in there with the password, from another device): the OIDC plugin's
   * "Disable a refresh token" API. Resolves with how many it disabled.
   */
  disableRefreshTokens(): Promise<number>;
  close(): Promise<void>;
}

interface RefreshTokenRow {
  token_hash: string;
  client_id: string;
  enabled: boolean;
}

async function disableRefreshTokens(baseUrl: string, user: GlewlwydUser): Promise<number> {
  // As the user: the documented admin form (`?username=`, impersonating) lists nothing in 2.7.
  const self = new ApiSession(baseUrl);
  await self.send('POST', '/auth/', { username: user.username, password: user.password });
  const rows = (await self.send('GET', '/oidc/token')) as RefreshTokenRow[];
  const enabled = rows.filter((row) => row.enabled && row.client_id === LAUNCHER_CLIENT_ID);
  for (const row of enabled) await self.send('DELETE', `/oidc/token/${encodeURIComponent(row.token_hash)}`);
  return enabled.length;
}

/** Installed glewlwyd binary, or a clear error saying how to get it. */
export function findGlewlwyd(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v glewlwyd'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'glewlwyd is not installed. The Glewlwyd end-to-end test needs the Debian package: ' +
        'apt-get install -y glewlwyd (.ci/run installs it).',
    );
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Glewlwyd's configuration file (libconfig syntax). */
function configFile(options: { port: number; baseUrl: string; dir: string }): string {
  const mime = [
    ['.html', 'text/html', 1],
    ['.css', 'text/css', 1],
    ['.js', 'application/javascript', 1],
    ['.json', 'application/json', 1],
    ['.png', 'image/png', 0],
    ['.jpg', 'image/jpeg', 0],
    ['.ico', 'image/x-icon', 0],
    ['.svg', 'image/svg+xml', 0],
    ['.woff', 'font/woff', 0],
    ['.woff2', 'font/woff2', 0],
    ['.ttf', 'font/ttf', 0],
  ]
    .map(
      ([ext, type, compress]) => `{ extension = "${ext}"; mime_type = "${type}"; compress = ${compress}; }`,
    )
    .join(',\n  ');
  // No use_secure_connection at all: Glewlwyd then serves plain HTTP (loopback only).
  return `port=${options.port}
bind_address="127.0.0.1"
external_url="${options.baseUrl}"
login_url="login.html"
api_prefix="api"
static_files_path="${path.join(options.dir, 'webapp')}/"
allow_origin="*"
log_mode="console"
log_level="INFO"
cookie_domain=""
cookie_secure=0
session_expiration=3600
session_key="GLEWLWYD2_SESSION_ID"
admin_scope="g_admin"
profile_scope="g_profile"
hash_algorithm="SHA512"
user_module_path="${MODULES_DIR}/user"
client_module_path="${MODULES_DIR}/client"
user_auth_scheme_module_path="${MODULES_DIR}/scheme"
plugin_module_path="${MODULES_DIR}/plugin"
database = { type = "sqlite3"; path = "${path.join(options.dir, 'glewlwyd.db')}"; };
static_files_mime_types = (
  ${mime}
);
`;
}

/** A tiny cookie-keeping client for Glewlwyd's REST API (one session per instance). */
export class ApiSession {
  private cookie = '';
  constructor(private readonly baseUrl: string) {}

  /** A request with this session's cookie, redirects not followed; keeps any new cookie. */
  async raw(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
    });
    const cookies = response.headers.getSetCookie().map((line) => line.split(';')[0]);
    if (cookies.length > 0) this.cookie = cookies.join('; ');
    return response;
  }

  /** A JSON call to `/api<apiPath>`; throws with Glewlwyd's answer when it is not 2xx. */
  async send(method: string, apiPath: string, body?: unknown): Promise<unknown> {
    const response = await this.raw(`${this.baseUrl}/api${apiPath}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`Glewlwyd ${method} /api${apiPath} answered ${response.status}: ${text.slice(0, 500)}`);
    }
    return text ? JSON.parse(text) : null;
  }
}

/** An RS256 signing key as the OIDC plugin takes it: PKCS#8 private key and SPKI public key, PEM. */
function signingKey(): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

async function waitUntilUp(baseUrl: string, child: ChildProcess, logs: string[]): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 20_000) {
    if (child.exitCode !== null) {
      throw new Error(`glewlwyd exited with code ${child.exitCode}:\n${logs.join('\n')}`);
    }
    try {
      if ((await fetch(`${baseUrl}/config`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`glewlwyd did not answer within 20 s:\n${logs.join('\n')}`);
}

/**
 * Starts Glewlwyd in the foreground on a random loopback port with a fresh
 * database, and configures it for the launcher. `close()` stops it and
 * removes its folder.
 */
export async function startGlewlwyd(): Promise<RunningGlewlwyd> {
  const binary = findGlewlwyd();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glewlwyd-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const issuer = `${baseUrl}/api/oidc`;

  const database = new Database(path.join(dir, 'glewlwyd.db'));
  database.exec(gunzipSync(readFileSync(SCHEMA_SQL_GZ)).toString('utf8'));
  database.close();

  // Debian links most of the UI's scripts and styles to other packages with relative links, so
  // the copy follows them (and leaves out dangling ones such as optional source maps).
  cpSync(WEBAPP_DIR, path.join(dir, 'webapp'), {
    recursive: true,
    dereference: true,
    filter: (source) => source !== path.join(WEBAPP_DIR, 'config.json') && existsSync(source),
  });
  const uiConfig = existsSync(WEBAPP_CONFIG)
    ? (JSON.parse(readFileSync(WEBAPP_CONFIG, 'utf8')) as Record<string, unknown>)
    : {};
  writeFileSync(
    path.join(dir, 'webapp', 'config.json'),
    JSON.stringify({ ...uiConfig, GlewlwydUrl: `${baseUrl}/`, lang: ['en'] }),
  );
  const confPath = path.join(dir, 'glewlwyd.conf');
  writeFileSync(confPath, configFile({ port, baseUrl, dir }));

  const logs: string[] = [];
  const child = spawn(binary, ['-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => logs.push(...chunk.split('\n').filter(Boolean)));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilUp(baseUrl, child, logs);
    const user: GlewlwydUser = {
      username: 'ada',
      password: randomBytes(12).toString('base64url'),
      name: 'Ada Lovelace',
      email: 'ada@example.test',
      totpSecret: new Secret({ size: 20 }).base32,
    };
    await configure(baseUrl, issuer, user);
    return {
      issuer,
      baseUrl,
      user,
      logs,
      disableRefreshTokens: () => disableRefreshTokens(baseUrl, user),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function configure(baseUrl: string, issuer: string, user: GlewlwydUser): Promise<void> {
  const settings = glewlwydSettings(issuer, signingKey());
  const admin = new ApiSession(baseUrl);
  await admin.send('POST', '/auth/', SCHEMA_ADMIN);
  await admin.send('POST', '/mod/scheme/', settings.otpScheme);
  await admin.send('PUT', '/scope/openid', settings.openidScope);
  for (const scope of settings.otherScopes) await admin.send('POST', '/scope/', scope);
  await admin.send('POST', '/mod/plugin/', settings.oidcPlugin);
  await admin.send('POST', '/client/', settings.client);
  await admin.send('POST', '/user/', userBody(user));
  await admin.send(
    'POST',
    `/delegate/${user.username}/profile/scheme/register/`,
    totpRegistrationBody(user.username, user.totpSecret),
  );
  // Consent, as the user.
  const self = new ApiSession(baseUrl);
  await self.send('POST', '/auth/', { username: user.username, password: user.password });
  await self.send('PUT', `/auth/grant/${LAUNCHER_CLIENT_ID}`, grantBody());
}
