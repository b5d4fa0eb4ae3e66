/**
 * The one fixture that starts a portal for tests (server integration tests
 * and the e2e harnesses): a real, seeded portal on a random loopback port,
 * with a fresh temporary data folder, captured logs and a clock the test can
 * move.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type RunningPortal, type StartPortalOptions, startPortal } from '../src/app.ts';
import { type PostgresCluster, startPostgres } from './postgres.ts';

/** A clock that runs with real time (fake timers included) plus an offset the test moves. */
export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
}

/** Creates a {@link TestClock} with no offset. */
export function createTestClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** Options of {@link startTestPortal}: the portal's own options, all optional. */
export interface TestPortalOptions extends Partial<Omit<StartPortalOptions, 'clock'>> {
  /**
   * Remove the data folder on `close()`. Default: when the fixture made the
   * folder itself (a `dataDir` passed in is the caller's).
   */
  ownsDataDir?: boolean;
}

/** A running test portal. */
export interface TestPortal extends RunningPortal {
  /** Where the portal answers (its issuer), no trailing slash. */
  baseUrl: string;
  dataDir: string;
  /** Every log line the portal wrote. */
  logs: string[];
  /** The portal's clock. */
  clock: TestClock;
  /** Stops the portal (and removes its data folder when it owns it). */
  close(): Promise<void>;
}

/** A fresh temporary data folder. */
export function freshDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'portal-test-'));
}

let cluster: Promise<PostgresCluster> | undefined;
const databases = new Map<string, string>();

/**
 * With `PORTAL_TEST_DATABASE=postgres`, the PostgreSQL database of a data
 * folder: one throwaway cluster per test process (stopped when it exits), one
 * database per data folder, so a portal restarted on the same folder finds
 * its data again. Without it, undefined: the portal uses SQLite in the folder.
 */
export async function testDatabaseUrl(dataDir: string): Promise<string | undefined> {
  if (process.env.PORTAL_TEST_DATABASE !== 'postgres') return undefined;
  cluster ??= startPostgres().then((started) => {
    process.once('exit', () => started.stopSync());
    return started;
  });
  let url = databases.get(dataDir);
  if (!url) {
    url = await (await cluster).createDatabase();
    databases.set(dataDir, url);
  }
  return url;
}

/** Starts a seeded portal on a random port with captured logs. */
export async function startTestPortal(options: TestPortalOptions = {}): Promise<TestPortal> {
  const { ownsDataDir, ...portalOptions } = options;
  const dataDir = options.dataDir ?? freshDataDir();
  const databaseUrl = portalOptions.config?.databaseUrl ?? (await testDatabaseUrl(dataDir));
  const removeDataDir = ownsDataDir ?? options.dataDir === undefined;
  const logs: string[] = [];
  const clock = createTestClock();
  const portal = await startPortal({
    port: 0,
    seedDemo: true,
    // Not the developer's PORTAL_* variables: a test must not change with the shell it runs in.
    env: {},
    logger: (line) => logs.push(line),
    ...portalOptions,
    config: { ...portalOptions.config, ...(databaseUrl ? { databaseUrl } : {}) },
    dataDir,
    clock: clock.now,
  });
  const stop = portal.close.bind(portal);
  return Object.assign(portal, {
    baseUrl: portal.issuer,
    dataDir,
    logs,
    clock,
    async close() {
      await stop();
      if (removeDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** The demo's bob (password only, no authenticator), as the seed creates him. */
export const DEMO_BOB = { email: 'bob@example.com', password: 'bob-demo-password' } as const;

/**
 * The portal of one test file: started before its tests, closed after them
 * (the setup the integration tests repeated). Returns a stand-in that
 * forwards to it, so the file's helpers can name it at module level; using it
 * before `beforeAll` ran throws.
 */
export function useTestPortal(options: TestPortalOptions = {}): TestPortal {
  let started: TestPortal | undefined;
  beforeAll(async () => {
    started = await startTestPortal(options);
  });
  afterAll(() => started?.close());
  return new Proxy({} as TestPortal, {
    get(_target, key) {
      if (!started) throw new Error('The test portal starts in beforeAll: use it inside tests and hooks.');
      return Reflect.get(started, key, started);
    },
  });
}

let userCounter = 0;

/** Creates a fresh user (own TOTP step history) directly through the services. */
export async function createTestUser(
  portal: RunningPortal,
  options: { totp?: boolean; assign?: string[]; email?: string } = {},
): Promise<{ id: string; email: string; displayName: string; password: string; totpSecret: string }> {
  const { createUser } = await import('../src/services/accounts.ts');
  const { enrollConfirmedTotp, generateTotpSecret } = await import('../src/services/totp.ts');
  userCounter += 1;
  const email = options.email ?? `user-${process.pid}-${userCounter}-${Date.now()}@example.com`;
  const password = `test password ${userCounter} for ${email}`;
  const displayName = `Test User ${userCounter}`;
  const user = await createUser(portal.context, { email, password, displayName });
  let totpSecret = '';
  if (options.totp) {
    totpSecret = generateTotpSecret();
    await enrollConfirmedTotp(portal.context, user.id, totpSecret);
  }
  for (const appId of options.assign ?? []) await portal.context.repos.apps.assign(appId, user.id);
  return { id: user.id, email, displayName, password, totpSecret };
}
