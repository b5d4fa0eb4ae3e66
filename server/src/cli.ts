/**
 * Admin CLI of the reference portal: `npm run portal -- <command>`.
 *
 *   serve [--no-demo] [--no-api] [--port N]  start the portal (default command; demo data unless
 *                                          --no-demo; --no-api: a plain OpenID Provider, no /api/v1)
 *   seed-demo                              create the demo users (apps are registered by `serve`)
 *   user add <email> --password P|- [--name "Full Name"]   (- reads the password from stdin)
 *   user list
 *   user disable <email> | user enable <email>
 *   user unlock <email>                    clear the lockout counter
 *   user reset-mfa <email>                 remove the authenticator and recovery codes
 *   user set-password <email> --password P
 *   user require-mfa <email> [--off]       require a second factor of one user (or stop requiring it)
 *   app add <id> --name N --redirect-uri U [--redirect-uri U2] [--initiate-login-uri U]
 *           [--target-link-uri U] [--description D] [--category C] [--requires-mfa] [--mfa-max-age S]
 *           [--details-url U]
 *   app add-bookmark <id> --name N --url U   (and the other kinds: cli-apps.ts)
 *   app add-saml <id> --name N (--metadata FILE | --entity-id E --acs-url U) [--nameid email|persistent]
 *           [--attribute name=profileField …] [--requires-mfa] [--mfa-max-age S] [--details-url U]
 *   app set <id> --details-url U | --no-details-url
 *   app list
 *   app assign <appId> <email>
 *   keys list | keys add | keys activate [--grace SECONDS] | keys retire [--now]   (cli-keys.ts)
 *
 * The data folder comes from PORTAL_DATA_DIR (default `.data/portal` in the
 * project, the one `npm start` serves); every admin command names it on
 * standard error. Commands other than `serve` work on the database directly
 * and may run while the portal runs (SQLite WAL + busy timeout). Exit code 1
 * with a message that says what to fix on any error, including an email or
 * app id that does not exist.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { APP_KIND_COMMANDS, APP_KIND_USAGE, runAppKindCommand } from './cli-apps.ts';
import { detailsUrlFrom, mfaMaxAgeFrom, required, UsageError } from './cli-input.ts';
import { KEYS_USAGE, keysCommand } from './cli-keys.ts';
import { USERS_USAGE, userCommand } from './cli-users.ts';
import { type Config, ConfigError, describeSettings, loadConfig } from './config.ts';
import type { PortalContext } from './context.ts';
import { openDatabase } from './db/database.ts';
import { createRepos, databaseTarget } from './repo/index.ts';
import { seedDemo } from './seed.ts';
import { AccountError, requireUser } from './services/accounts.ts';
import { audit } from './services/audit.ts';

type CliContext = Pick<PortalContext, 'config' | 'db' | 'repos' | 'clock' | 'audit' | 'log'>;

async function openContext(config: Config, log: (line: string) => void): Promise<CliContext> {
  const db = await openDatabase(databaseTarget(config));
  const clock = () => Date.now();
  const repos = createRepos(db, clock);
  // Audit lines of admin actions go to the table only; the CLI prints its own summary.
  const base = { config, db, repos, clock, log: () => {} };
  return { ...base, audit: (event, fields) => audit(base, event, fields), log };
}

const OPTIONS = {
  name: { type: 'string' },
  password: { type: 'string' },
  'no-demo': { type: 'boolean' },
  'no-api': { type: 'boolean' },
  port: { type: 'string' },
  description: { type: 'string' },
  category: { type: 'string' },
  'requires-mfa': { type: 'boolean' },
  'mfa-max-age': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'initiate-login-uri': { type: 'string' },
  'target-link-uri': { type: 'string', multiple: true },
  'client-id': { type: 'string' },
  off: { type: 'boolean' },
  'details-url': { type: 'string' },
  'no-details-url': { type: 'boolean' },
  url: { type: 'string' },
  metadata: { type: 'string' },
  'entity-id': { type: 'string' },
  'acs-url': { type: 'string', multiple: true },
  nameid: { type: 'string' },
  attribute: { type: 'string', multiple: true },
  grace: { type: 'string' },
  now: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** An app by id, or a usage error that says how to list them. */
