import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepos } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { PortalContext } from '../context.ts';
import { openDatabase } from '../db/database.ts';
import { accountSubject, checkLock, clearAccountFailures, recordFailure, unlockAccount } from './lockout.ts';

function fakeContext() {
  const clock = { now: Date.UTC(2026, 0, 1) };
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lock-')), 'db.sqlite'));
  const ctx = {
    repos: createRepos(db, () => clock.now),
    clock: () => clock.now,
    config: loadConfig({}),
    audit: () => {},
  } as unknown as PortalContext;
  return { ctx, clock };
}

describe('lockout (Keycloak-style defaults)', () => {
  const subject = accountSubject('Bob@Example.com');
  const minute = 60_000;

  it('B9: defaults are 30 failures, +1 min per failure beyond, 15 min cap, 12 h reset', () => {
    const { ctx } = fakeContext();
    expect(ctx.config.lockout).toMatchObject({
      maxFailures: 30,
      waitIncrementSeconds: 60,
      maxWaitSeconds: 900,
      failureResetSeconds: 43_200,
    });
  });

  it('B9: the 30th failure locks for 1 minute, each further failure adds a minute, capped at 15', () => {
    const { ctx, clock } = fakeContext();
    for (let i = 1; i < 30; i++) {
      expect(recordFailure(ctx, [subject])).toBe(false);
      expect(checkLock(ctx, [subject]).locked).toBe(false);
    }
    expect(recordFailure(ctx, [subject])).toBe(true);
    expect(checkLock(ctx, [subject])).toEqual({ locked: true, until: clock.now + minute });
    recordFailure(ctx, [subject]);
    expect(checkLock(ctx, [subject]).until).toBe(clock.now + 2 * minute);
    for (let i = 0; i < 30; i++) recordFailure(ctx, [subject]);
    expect(checkLock(ctx, [subject]).until).toBe(clock.now + 15 * minute);
    clock.now += 15 * minute + 1;
    expect(checkLock(ctx, [subject]).locked).toBe(false);
  });

  it('B9: failures older than 12 h are forgotten', () => {
    const { ctx, clock } = fakeContext();
    for (let i = 0; i < 29; i++) recordFailure(ctx, [subject]);
    clock.now += 12 * 60 * minute;
    expect(recordFailure(ctx, [subject])).toBe(false);
    expect(ctx.repos.loginFailures.get(subject)?.failures).toBe(1);
  });

  it('B9: emails are counted case-insensitively; admin unlock and success clear the account', () => {
    const { ctx } = fakeContext();
    for (let i = 0; i < 30; i++) recordFailure(ctx, [accountSubject('bob@example.com')]);
    expect(checkLock(ctx, [subject]).locked).toBe(true);
    unlockAccount(ctx, 'BOB@example.com');
    expect(checkLock(ctx, [subject]).locked).toBe(false);
    recordFailure(ctx, [subject]);
    clearAccountFailures(ctx, 'bob@example.com');
    expect(ctx.repos.loginFailures.get(subject)).toBeUndefined();
  });
});
