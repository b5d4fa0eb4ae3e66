/**
 * Process entry of the reference portal (`npm run portal -- serve`, used by
 * `npm start`): starts the portal from `PORTAL_*` settings, with demo data
 * unless told otherwise, prints how to sign in, and stops cleanly on SIGINT
 * or SIGTERM.
 */
import QRCode from 'qrcode';
import { type RunningPortal, startPortal } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { TEAM_WIKI } from './demo-apps/rp.ts';
import { otpauthUri } from './services/totp.ts';

/** Options of {@link serve}. */
export interface ServeOptions {
  seedDemo: boolean;
  port?: number;
  /** `false` (`--no-api`): run as a plain OpenID Provider without the portal API. */
  portalApi?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where the banner goes (stdout by default). */
  print?: (text: string) => void;
  /** Where the portal's log lines go (stdout by default). */
  logger?: (line: string) => void;
}

/** Starts the portal and prints the demo accounts (with alice's TOTP secret and a terminal QR code). */
export async function serve(options: ServeOptions): Promise<RunningPortal> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  const config = loadConfig(env);
  const portal = await startPortal({
    dataDir: config.dataDir,
    port: options.port ?? config.port,
    seedDemo: options.seedDemo,
    ...(options.portalApi !== undefined ? { portalApi: options.portalApi } : {}),
    env,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const lines = [
    '',
    `Portal Launcher reference portal: ${portal.issuer}`,
    `  discovery: ${portal.issuer}/.well-known/openid-configuration`,
    `  data:      ${config.dataDir}`,
  ];
  if (!portal.context.config.portalApi) {
    lines.push('  portal API: off (a plain OpenID Provider; give the launcher its apps by policy)');
  }
  // Listed only when registered: with --no-demo on a fresh folder they would refuse every sign-in.
  if (portal.demoApps.wiki && portal.context.repos.apps.findById(TEAM_WIKI.id)) {
    lines.push(
      `  Team Wiki: ${portal.demoApps.wiki}  (password is enough)`,
      `  Payroll:   ${portal.demoApps.payroll}  (asks for a fresh authenticator code)`,
    );
  }
  if (portal.demo) {
    const { alice, bob } = portal.demo;
    lines.push(
      '',
      'Demo accounts:',
      `  ${alice.email} / ${alice.password}  (authenticator app enrolled)`,
      `  ${bob.email} / ${bob.password}  (password only)`,
      '',
      'Try it: open Team Wiki, sign in as alice, then open Payroll: the portal asks only for her code.',
      '',
      `Alice's authenticator secret (add it to any TOTP app, or: oathtool --totp -b ${alice.totpSecret}):`,
      `  ${alice.totpSecret}`,
      '',
    );
    print(lines.join('\n'));
    print(
      await QRCode.toString(otpauthUri(alice.totpSecret, alice.email), { type: 'terminal', small: true }),
    );
  } else {
    print(lines.join('\n'));
  }
  print('Press Ctrl-C to stop. Admin commands: npm run portal -- --help');
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
  const stop = () => {
    portal.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
