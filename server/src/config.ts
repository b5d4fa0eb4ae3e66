/**
 * Portal configuration: read from the environment (`PORTAL_*`), validated with
 * zod, overridable in code (tests, `startPortal({ config })`).
 *
 * Contract: {@link loadConfig} either returns a complete, valid {@link Config}
 * or throws {@link ConfigError} whose message names the offending setting, so
 * a mis-configured portal stops at start instead of misbehaving later.
 */
import path from 'node:path';
import { z } from 'zod';
import { issuerProblem } from '../../contract/addresses.ts';
import { adminContactSchema } from '../../contract/admin-contact.ts';
import { isProxyEntry } from './services/client-address.ts';

const booleanFromEnv = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

const seconds = z.coerce.number().int().positive();

/**
 * The project folder (two levels above this file). The default data folder
 * lives under it, so `npm start`, `npm run portal` and its admin commands
 * share one database whichever folder they are started from.
 */
const PROJECT_DIR = path.resolve(import.meta.dirname, '../..');

/** The data folder when `PORTAL_DATA_DIR` is not set, relative to the project folder. */
export const DEFAULT_DATA_DIR = '.data/portal';

/** The port when `PORTAL_PORT` is not set: the one README and `npm start` name. */
export const DEFAULT_PORT = 8787;

/** The validated configuration. Lifetimes are in seconds. */
export const configSchema = z.object({
  /** Public issuer URL; defaults to `http://{host}:{port}`. https required except on loopback. */
  issuer: z
    .url({ protocol: /^https?$/ })
    // The portal builds its endpoints as `${issuer}/…`.
    .refine((value) => !value.endsWith('/'), 'must not end with a slash')
    // The extension's rule too (contract/addresses.ts): https unless loopback, no credentials, query or fragment.
    .superRefine((value, ctx) => {
      const problem = issuerProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem.reason });
    })
    .optional(),
  port: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client: lockout,
   * audit and sessions then see the client's address instead of the proxy's. None by default.
   */
  trustedProxies: z
    .preprocess(
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((entry) => entry.trim())
              .filter(Boolean)
          : value,
      z.array(z.string().refine(isProxyEntry, 'must be IP addresses or CIDR ranges, separated by commas')),
    )
    .optional(),
  dataDir: z.string().min(1).default(DEFAULT_DATA_DIR),
  /**
   * PostgreSQL instead of the embedded SQLite file: `postgres://user:pass@host:port/db`. Every
   * node of a portal that shares one database serves the same users, sessions and tokens.
   */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL')
    .optional(),
  /**
   * Every user must have a second factor: one who has none sets it up during sign-in. (A user who
   * has an authenticator is asked for it at every sign-in anyway; admins can also require it per user.)
   */
  requireMfa: booleanFromEnv.or(z.boolean()).default(false),
  /**
   * Ask a user who has an authenticator for it at every sign-in (the default). An admin may turn
   * it off so that the second factor is asked only where it is needed: by apps that require fresh
   * MFA (step-up) and for sensitive changes. `requireMfa` still makes users without one set it up.
   */
  mfaAtSignIn: booleanFromEnv.or(z.boolean()).default(true),
  /**
   * Second factors users may use (comma-separated in PORTAL_MFA_FACTORS): `totp` (authenticator
   * app, with recovery codes) and `passkey` (WebAuthn passkeys and security keys). `totp` stays
   * in the list: the set-up during sign-in always offers it (a browser without passkeys has no
   * other way), with a passkey next to it where passkeys are allowed.
   */
  mfaFactors: z
    .preprocess(
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((part) => part.trim())
              .filter(Boolean)
          : value,
      z.array(z.enum(['totp', 'passkey'])).min(1),
    )
    .refine((factors) => factors.includes('totp'), 'must include totp (the factor set up at sign-in)')
    .default(['totp', 'passkey']),
  /** WebAuthn user verification (PIN, fingerprint): `required`, `preferred` or `discouraged`. */
  passkeyUserVerification: z.enum(['required', 'preferred', 'discouraged']).default('preferred'),
  /** Allow signing in with a passkey alone (discoverable credential, user verification required). */
  passkeySignIn: booleanFromEnv.or(z.boolean()).default(false),
  /** Mount the portal REST API (`/api/v1`). */
  portalApi: booleanFromEnv.or(z.boolean()).default(true),
  smtpUrl: z.url({ protocol: /^smtps?$/ }).optional(),
  /** Whom users contact when access is denied: an https address or an email (`GET /api/v1/support`). */
  adminContact: z.optional(adminContactSchema),
  /** Minimum password length (NIST SP 800-63B: at least 8). */
  passwordMinLength: z.coerce.number().int().min(8).max(128).default(8),
  lockout: z
    .object({
      /** Failures (per account, and per client address) before waiting starts. Keycloak: 30. */
      maxFailures: z.coerce.number().int().min(1).default(30),
      /**
       * Failures from one client address (any accounts) before it waits. Higher than the per-account
       * threshold because one address (an office NAT) carries many people's typos.
       */
      maxFailuresPerAddress: z.coerce.number().int().min(1).default(100),
      /** Added wait per failure beyond the threshold, seconds. Keycloak: 60. */
      waitIncrementSeconds: seconds.default(60),
      /** Longest wait, seconds. Keycloak: 900. */
      maxWaitSeconds: seconds.default(900),
      /** Failures older than this are forgotten, seconds. Keycloak: 12 h. */
      failureResetSeconds: seconds.default(12 * 3600),
    })
    .prefault({}),
  lifetimes: z
    .object({
      accessToken: seconds.default(600),
      idToken: seconds.default(600),
      /** Single-use authorization codes, ≤ 60 s (B3). */
      authorizationCode: seconds.max(60).default(60),
      /** Refresh token idle lifetime: each rotation gets a fresh one, within the absolute limit. */
      refreshTokenIdle: seconds.default(14 * 24 * 3600),
      /** Refresh token (and grant) absolute lifetime from the original sign-in. */
      refreshTokenAbsolute: seconds.default(30 * 24 * 3600),
      /** Portal session idle timeout (B13): extended on every use. */
      sessionIdle: seconds.default(8 * 3600),
      /** Portal session absolute timeout (B13), counted from the sign-in. */
      sessionAbsolute: seconds.default(7 * 24 * 3600),
      interaction: seconds.default(30 * 60),
      /** Launch tickets, ≤ 60 s (B14). */
      launchTicket: seconds.max(60).default(60),
    })
    .prefault({}),
});

