/**
 * Process entry of the reference portal (`npm run portal -- serve`, and the
 * portal half of `npm start`): starts the portal from `PORTAL_*` settings,
 * with demo data unless told otherwise, prints how to sign in — the demo
 * accounts as they are now, not as they were seeded — and stops cleanly on
 * SIGINT or SIGTERM.
 */
import QRCode from 'qrcode';
import { type RunningPortal, type StartPortalOptions, startPortal } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { TEAM_WIKI } from './demo-apps/rp.ts';
import type { DemoAccountState, DemoAccounts } from './seed.ts';
import { mailFolder } from './services/mailer.ts';
import { otpauthUri } from './services/totp.ts';

/** Options of {@link serve}. */
export interface ServeOptions {
  seedDemo: boolean;
  port?: number;
  /** When the port is taken, listen on a free one instead and say so (`npm start`). */
  fallbackToFreePort?: boolean;
  /** `false` (`--no-api`): run as a plain OpenID Provider without the portal API. */
  portalApi?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where the banner goes (stdout by default). */
  print?: (text: string) => void;
  /** Where the portal's log lines go (stdout by default). */
  logger?: (line: string) => void;
}

const SINCE_SEEDED = 'since the demo was seeded';

/** One line per demo account: what signs in now (never a secret the person chose). */
function accountLine(account: DemoAccountState, seededWithAuthenticator: boolean): string {
  const credential = account.passwordChanged
    ? `${account.email}  (password changed ${SINCE_SEEDED})`
    : `${account.email} / ${account.password}`;
  const factor = {
    demo: 'authenticator app enrolled: the demo secret below',
    other: `a new authenticator was set up ${SINCE_SEEDED}; the demo secret no longer works`,
    none: seededWithAuthenticator ? `authenticator removed ${SINCE_SEEDED}` : 'password only',
  }[account.authenticator];
  const disabled = account.disabled ? `; disabled: npm run portal -- user enable ${account.email}` : '';
  return `  ${credential}  (${factor}${disabled})`;
}

function demoLines(demo: DemoAccounts): string[] {
  const { alice, bob } = demo;
  const lines = ['', 'Demo accounts:', accountLine(alice, true), accountLine(bob, false)];
  if (alice.passwordChanged || bob.passwordChanged) {
    lines.push(`  Forgot a changed password? npm run portal -- user set-password <email> --password -`);
  }
  if (alice.authenticator === 'demo') {
    lines.push(
      '',
      'Try it: open Team Wiki, sign in as alice, then open Payroll: the portal asks only for her code.',
      '',
      `Alice's authenticator secret (add it to any TOTP app, or: oathtool --totp -b ${alice.totpSecret}):`,
      `  ${alice.totpSecret}`,
      '',
    );
  } else if (alice.authenticator === 'other') {
    lines.push(
      `  To get the demo secret back: npm run portal -- user reset-mfa ${alice.email}, then set one up again.`,
    );
  }
  return lines;
}

/** Where mail (password-reset links) goes, without the SMTP URL's credentials. */
function mailLine(config: Config): string {
  return config.smtpUrl
    ? '  mail:      sent through the SMTP server of PORTAL_SMTP_URL'
    : `  mail:      ${mailFolder(config.dataDir)}  (password-reset mails, as .eml files)`;
}

async function startOnPort(
  options: StartPortalOptions,
  fallback: boolean,
  print: (text: string) => void,
): Promise<RunningPortal> {
  try {
    return await startPortal(options);
  } catch (error) {
    if (!fallback || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    print(`Port ${options.port} is busy; using a free port instead.`);
    return startPortal({ ...options, port: 0 });
  }
}

/**
 * Starts the portal and prints where it is, where its data and mail go, and
 * the demo accounts as they are now (alice's secret and a terminal QR code
 * while her demo authenticator is the active one).
 */
export async function serve(options: ServeOptions): Promise<RunningPortal> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  const config = loadConfig(env);
  const portal = await startOnPort(
    {
      dataDir: config.dataDir,
      port: options.port ?? config.port,
      seedDemo: options.seedDemo,
      ...(options.portalApi !== undefined ? { portalApi: options.portalApi } : {}),
      env,
      ...(options.logger ? { logger: options.logger } : {}),
    },
    options.fallbackToFreePort === true,
    print,
  );
  const lines = [
    '',
    `Portal Launcher reference portal: ${portal.issuer}`,
    `  discovery: ${portal.issuer}/.well-known/openid-configuration`,
    `  data:      ${config.dataDir}`,
    mailLine(config),
  ];
  if (!portal.context.config.portalApi) {
    lines.push('  portal API: off (a plain OpenID Provider; give the launcher its apps by policy)');
  }
  // Listed only when registered: with --no-demo on a fresh folder they would refuse every sign-in.
  if (portal.demoApps.wiki && (await portal.context.repos.apps.findById(TEAM_WIKI.id))) {
    lines.push(
      `  Team Wiki: ${portal.demoApps.wiki}  (password is enough)`,
      `  Payroll:   ${portal.demoApps.payroll}  (asks for a fresh authenticator code)`,
    );
  }
  if (portal.demo) lines.push(...demoLines(portal.demo));
  print(lines.join('\n'));
  const alice = portal.demo?.alice;
  if (alice?.authenticator === 'demo') {
    print(
      await QRCode.toString(otpauthUri(alice.totpSecret, alice.email), { type: 'terminal', small: true }),
    );
  }
  print('Admin commands (same data folder): npm run portal -- --help');
  return portal;
}

/** Runs `serve` until a signal arrives. Exits 1 with the setting's name on bad configuration. */
export async function main(options: ServeOptions): Promise<void> {
  let portal: RunningPortal;
  try {
    portal = await serve(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  (options.print ?? ((text: string) => process.stdout.write(`${text}\n`)))('Press Ctrl-C to stop.');
  const stop = () => {
    portal.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
