/**
 * Starts the reference portal: database, keys, OpenID Provider, sign-in
 * pages, launch URLs, the portal API and the demo apps, on loopback HTTP.
 *
 * Contract (server layout contract in the team brief): `startPortal` resolves
 * once every listener is up; `close()` stops them and closes the database.
 * Everything persistent lives in the database (the SQLite file in `dataDir`,
 * or PostgreSQL with `PORTAL_DATABASE_URL`: users, keys, sessions, tokens,
 * counters) and mail in `dataDir`, so a new `startPortal` on the same data
 * continues where the last one stopped (C9), and nodes sharing one PostgreSQL
 * database serve the same portal.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { isClientGone } from './api/body.ts';
import { createApi } from './api/index.ts';
import { type Config, type ConfigOverrides, loadConfig } from './config.ts';
import type { PortalContext } from './context.ts';
import { openDatabase } from './db/database.ts';
import { EXPENSES_ID, type RunningExpenses, startExpensesApp } from './demo-apps/expenses.ts';
import { PAYROLL, type RunningDemoApp, startDemoApp, TEAM_WIKI } from './demo-apps/rp.ts';
import { mountInteractions } from './oidc/interactions.ts';
import { loadOrCreateKeys, publicJwks } from './oidc/keys.ts';
import { createProvider } from './oidc/provider.ts';
import { enforceSessionLimit } from './oidc/sessions.ts';
import { createRepos, databaseFile, databaseTarget } from './repo/index.ts';
import { createSamlIdp, samlEntityId, samlSsoUrl } from './saml/idp.ts';
import { loadOrCreateSamlKeys } from './saml/idp-keys.ts';
import { samlPages } from './saml/sso.ts';
import { type DemoAccounts, registerDemoApp, registerExpensesApp, seedDemo } from './seed.ts';
import { audit } from './services/audit.ts';
import { clientAddress, trustedProxies } from './services/client-address.ts';
import { type BufferedLog, createBufferedLog } from './services/log-sink.ts';
import { createMailer, type Mailer } from './services/mailer.ts';

export { createRepos, databaseFile, databaseTarget };

/** Options of {@link startPortal} (server layout contract). */
export interface StartPortalOptions {
  dataDir: string;
  /** 0 = a random free port. Defaults to the configured port. */
  port?: number;
  /** Create the demo users and apps (idempotent). */
  seedDemo?: boolean;
  config?: ConfigOverrides;
  /** Portal clock in ms; defaults to `Date.now()` (so vitest fake timers move it too). */
  clock?: () => number;
  /** Log sink; defaults to stdout. Tests capture it (B17). */
  logger?: (line: string) => void;
  /** Start Team Wiki, Payroll and Expenses on their own loopback ports (default true). */
  demoApps?: boolean;
  /** Environment to read `PORTAL_*` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Replace the configured mailer (tests). */
  mailer?: Mailer;
  /**
   * Serve the portal API (`/api/v1`), advertised in discovery; default from the
   * configuration (`PORTAL_API`, on). `false` makes the portal a plain OpenID
   * Provider (`--no-api`): sign-in pages, step-up and demo apps unchanged, no
   * API routes, no discovery field, access tokens without the API audience.
   */
  portalApi?: boolean;
  /**
   * Observes every HTTP request the portal receives (tests only: which paths a
   * client asked for). `url` is the request target with its query string, which
   * can carry tokens and one-time codes: record it, never log it. An observer
   * that throws is ignored; it cannot take the server down.
   */
  onRequest?: (request: { method: string; url: string }) => void;
}

/** A started portal: where it listens, its context, the demo apps and accounts. */
export interface RunningPortal {
  /** e.g. `http://127.0.0.1:41234`, no trailing slash. */
  issuer: string;
  /**
   * Where this node itself listens (`http://host:port`); the issuer unless
   * `PORTAL_ISSUER` names another address, such as a load balancer in front of several nodes.
   */
  address: string;
  context: PortalContext;
  /** Base URLs of the demo apps (empty strings when `demoApps: false`). */
  demoApps: { wiki: string; payroll: string; expenses: string };
  demo?: DemoAccounts;
  close(): Promise<void>;
}