/** The validated configuration. */
export type Config = z.infer<typeof configSchema>;
/** Configuration as written (strings from the environment allowed). */
export type ConfigInput = z.input<typeof configSchema>;

/** A setting is missing or invalid; `setting` names it as the operator wrote it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'invalid_config';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}

/** Environment variable for each configuration path, so errors name what the operator set. */
const ENV_NAMES: Record<string, string> = {
  issuer: 'PORTAL_ISSUER',
  port: 'PORTAL_PORT',
  host: 'PORTAL_HOST',
  trustedProxies: 'PORTAL_TRUSTED_PROXIES',
  dataDir: 'PORTAL_DATA_DIR',
  databaseUrl: 'PORTAL_DATABASE_URL',
  requireMfa: 'PORTAL_REQUIRE_MFA',
  mfaAtSignIn: 'PORTAL_MFA_AT_SIGN_IN',
  mfaFactors: 'PORTAL_MFA_FACTORS',
  passkeyUserVerification: 'PORTAL_PASSKEY_USER_VERIFICATION',
  passkeySignIn: 'PORTAL_PASSKEY_SIGN_IN',
  portalApi: 'PORTAL_API',
  smtpUrl: 'PORTAL_SMTP_URL',
  adminContact: 'PORTAL_ADMIN_CONTACT',
  passwordMinLength: 'PORTAL_PASSWORD_MIN_LENGTH',
  'lockout.maxFailures': 'PORTAL_LOCKOUT_MAX_FAILURES',
  'lockout.maxFailuresPerAddress': 'PORTAL_LOCKOUT_MAX_FAILURES_PER_ADDRESS',
  'lockout.waitIncrementSeconds': 'PORTAL_LOCKOUT_WAIT_INCREMENT_SECONDS',
  'lockout.maxWaitSeconds': 'PORTAL_LOCKOUT_MAX_WAIT_SECONDS',
  'lockout.failureResetSeconds': 'PORTAL_LOCKOUT_FAILURE_RESET_SECONDS',
  'lifetimes.accessToken': 'PORTAL_ACCESS_TOKEN_TTL',
  'lifetimes.idToken': 'PORTAL_ID_TOKEN_TTL',
  'lifetimes.authorizationCode': 'PORTAL_AUTHORIZATION_CODE_TTL',
  'lifetimes.refreshTokenIdle': 'PORTAL_REFRESH_TOKEN_IDLE_TTL',
  'lifetimes.refreshTokenAbsolute': 'PORTAL_REFRESH_TOKEN_ABSOLUTE_TTL',
  'lifetimes.sessionIdle': 'PORTAL_SESSION_IDLE_TTL',
  'lifetimes.sessionAbsolute': 'PORTAL_SESSION_ABSOLUTE_TTL',
  'lifetimes.interaction': 'PORTAL_INTERACTION_TTL',
  'lifetimes.launchTicket': 'PORTAL_LAUNCH_TICKET_TTL',
};

