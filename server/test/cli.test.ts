/**
 * The admin CLI, run as a real process (`node --import tsx server/src/cli.ts`)
 * against a temporary data folder.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli.ts';
import { openDatabase } from '../src/db/database.ts';
import { createRepos, databaseFile } from '../src/repo/index.ts';
import { verifyPassword } from '../src/services/passwords.ts';
import { freshDataDir } from './portal.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

async function portal(dataDir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'server/src/cli.ts', ...args],
      {
        cwd: root,
        env: { ...process.env, PORTAL_DATA_DIR: dataDir },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('admin CLI', () => {
  it('user add, app add and app assign work against a temp data folder', async () => {
    const dataDir = freshDataDir();
    const added = await portal(
      dataDir,
      'user',
      'add',
      'erin@example.com',
      '--name',
      'Erin Example',
      '--password',
      'erin long password',
    );
    // The data folder is named on standard error (stdout stays clean for scripts).
    expect(added.stderr).toBe(`Data folder: ${dataDir} (PORTAL_DATA_DIR)\n`);
    expect(added.stdout).toMatch(/^Created erin@example\.com/);
    const app = await portal(
      dataDir,
      'app',
      'add',
      'crm',
      '--name',
      'CRM',
      '--redirect-uri',
      'https://crm.example.com/callback',
      '--initiate-login-uri',
      'https://crm.example.com/login',
      '--target-link-uri',
      'https://crm.example.com/',
      '--mfa-max-age',
      '600',
      '--details-url',
      'https://wiki.example.com/crm',
    );
    expect(app.code).toBe(0);
    expect(app.stdout).toContain('client_secret (shown once): ');
    const assigned = await portal(dataDir, 'app', 'assign', 'crm', 'ERIN@example.com');
    expect(assigned.stdout).toContain('Assigned crm to erin@example.com.');

    const db = await openDatabase(databaseFile(dataDir));
    const repos = createRepos(db, Date.now);
    const user = await repos.users.findByEmail('erin@example.com');
    expect(user?.displayName).toBe('Erin Example');
    expect(await verifyPassword(user?.passwordHash, 'erin long password')).toBe(true);
    const crm = await repos.apps.findById('crm');
    expect(crm).toMatchObject({
      requiresMfa: true,
      mfaMaxAgeSeconds: 600,
      clientId: 'crm',
      detailsUrl: 'https://wiki.example.com/crm',
    });
    expect(await repos.apps.isAssigned('crm', user?.id as string)).toBe(true);
    expect((await repos.audit.list()).map((entry) => entry.event)).toEqual(
      expect.arrayContaining(['account.created', 'app.added', 'app.assigned']),
    );
    await db.close();
  });

  it('refuses a weak password and an unknown command with a message that says what to fix', async () => {
    const env = { PORTAL_DATA_DIR: freshDataDir() };
    await expect(
      runCommand(['user', 'add', 'frank@example.com', '--password', 'password1'], env),
    ).rejects.toThrow(/too common/);
    await expect(runCommand(['user', 'fly', 'x'], env)).rejects.toThrow('Unknown command "user fly"');
    await expect(runCommand(['app', 'assign', 'nope', 'frank@example.com'], env)).rejects.toThrow(
      'No account has the email frank@example.com.',
    );
  });

  it('unlock, disable and reset-mfa act on the account', async () => {
    const env = { PORTAL_DATA_DIR: freshDataDir() };
    expect(await runCommand(['seed-demo'], env)).toContain('alice@example.com');
    expect(await runCommand(['user', 'unlock', 'alice@example.com'], env)).toBe(
      'alice@example.com was not locked (no failed attempts counted); nothing to clear.',
    );
    expect(await runCommand(['user', 'reset-mfa', 'alice@example.com'], env)).toContain(
      'Removed the authenticator',
    );
    expect(await runCommand(['user', 'disable', 'bob@example.com'], env)).toContain(
      'Disabled bob@example.com',
    );
    expect(await runCommand(['user', 'list'], env)).toMatch(
      /bob@example\.com\tBob Example\tdisabled\tno-mfa/,
    );
    const db = await openDatabase(databaseFile(env.PORTAL_DATA_DIR));
    const repos = createRepos(db, Date.now);
    const alice = await repos.users.findByEmail('alice@example.com');
    expect(await repos.mfa.getTotp(alice?.id as string)).toBeUndefined();
    expect((await repos.users.findByEmail('bob@example.com'))?.disabled).toBe(true);
    await db.close();
  });

  it('an unknown email or app id fails with exit code 1 and says so (nothing "Unlocked")', async () => {
    const dataDir = freshDataDir();
    expect((await portal(dataDir, 'seed-demo')).code).toBe(0);
    const unlock = await portal(dataDir, 'user', 'unlock', 'nobody@example.com');
    expect(unlock.code).toBe(1);
    expect(unlock.stderr).toContain(`Data folder: ${dataDir}`);
    expect(unlock.stderr).toContain('No account has the email nobody@example.com.');
    expect(unlock.stdout).not.toContain('Unlocked');
    const app = await portal(dataDir, 'app', 'set', 'nope', '--details-url', 'https://example.com/');
    expect(app.code).toBe(1);
    expect(app.stderr).toContain('No app has the id nope. See: app list');
    expect(app.stdout).toBe('');
    // The other commands share the same checks (in-process: each child process costs seconds).
    const env = { PORTAL_DATA_DIR: dataDir };
    for (const args of [
      ['user', 'reset-mfa', 'nobody@example.com'],
      ['user', 'disable', 'nobody@example.com'],
      ['user', 'set-password', 'nobody@example.com', '--password', 'long enough password'],
    ]) {
      await expect(runCommand(args, env), args.join(' ')).rejects.toThrow(
        'No account has the email nobody@example.com.',
      );
    }
    await expect(runCommand(['app', 'assign', 'nope', 'alice@example.com'], env)).rejects.toThrow(
      'No app has the id nope.',
    );
  });

  it('app set changes and removes the details link; a link that is not https is refused', async () => {
    const env = { PORTAL_DATA_DIR: freshDataDir() };
    await runCommand(['app', 'add', 'wiki', '--name', 'Wiki'], env);
    expect(
      await runCommand(['app', 'set', 'wiki', '--details-url', 'https://intranet.example.com/wiki'], env),
    ).toBe('Set the details link of wiki to https://intranet.example.com/wiki.');
    const stored = async () => {
      const db = await openDatabase(databaseFile(env.PORTAL_DATA_DIR));
      try {
        return (await createRepos(db, Date.now).apps.findById('wiki'))?.detailsUrl;
      } finally {
        await db.close();
      }
    };
    expect(await stored()).toBe('https://intranet.example.com/wiki');
    await expect(
      runCommand(['app', 'set', 'wiki', '--details-url', 'http://intranet.example.com/wiki'], env),
    ).rejects.toThrow('--details-url "http://intranet.example.com/wiki" must use https://');
    await expect(runCommand(['app', 'set', 'wiki', '--details-url', 'wiki page'], env)).rejects.toThrow(
      'must be an absolute URL',
    );
    await expect(runCommand(['app', 'set', 'wiki'], env)).rejects.toThrow('Nothing to change');
    // Refused input loses nothing: the previous link is still there.
    expect(await stored()).toBe('https://intranet.example.com/wiki');
    // Loopback http is fine for development.
    await runCommand(['app', 'set', 'wiki', '--details-url', 'http://127.0.0.1:9000/about'], env);
    expect(await stored()).toBe('http://127.0.0.1:9000/about');
    expect(await runCommand(['app', 'set', 'wiki', '--no-details-url'], env)).toBe(
      'Removed the details link of wiki.',
    );
    expect(await stored()).toBeNull();
  });

  it('app add-bookmark stores a plain link; a link that is not https, or an id of another kind, is refused and nothing is lost', async () => {
    const env = { PORTAL_DATA_DIR: freshDataDir() };
    expect(
      await runCommand(
        ['app', 'add-bookmark', 'handbook', '--name', 'Handbook', '--url', 'https://handbook.example.com/'],
        env,
      ),
    ).toBe(
      'Saved bookmark handbook (Handbook) → https://handbook.example.com/.\nAssign it: app assign handbook <email>',
    );
    await expect(
      runCommand(
        ['app', 'add-bookmark', 'handbook', '--name', 'Handbook', '--url', 'http://handbook.example.com/'],
        env,
      ),
    ).rejects.toThrow('--url "http://handbook.example.com/" must use https://');
    await expect(
      runCommand(['app', 'add-bookmark', 'handbook', '--name', 'Handbook', '--url', 'handbook'], env),
    ).rejects.toThrow('--url "handbook" must be an absolute URL');
    await expect(runCommand(['app', 'add-bookmark', 'handbook', '--name', 'Handbook'], env)).rejects.toThrow(
      'Missing --url.',
    );
    await expect(
      runCommand(['app', 'add-bookmark', 'Hand Book', '--name', 'H', '--url', 'https://h.example.com/'], env),
    ).rejects.toThrow('App ids use lowercase letters, digits and dashes.');
    await runCommand(['app', 'add', 'wiki', '--name', 'Wiki'], env);
    await expect(
      runCommand(
        ['app', 'add-bookmark', 'wiki', '--name', 'Wiki', '--url', 'https://wiki.example.com/'],
        env,
      ),
    ).rejects.toThrow('The app wiki already exists and is not a bookmark');
    const db = await openDatabase(databaseFile(env.PORTAL_DATA_DIR));
    try {
      const repos = createRepos(db, Date.now);
      expect(await repos.apps.findById('handbook')).toMatchObject({
        kind: 'bookmark',
        url: 'https://handbook.example.com/',
        requiresMfa: false,
      });
      expect(await repos.apps.findById('wiki')).toMatchObject({ kind: 'oidc', url: null });
    } finally {
      await db.close();
    }
  });

  it('bad configuration stops with a message naming the setting', async () => {
    const dataDir = freshDataDir();
    const { code, stderr } = await (async () => {
      try {
        await run(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'user', 'list'], {
          cwd: root,
          env: { ...process.env, PORTAL_DATA_DIR: dataDir, PORTAL_LOCKOUT_MAX_FAILURES: 'lots' },
        });
        return { code: 0, stderr: '' };
      } catch (error) {
        return error as { code: number; stderr: string };
      }
    })();
    expect(code).toBe(1);
    expect(stderr).toContain('PORTAL_LOCKOUT_MAX_FAILURES');
  });

  it('--help lists every command and every PORTAL_* setting with its default', async () => {
    const { code, stdout } = await portal(freshDataDir(), '--help');
    expect(code).toBe(0);
    for (const command of [
      'serve',
      'user add',
      'user unlock',
      'user reset-mfa',
      'app add',
      'app assign',
      'seed-demo',
    ]) {
      expect(stdout).toContain(command);
    }
    const source = fs.readFileSync(path.join(root, 'server/src/config.ts'), 'utf8');
    const names = [...new Set(source.match(/PORTAL_[A-Z_]+/g))];
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) expect(stdout).toContain(name);
    expect(stdout).toContain('PORTAL_LOCKOUT_MAX_FAILURES (default 30)');
  });

  it("serve prints where everything is, the demo accounts, alice's secret and a QR code, and nothing else secret", async () => {
    const { serve } = await import('../src/main.ts');
    const printed: string[] = [];
    const logs: string[] = [];
    const portal = await serve({
      seedDemo: true,
      port: 0,
      env: { PORTAL_DATA_DIR: freshDataDir() },
      print: (text) => printed.push(text),
      logger: (line) => logs.push(line),
    });
    try {
      const banner = printed.join('\n');
      const secret = portal.demo?.alice.totpSecret as string;
      expect(banner).toContain(`${portal.issuer}/.well-known/openid-configuration`);
      expect(banner).toContain(`Team Wiki: ${portal.demoApps.wiki}`);
      expect(banner).toContain('alice@example.com / alice-demo-password');
      expect(banner).toContain('bob@example.com / bob-demo-password');
      expect(banner).toContain(`oathtool --totp -b ${secret}`);
      // The terminal QR code (half-block characters) follows the secret.
      expect(banner).toMatch(/[▀▄█]{10,}/);
      expect(banner).toContain('npm run portal -- --help');
      // The portal's own log carries neither the demo passwords nor the secret (B17).
      expect(logs.join('\n')).not.toMatch(/demo-password/);
      expect(logs.join('\n')).not.toContain(secret);
    } finally {
      await portal.close();
    }
  });

  it('usage mistakes (unknown option, bad --port) end with a one-line hint, not a stack trace', async () => {
    const unknown = await portal(freshDataDir(), 'user', 'list', '--frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Unknown option '--frobnicate'");
    expect(unknown.stderr).toContain('Run with --help for usage.');
    expect(unknown.stderr).not.toMatch(/^\s+at /m);

    const badPort = await portal(freshDataDir(), '--port', 'eighty');
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toContain('--port takes a port number from 0 to 65535, not "eighty".');
  });

  it('--password - reads the password from standard input (not the process list)', async () => {
    const dataDir = freshDataDir();
    const env = { PORTAL_DATA_DIR: dataDir };
    const stdin = Readable.from(['grace stdin passphrase\nignored second line\n']);
    expect(await runCommand(['user', 'add', 'grace@example.com', '--password', '-'], env, stdin)).toContain(
      'Created grace@example.com',
    );
    await expect(
      runCommand(['user', 'set-password', 'grace@example.com', '--password', '-'], env, Readable.from([])),
    ).rejects.toThrow('No password arrived on standard input');
    const db = await openDatabase(databaseFile(dataDir));
    const user = await createRepos(db, Date.now).users.findByEmail('grace@example.com');
    expect(await verifyPassword(user?.passwordHash, 'grace stdin passphrase')).toBe(true);
    await db.close();
  });
});
