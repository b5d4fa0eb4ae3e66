import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepos } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { PortalContext } from '../../src/context.ts';
import { openDatabase } from '../../src/db/database.ts';
import {
  accountSubject,
  checkLock,
  clearAccountFailures,
  recordFailure,
  unlockAccount,
} from '../../src/services/lockout.ts';

async function fakeContext() {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const db = await openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lock-')), 'db.sqlite'));
  const ctx = {
    repos: createRepos(db, () => clock.now),
    clock: () => clock.now,
    config: loadConfig({}),
    audit: async () => {},
  } as unknown as PortalContext;
  return { ctx, clock };
}

describe('lockout (Keycloak-style defaults)', () => {
  const subject = accountSubject('Bob@Example.com');
  const minute = 60_000;

  it('B9: defaults are 30 failures, +1 min per failure beyond, 15 min cap, 12 h reset', async () => {
    const { ctx } = await fakeContext();
    expect(ctx.config.lockout).toMatchObject({
      maxFailures: 30,
      waitIncrementSeconds: 60,
      maxWaitSeconds: 900,
      failureResetSeconds: 43_200,
    });
  });

  it('B9: the 30th failure locks for 1 minute, each further failure adds a minute, capped at 15', async () => {
    const { ctx, clock } = await fakeContext();
    for (let i = 1; i < 30; i++) {
      expect(await recordFailure(ctx, [subject])).toBe(false);
      expect((await checkLock(ctx, [subject])).locked).toBe(false);
    }
    expect(await recordFailure(ctx, [subject])).toBe(true);
    expect(await checkLock(ctx, [subject])).toEqual({ locked: true, until: clock.now + minute });
    await recordFailure(ctx, [subject]);
    expect((await checkLock(ctx, [subject])).until).toBe(clock.now + 2 * minute);
    for (let i = 0; i < 30; i++) await recordFailure(ctx, [subject]);
    expect((await checkLock(ctx, [subject])).until).toBe(clock.now + 15 * minute);
    clock.now += 15 * minute + 1;
    expect((await checkLock(ctx, [subject])).locked).toBe(false);
  });

  it('B9: failures older than 12 h are forgotten', async () => {
    const { ctx, clock } = await fakeContext();
    for (let i = 0; i < 29; i++) await recordFailure(ctx, [subject]);
    clock.now += 12 * 60 * minute;
    expect(await recordFailure(ctx, [subject])).toBe(false);
    expect((await ctx.repos.loginFailures.get(subject))?.failures).toBe(1);
  });

  it('B9: emails are counted case-insensitively; admin unlock and success clear the account', async () => {
    const { ctx } = await fakeContext();
    for (let i = 0; i < 30; i++) await recordFailure(ctx, [accountSubject('bob@example.com')]);
    expect((await checkLock(ctx, [subject])).locked).toBe(true);
    await unlockAccount(ctx, 'BOB@example.com');
    expect((await checkLock(ctx, [subject])).locked).toBe(false);
    await recordFailure(ctx, [subject]);
    await clearAccountFailures(ctx, 'bob@example.com');
    expect(await ctx.repos.loginFailures.get(subject)).toBeUndefined();
  });
});