async function requireApp(ctx: CliContext, id: string) {
  const app = await ctx.repos.apps.findById(id);
  if (!app) throw new UsageError(`No app has the id ${id}. See: app list`);
  return app;
}

/**
 * Runs one CLI command (everything but `serve`). Returns the text to print.
 * `stdin` is read only for `--password -`.
 */
export async function runCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const [group, action, ...rest] = positionals;
  const config = loadConfig(env);
  const out: string[] = [];
  const ctx = await openContext(config, (line) => out.push(line));
  try {
    const command = `${group ?? ''} ${action ?? ''}`.trim();
    switch (group === 'seed-demo' ? 'seed-demo' : command) {
      case 'seed-demo': {
        const { alice, bob } = await seedDemo(ctx);
        // What signs in now: a changed password or a new authenticator is the user's, not the demo's.
        const login = (account: typeof bob) =>
          account.passwordChanged
            ? `${account.email} (password changed since the demo was seeded)`
            : `${account.email} / ${account.password}`;
        const secret =
          alice.authenticator === 'demo'
            ? `TOTP secret ${alice.totpSecret}`
            : 'not the demo authenticator any more';
        out.push(
          `Demo users ready: ${login(alice)} (${secret}), ${login(bob)}.`,
          'The demo apps are registered and assigned when `serve` starts.',
        );
        break;
      }
      case 'app add': {
        const id = required(rest[0], 'the app id (app add <id> --name N --redirect-uri U)');
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id))
          throw new UsageError('App ids use lowercase letters, digits and dashes.');
        const redirectUris = values['redirect-uri'] ?? [];
        const mfaMaxAge = mfaMaxAgeFrom(values['mfa-max-age']);
        for (const uri of [
          ...redirectUris,
          ...(values['target-link-uri'] ?? []),
          values['initiate-login-uri'],
        ]) {
          if (uri !== undefined && !URL.canParse(uri)) throw new UsageError(`"${uri}" is not a URL.`);
        }
        const detailsUrl = values['details-url'] !== undefined ? detailsUrlFrom(values['details-url']) : null;
        const clientSecret = redirectUris.length > 0 ? randomBytes(32).toString('base64url') : null;
        const app = await ctx.repos.apps.upsert({
          id,
          name: required(values.name, '--name'),
          description: values.description ?? null,
          iconUrl: null,
          category: values.category ?? null,
          requiresMfa: values['requires-mfa'] === true || mfaMaxAge !== null,
          mfaMaxAgeSeconds: mfaMaxAge,
          clientId: redirectUris.length > 0 ? (values['client-id'] ?? id) : null,
          clientSecret,
          redirectUris,
          postLogoutRedirectUris: [],
          initiateLoginUri: values['initiate-login-uri'] ?? null,
          targetLinkUris: values['target-link-uri'] ?? [],
          detailsUrl,
        });
        await ctx.audit('app.added', { appId: app.id });
        out.push(`Saved app ${app.id} (${app.name}).`);
        if (clientSecret)
          out.push(`OIDC client_id: ${app.clientId}`, `client_secret (shown once): ${clientSecret}`);
        break;
      }
      case 'app set': {
        const app = await requireApp(ctx, required(rest[0], 'the app id (app set <id> --details-url U)'));
        if (values['details-url'] !== undefined && values['no-details-url']) {
          throw new UsageError('Give either --details-url U or --no-details-url, not both.');
        }
        if (values['details-url'] === undefined && !values['no-details-url']) {
          throw new UsageError('Nothing to change: give --details-url U or --no-details-url.');
        }
        const detailsUrl = values['no-details-url'] ? null : detailsUrlFrom(values['details-url'] as string);
        await ctx.repos.apps.setDetailsUrl(app.id, detailsUrl);
        await ctx.audit('app.updated', { appId: app.id });
        out.push(
          detailsUrl
            ? `Set the details link of ${app.id} to ${detailsUrl}.`
            : `Removed the details link of ${app.id}.`,
        );
        break;
      }
      case 'app list': {
        for (const app of await ctx.repos.apps.list()) {
          out.push(
            `${app.id}\t${app.name}\t${app.requiresMfa ? `mfa(${app.mfaMaxAgeSeconds ?? '-'}s)` : 'no-mfa'}`,
          );
        }
        break;
      }
      case 'app assign': {
        const appId = required(rest[0], 'the app id (app assign <appId> <email>)');
        const user = await requireUser(ctx, required(rest[1], 'the email (app assign <appId> <email>)'));
        await requireApp(ctx, appId);
        await ctx.repos.apps.assign(appId, user.id);
        await ctx.audit('app.assigned', { appId, userId: user.id });
        out.push(`Assigned ${appId} to ${user.email}.`);
        break;
      }
      default: {
        if (group === 'keys') {
          out.push(...(await keysCommand(ctx, action, values)));
          break;
        }
        if (group === 'user') {
          out.push(...(await userCommand(ctx, action, values, rest, stdin)));
          break;
        }
        const kind = APP_KIND_COMMANDS.find((known) => known === command);
        if (!kind) throw new UsageError(`Unknown command "${command}". Run with --help for usage.`);
        out.push(...(await runAppKindCommand(ctx, kind, values, rest)));
      }
    }
  } finally {
    await ctx.db.close();
  }
  return out.join('\n');
}