/** One line of help per setting, in {@link ENV_NAMES} order (`npm run portal -- --help`). */
const SETTING_HELP: Record<string, string> = {
  issuer: 'public URL of the portal (https, or http on loopback); default http://{host}:{port}',
  port: 'port to listen on (0 = any free port)',
  host: 'address to listen on',
  trustedProxies:
    'reverse proxies whose X-Forwarded-For names the client (addresses or CIDR ranges, comma-\n      separated, e.g. 127.0.0.1,10.0.0.0/8); default none: the peer address is the client',
  dataDir:
    'folder for the database, signing and cookie keys, and mail (.eml files); a relative path\n      counts from the current folder, the default from the project folder',
  databaseUrl:
    'run on PostgreSQL (postgres://user:pass@host:port/db) instead of the SQLite file in the\n      data folder; nodes sharing one database can stand behind a load balancer',
  requireMfa:
    'require a second factor of every user (true/false); users without one set it up at sign-in\n      (per user: user require-mfa <email>)',
  mfaAtSignIn:
    'ask users who have an authenticator for it at every sign-in (true/false, default true);\n      false asks only for apps that need fresh MFA and for sensitive changes',
  mfaFactors:
    'second factors users may use, comma-separated: totp (authenticator app; always needed)\n      and passkey (passkeys and security keys)',
  passkeyUserVerification:
    'passkey user verification (PIN or biometrics): required, preferred or discouraged',
  passkeySignIn:
    'allow signing in with a passkey alone from the email page (true/false; user verification\n      is then always required for it)',
  portalApi: 'serve the portal REST API under /api/v1 (true/false)',
  smtpUrl:
    'send mail through this SMTP server (smtp:// or smtps://user:pass@host:port);\n      without it, mail is written as .eml files into the data folder',
  adminContact:
    'whom users contact when access is denied: an https:// address or an email address;\n      the launcher links to it after a cancelled or refused verification',
  passwordMinLength: 'minimum password length (at least 8)',
  'lockout.maxFailures': 'failed passwords or codes per account before waiting starts',
  'lockout.maxFailuresPerAddress': 'failures from one client address before it waits',
  'lockout.waitIncrementSeconds': 'wait added per failure past the threshold, seconds',
  'lockout.maxWaitSeconds': 'longest wait, seconds',
  'lockout.failureResetSeconds': 'failures older than this are forgotten, seconds',
  'lifetimes.accessToken': 'access token lifetime, seconds',
  'lifetimes.idToken': 'ID token lifetime, seconds',
  'lifetimes.authorizationCode': 'authorization code lifetime, seconds (at most 60)',
  'lifetimes.refreshTokenIdle': 'refresh token idle lifetime, seconds',
  'lifetimes.refreshTokenAbsolute': 'refresh token absolute lifetime, seconds',
  'lifetimes.sessionIdle': 'portal session idle timeout, seconds',
  'lifetimes.sessionAbsolute': 'portal session absolute timeout, seconds',
  'lifetimes.interaction': 'time to finish a sign-in page flow, seconds',
  'lifetimes.launchTicket': 'app launch link lifetime, seconds (at most 60)',
};

/**
 * The settings as help text: environment name, default and meaning, one per
 * line, so `--help` always matches what {@link loadConfig} reads.
 */
export function describeSettings(): string {
  const defaults = configSchema.parse({}) as unknown as Record<string, unknown>;
  const lookup = (dotted: string): unknown =>
    dotted
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], defaults);
  return Object.entries(ENV_NAMES)
    .map(([dotted, name]) => {
      const value = lookup(dotted);
      return `  ${name}${value === undefined ? '' : ` (default ${String(value)})`}\n      ${SETTING_HELP[dotted] ?? ''}`;
    })
    .join('\n');
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

function mergeDeep(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? mergeDeep(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

/** Deep-partial overrides accepted by {@link loadConfig} and `startPortal`. */
export type ConfigOverrides = Partial<Omit<Config, 'lockout' | 'lifetimes'>> & {
  lockout?: Partial<Config['lockout']>;
  lifetimes?: Partial<Config['lifetimes']>;
};

/**
 * Reads `PORTAL_*` variables from `env`, applies `overrides` on top and
 * validates the result.
 *
 * @throws {ConfigError} naming the first invalid setting (by its environment name).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [dotted, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, dotted, value.trim());
  }
  const result = configSchema.safeParse(mergeDeep(raw, overrides as Record<string, unknown>));
  if (!result.success) {
    const issue = result.error.issues[0];
    // An array element's index is not part of the setting's name.
    const dotted = issue?.path.filter((part) => typeof part !== 'number').join('.') ?? '';
    const setting = ENV_NAMES[dotted] ?? (dotted || 'configuration');
    throw new ConfigError(
      setting,
      `Invalid setting ${setting}: ${issue?.message ?? 'invalid value'}. Fix it in the environment and start again.`,
    );
  }
  const config = result.data;
  if (config.lockout.maxWaitSeconds < config.lockout.waitIncrementSeconds) {
    throw new ConfigError(
      ENV_NAMES['lockout.maxWaitSeconds'] as string,
      'Invalid setting PORTAL_LOCKOUT_MAX_WAIT_SECONDS: must be at least PORTAL_LOCKOUT_WAIT_INCREMENT_SECONDS.',
    );
  }
  // A folder the operator named counts from where they are; the default from the project.
  const named = overrides.dataDir !== undefined || Boolean(env.PORTAL_DATA_DIR);
  return { ...config, dataDir: path.resolve(named ? process.cwd() : PROJECT_DIR, config.dataDir) };
}
