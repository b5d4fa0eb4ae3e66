/**
 * The admin CLI, run as a real process (`node --import tsx server/src/cli.ts`)
 * against a temporary data folder.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
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
    expect(added.stderr).toBe('');
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
    );
    expect(app.code).toBe(0);
    expect(app.stdout).toContain('client_secret (shown once): ');
    const assigned = await portal(dataDir, 'app', 'assign', 'crm', 'ERIN@example.com');
    expect(assigned.stdout).toContain('Assigned crm to erin@example.com.');

    const db = openDatabase(databaseFile(dataDir));
    const repos = createRepos(db, Date.now);
    const user = repos.users.findByEmail('erin@example.com');
    expect(user?.displayName).toBe('Erin Example');
    expect(await verifyPassword(user?.passwordHash, 'erin long password')).toBe(true);
    const crm = repos.apps.findById('crm');
    expect(crm).toMatchObject({ requiresMfa: true, mfaMaxAgeSeconds: 600, clientId: 'crm' });
    expect(repos.apps.isAssigned('crm', user?.id as string)).toBe(true);
    expect(repos.audit.list().map((entry) => entry.event)).toEqual(
      expect.arrayContaining(['account.created', 'app.added', 'app.assigned']),
    );
    db.close();
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
      'Unlocked alice@example.com.',
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
    const db = openDatabase(databaseFile(env.PORTAL_DATA_DIR));
    const repos = createRepos(db, Date.now);
    const alice = repos.users.findByEmail('alice@example.com');
    expect(repos.mfa.getTotp(alice?.id as string)).toBeUndefined();
    expect(repos.users.findByEmail('bob@example.com')?.disabled).toBe(true);
    db.close();
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
});