const USAGE = `Portal Launcher reference portal: an OpenID Provider with sign-in pages, TOTP,
the portal API (/api/v1) and two demo apps (Team Wiki, Payroll).

Usage: npm run portal -- [command] [options]

Run the portal
  serve [--no-demo] [--no-api] [--port N]
                                 start it (the default command). With demo data unless
                                 --no-demo: prints the demo accounts, alice's authenticator
                                 secret and a QR code to scan with a phone. Ctrl-C stops it.
                                 --no-api: a plain OpenID Provider without the portal API
                                 (/api/v1), for the launcher's provider-only mode
                                 (same as PORTAL_API=false)

${USERS_USAGE}

Apps
  app add <id> --name N [--redirect-uri U ...] [--initiate-login-uri U]
          [--target-link-uri U ...] [--description D] [--category C]
          [--requires-mfa] [--mfa-max-age SECONDS] [--details-url U]
                                 with --redirect-uri the app is an OIDC client and its
                                 client secret is printed once; --details-url: a page
                                 about the app (https://), linked in the launcher
${APP_KIND_USAGE}
  app set <id> --details-url U | --no-details-url
                                 change or remove an app's details link
  app list
  app assign <appId> <email>
  seed-demo                      create the demo users without starting the portal

${KEYS_USAGE}

Admin commands work on the data folder directly and may run while the portal runs.
They use the same data folder as \`npm start\` and \`serve\` (PORTAL_DATA_DIR, default
.data/portal in the project) and name it on standard error. An unknown email or app id
is an error (exit code 1).

Settings (environment variables):
${describeSettings()}

Examples
  PORTAL_DATA_DIR=/tmp/portal npm run portal
  npm run portal -- user unlock alice@example.com
  PORTAL_PORT=8080 PORTAL_REQUIRE_MFA=true npm run portal -- serve --no-demo`;

/** Node's `parseArgs` errors (unknown option, missing value): usage mistakes, not crashes. */
function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');
}

async function cli(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    // Parsed before choosing the command, so `--port 8080` alone still means `serve`.
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
    if (positionals.length === 0 || (positionals[0] === 'serve' && positionals.length === 1)) {
      const port = values.port !== undefined ? Number(values.port) : undefined;
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
        throw new UsageError(`--port takes a port number from 0 to 65535, not "${values.port}".`);
      }
      // Loaded lazily: admin commands do not need the OpenID Provider.
      const { main } = await import('./main.ts');
      await main({ seedDemo: !values['no-demo'], port, ...(values['no-api'] ? { portalApi: false } : {}) });
      return;
    }
    // On standard error, so the output of `user list` and `app list` stays clean for scripts.
    const { dataDir } = loadConfig(process.env);
    const chosen = process.env.PORTAL_DATA_DIR ? 'PORTAL_DATA_DIR' : 'default; PORTAL_DATA_DIR changes it';
    process.stderr.write(`Data folder: ${dataDir} (${chosen})\n`);
    process.stdout.write(`${await runCommand(argv)}\n`);
  } catch (error) {
    if (isParseArgsError(error)) {
      process.stderr.write(`${error.message}. Run with --help for usage.\n`);
      process.exit(1);
    }
    if (error instanceof UsageError || error instanceof AccountError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

// Run only as the entry point (tests import runCommand).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
