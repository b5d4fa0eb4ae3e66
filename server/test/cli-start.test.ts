/**
 * `npm start` and the admin CLI work on one portal: the portal is started the
 * way `npm start` starts it (`startDemoPortal` from scripts/start.ts, settings
 * from `PORTAL_*`), the CLI runs as its own process with the same
 * `PORTAL_DATA_DIR`, and what the CLI does takes effect on the running portal.
 * Also: on later runs `npm start` tells the truth about the demo accounts.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoPortal } from '../../scripts/start.ts';
import type { RunningPortal } from '../src/app.ts';
import { setUserPassword } from '../src/services/accounts.ts';
import { enrollConfirmedTotp, generateTotpSecret } from '../src/services/totp.ts';
import { freshDataDir } from './portal.ts';
import { SignInFlowError, signIn } from './sign-in.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const BOB = { email: 'bob@example.com', password: 'bob-demo-password' };

/** `node --import tsx server/src/cli.ts …` as its own process. */
async function adminCli(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'server/src/cli.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The portal as `npm start` starts it, on `dataDir`, with its banner captured. */
async function startLikeNpmStart(
  env: Record<string, string>,
): Promise<{ portal: RunningPortal; banner: string }> {
  const printed: string[] = [];
  const portal = await startDemoPortal({ env, print: (text) => printed.push(text), logger: () => {} });
  cleanup.push(() => portal.close());
  return { portal, banner: printed.join('\n') };
}

describe('npm start and the admin CLI share one portal', () => {
  it('B9: a user locked on the portal npm start serves is unlocked by `user unlock` in another process', async () => {
    const dataDir = freshDataDir();
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    // PORTAL_PORT=0: a free port (8787 may be taken on a shared machine); the data folder is the point.
    const env = { PORTAL_DATA_DIR: dataDir, PORTAL_PORT: '0', PORTAL_LOCKOUT_MAX_FAILURES: '3' };
    const { portal, banner } = await startLikeNpmStart(env);
    expect(banner).toContain(`data:      ${dataDir}`);

    for (let i = 0; i < 3; i++) {
      await expect(signIn(portal, { ...BOB, password: `wrong password ${i}` })).rejects.toThrow(
        SignInFlowError,
      );
    }
    // Locked: the right password is refused too.
    await expect(signIn(portal, BOB)).rejects.toThrow(SignInFlowError);

    const unlocked = await adminCli(env, 'user', 'unlock', BOB.email);
    expect(unlocked.code).toBe(0);
    expect(unlocked.stderr).toBe(`Data folder: ${dataDir} (PORTAL_DATA_DIR)\n`);
    expect(unlocked.stdout).toMatch(
      /^Unlocked bob@example\.com \(it was locked after \d+ failed attempts\)\.\n$/,
    );
    const result = await signIn(portal, BOB);
    expect(result.claims.sub).toBe((await portal.context.repos.users.findByEmail(BOB.email))?.id);

    const unknown = await adminCli(env, 'user', 'unlock', 'nobody@example.com');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No account has the email nobody@example.com.');
    expect(unknown.stdout).not.toContain('Unlocked');
  });

  it("later runs report a changed password and a new authenticator, never print the user's own secret, and draw alice's QR code while her demo secret is active", async () => {
    const dataDir = freshDataDir();
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env = { PORTAL_DATA_DIR: dataDir, PORTAL_PORT: '0' };

    const first = await startLikeNpmStart(env);
    const demoSecret = first.portal.demo?.alice.totpSecret as string;
    expect(demoSecret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(first.banner).toContain(`mail:      ${path.join(dataDir, 'mail')}`);
    await first.portal.close();

    // Second run, nothing changed: the same secret and the QR code again.
    const second = await startLikeNpmStart(env);
    expect(second.banner).toContain('alice@example.com / alice-demo-password');
    expect(second.banner).toContain(`oathtool --totp -b ${demoSecret}`);
    expect(second.banner).toMatch(/[▀▄█]{10,}/);

    // People use the demo: alice changes her password and sets up a new authenticator, bob enrolls one.
    const { repos } = second.portal.context;
    const aliceId = (await repos.users.findByEmail('alice@example.com'))?.id as string;
    const bobId = (await repos.users.findByEmail('bob@example.com'))?.id as string;
    await setUserPassword(second.portal.context, aliceId, 'alice chose this herself');
    const aliceOwnSecret = generateTotpSecret();
    await enrollConfirmedTotp(second.portal.context, aliceId, aliceOwnSecret);
    const bobOwnSecret = generateTotpSecret();
    await enrollConfirmedTotp(second.portal.context, bobId, bobOwnSecret);
    await second.portal.close();

    const third = await startLikeNpmStart(env);
    expect(third.banner).toContain('alice@example.com  (password changed since the demo was seeded');
    expect(third.banner).not.toContain('alice-demo-password');
    expect(third.banner).toContain('a new authenticator was set up since the demo was seeded');
    expect(third.banner).toContain('bob@example.com / bob-demo-password');
    expect(third.banner).toMatch(/bob@example\.com \/ bob-demo-password {2}\(a new authenticator was set up/);
    for (const secret of [demoSecret, aliceOwnSecret, bobOwnSecret])
      expect(third.banner).not.toContain(secret);
    expect(third.banner).not.toMatch(/[▀▄█]{10,}/);
    expect(third.banner).toContain(`mail:      ${path.join(dataDir, 'mail')}`);
    expect(third.portal.demo?.alice).toMatchObject({ passwordChanged: true, authenticator: 'other' });
  });

  it("a data folder seeded before the demo record existed: alice's authenticator created with her account counts as the demo one", async () => {
    const dataDir = freshDataDir();
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env = { PORTAL_DATA_DIR: dataDir, PORTAL_PORT: '0' };
    const first = await startLikeNpmStart(env);
    const demoSecret = first.portal.demo?.alice.totpSecret as string;
    await first.portal.close();
    fs.rmSync(path.join(dataDir, 'demo-seed.json'));

    const second = await startLikeNpmStart(env);
    expect(second.portal.demo?.alice).toMatchObject({ authenticator: 'demo', totpSecret: demoSecret });
    expect(second.banner).toContain(`oathtool --totp -b ${demoSecret}`);
    // Recorded again, owner-only.
    const record = fs.statSync(path.join(dataDir, 'demo-seed.json'));
    expect(record.mode & 0o077).toBe(0);
  });
});