/**
 * A portal session whose account was disabled (or deleted) behind the
 * provider's back, e.g. straight in the database, is dropped before the
 * authorization endpoint loads it: the person simply meets the sign-in page
 * again instead of an error (B13).
 */
async function dropSessionOfDisabledAccount(context: PortalContext, koa: Koa.Context): Promise<void> {
  const sessionId = koa.cookies.get('portal_session', { signed: true });
  if (!sessionId) return;
  const stored = await context.repos.oidcStore.find('Session', sessionId);
  const accountId = stored?.payload.accountId;
  if (typeof accountId !== 'string') return;
  const user = await context.repos.users.findById(accountId);
  if (!user || user.disabled) await context.repos.oidcStore.destroy('Session', sessionId);
}

/** Starts the portal. */
export async function startPortal(options: StartPortalOptions): Promise<RunningPortal> {
  const config: Config = loadConfig(options.env ?? process.env, {
    ...options.config,
    dataDir: options.dataDir,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.portalApi !== undefined ? { portalApi: options.portalApi } : {}),
  });
  // Default: stdout, buffered off the request path and flushed by close() (services/log-sink.ts).
  const stdoutLog = options.logger ? undefined : createBufferedLog(process.stdout);
  const log = options.logger ?? (stdoutLog as BufferedLog).log;
  const clock = options.clock ?? (() => Date.now());
  const db = await openDatabase(databaseTarget(config), { backgroundCheckpoints: true });
  const repos = createRepos(db, clock);
  const keys = await loadOrCreateKeys(db, config.dataDir).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });

  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  }).catch(async (error: unknown) => {
    // A busy port must not leave the database open (npm start then retries on a free port).
    await db.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const issuer =
    config.issuer ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  const samlKeys = await loadOrCreateSamlKeys(db, issuer, clock());
  const base = {
    config,
    issuer,
    samlIdp: createSamlIdp(issuer, samlKeys),
    db,
    clock,
    jwks: publicJwks(keys, clock()),
    log,
    repos,
    mailer:
      options.mailer ??
      createMailer({
        dataDir: config.dataDir,
        smtpUrl: config.smtpUrl,
        from: `Portal Launcher <no-reply@${new URL(issuer).hostname}>`,
        log,
      }),
  };
  const partial = { ...base, audit: (event, fields) => audit(partial, event, fields) } as Omit<
    PortalContext,
    'provider'
  >;
  const provider = createProvider(partial, keys);
  const context: PortalContext = Object.assign(partial, { provider });
  // Keep the provider's errors in our log, without request bodies (B17).
  provider.on('server_error', (_ctx, error) => log(`oidc server_error: ${error.message}`));
  // B21: a sign-in beyond the per-user session limit ends the least recently used session.
  provider.on('session.saved', (session: { uid?: string; accountId?: string }) => {
    if (session.accountId) {
      enforceSessionLimit(context, session.accountId, session.uid).catch((error: unknown) =>
        log(`session limit: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  });

  const demoApps: RunningDemoApp[] = [];
  if (options.demoApps !== false) {
    for (const definition of [TEAM_WIKI, PAYROLL]) {
      const app = await startDemoApp(definition, { host: config.host, log });
      demoApps.push(app);
    }
  }
  const [wiki, payroll] = demoApps;
  let expenses: RunningExpenses | undefined;
  if (options.demoApps !== false) {
    expenses = await startExpensesApp({ host: config.host, log });
    expenses.register({
      idpEntityId: samlEntityId(issuer),
      ssoUrl: samlSsoUrl(issuer),
      idpCert: samlKeys.certificate,
    });
  }

  let demo: DemoAccounts | undefined;
  if (options.seedDemo) {
    demo = await seedDemo(
      context,
      wiki && payroll ? { wiki: wiki.url, payroll: payroll.url, expenses } : undefined,
    );
  } else if (wiki && payroll) {
    // Keep the demo apps' registrations pointing at their current ports.
    if (await repos.apps.findById(TEAM_WIKI.id)) await registerDemoApp(context, TEAM_WIKI, wiki.url);
    if (await repos.apps.findById(PAYROLL.id)) await registerDemoApp(context, PAYROLL, payroll.url);
    if (expenses && (await repos.apps.findById(EXPENSES_ID))) await registerExpensesApp(context, expenses);
  }
  for (const [definition, app] of [
    [TEAM_WIKI, wiki],
    [PAYROLL, payroll],
  ] as const) {
    const record = await repos.apps.findById(definition.id);
    if (app && record?.clientId && record.clientSecret) {
      app.register({ issuer, clientId: record.clientId, clientSecret: record.clientSecret });
    }
  }

  // Behind trusted reverse proxies the client's address comes from X-Forwarded-For (B9, B17).
  const isTrustedProxy = trustedProxies(config.trustedProxies ?? []);
  provider.use((koa, next) => {
    const peer = koa.req.socket.remoteAddress ?? '';
    koa.request.ip = clientAddress(peer, koa.get('x-forwarded-for') || undefined, isTrustedProxy);
    return next();
  });
  // Every answer is unframeable (B12); pages set their full CSP themselves.
  provider.use(async (koa, next) => {
    if (koa.path === '/auth' || koa.path.startsWith('/auth/'))
      await dropSessionOfDisabledAccount(context, koa);
    await next();
    koa.set('X-Frame-Options', 'DENY');
    if (!koa.response.get('Content-Security-Policy'))
      koa.set('Content-Security-Policy', "frame-ancestors 'none'");
    // Record device details of the portal session for the sessions list.
    const session = (koa as Koa.Context & { oidc?: { session?: { uid?: string; accountId?: string } } }).oidc
      ?.session;
    if (session?.uid && session.accountId) {
      await repos.sessionMeta.touch(
        {
          sessionUid: session.uid,
          userId: session.accountId,
          userAgent: koa.get('user-agent').slice(0, 300) || null,
          ip: koa.ip,
        },
        clock(),
      );
    }
  });
  provider.use(samlPages(context, context.samlIdp));
  mountInteractions(context);
  if (config.portalApi) provider.use(createApi(context));

  const observe = options.onRequest;
  if (observe) {
    server.on('request', (req) => {
      try {
        observe({ method: req.method ?? '', url: req.url ?? '' });
      } catch {
        // A test's observer failing must not crash the portal (see onRequest).
      }
    });
  }
  // Koa reports a connection that failed under a response (by default to stderr, as a crash).
  // A client that left mid-request is not one (B21); anything else goes to our log.
  provider.app.on('error', (error: unknown, koa?: Koa.Context) => {
    if (isClientGone(error) || (error as { expose?: unknown }).expose === true) return;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`http error ${koa?.method ?? ''} ${koa?.path ?? ''}: ${message}`);
  });
  server.on('request', provider.callback());

  const purge = setInterval(() => {
    Promise.all([
      repos.oidcStore.purgeExpired(),
      repos.launchTickets.purge(clock()),
      repos.saml.purge(clock()),
      repos.interactionProgress.purge(clock()),
      repos.passkeys.purgeChallenges(clock()),
    ]).catch((error: unknown) =>
      log(`housekeeping: ${error instanceof Error ? error.message : String(error)}`),
    );
  }, 60_000);
  purge.unref();

  log(`portal listening on ${issuer}${config.portalApi ? '' : ' (portal API off: plain OpenID Provider)'}`);
  return {
    issuer,
    address: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    context,
    demoApps: { wiki: wiki?.url ?? '', payroll: payroll?.url ?? '', expenses: expenses?.url ?? '' },
    demo,
    async close() {
      clearInterval(purge);
      await Promise.all([...demoApps, ...(expenses ? [expenses] : [])].map((app) => app.close()));
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await db.close();
      await stdoutLog?.flush();
    },
  };
}
