/**
 * Shared setup for integration tests: a real portal on a random loopback
 * port with a fresh temporary data folder and captured logs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningPortal, type StartPortalOptions, startPortal } from '../src/app.ts';

export interface TestPortal extends RunningPortal {
  dataDir: string;
  /** Every log line the portal wrote. */
  logs: string[];
}

/** A fresh temporary data folder. */
export function freshDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'portal-test-'));
}

/** Starts a seeded portal on a random port with captured logs. */
export async function startTestPortal(options: Partial<StartPortalOptions> = {}): Promise<TestPortal> {
  const dataDir = options.dataDir ?? freshDataDir();
  const logs: string[] = [];
  const portal = await startPortal({
    dataDir,
    port: 0,
    seedDemo: true,
    env: {},
    logger: (line) => logs.push(line),
    ...options,
  });
  return Object.assign(portal, { dataDir, logs });
}

let userCounter = 0;

/** Creates a fresh user (own TOTP step history) directly through the services. */
export async function createTestUser(
  portal: RunningPortal,
  options: { totp?: boolean; assign?: string[]; email?: string } = {},
): Promise<{ id: string; email: string; password: string; totpSecret: string }> {
  const { createUser } = await import('../src/services/accounts.ts');
  const { enrollConfirmedTotp, generateTotpSecret } = await import('../src/services/totp.ts');
  userCounter += 1;
  const email = options.email ?? `user-${process.pid}-${userCounter}-${Date.now()}@example.com`;
  const password = `test password ${userCounter} for ${email}`;
  const user = await createUser(portal.context, { email, password, displayName: `Test User ${userCounter}` });
  let totpSecret = '';
  if (options.totp) {
    totpSecret = generateTotpSecret();
    enrollConfirmedTotp(portal.context, user.id, totpSecret);
  }
  for (const appId of options.assign ?? []) portal.context.repos.apps.assign(appId, user.id);
  return { id: user.id, email, password, totpSecret };
}
