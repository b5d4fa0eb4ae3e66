import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRepos } from '../../src/app.ts';
import type { PortalContext } from '../../src/context.ts';
import { openDatabase } from '../../src/db/database.ts';
import {
  confirmTotpEnrollment,
  enrollConfirmedTotp,
  generateTotpSecret,
  MfaError,
  matchTotpStep,
  startTotpEnrollment,
  totpStatus,
  verifySecondFactor,
  verifySecondFactorMethod,
} from '../../src/services/totp.ts';

/** A context over a real SQLite file, with a settable clock. */
async function fakeContext(file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'totp-')), 'db.sqlite')) {
  const clock = { now: Date.UTC(2026, 0, 1, 12, 0, 0) };
  const db = await openDatabase(file);
  const repos = createRepos(db, () => clock.now);
  const ctx = { repos, clock: () => clock.now, audit: async () => {} } as unknown as PortalContext;
  const user = await repos.users.create({ email: 'totp@example.com', displayName: 'T', passwordHash: null });
  return { ctx, clock, user, file, db };
}

const codeAt = (secret: string, timestamp: number) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp });

describe('TOTP', () => {
  let env: Awaited<ReturnType<typeof fakeContext>>;
  beforeEach(async () => {
    env = await fakeContext();
  });

  it('B8: RFC 6238 Appendix B SHA-1 test vectors', async () => {
    // The RFC's SHA-1 seed is the ASCII string "12345678901234567890"; vectors are 8 digits.
    const secret = OTPAuth.Secret.fromLatin1('12345678901234567890');
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, expected] of vectors) {
      const totp = new OTPAuth.TOTP({ secret, algorithm: 'SHA1', digits: 8, period: 30 });
      expect(totp.generate({ timestamp: seconds * 1000 })).toBe(expected);
    }
    // The portal's matcher uses the same algorithm with 6 digits: the last 6 of the vector.
    const base32 = secret.base32;
    expect(matchTotpStep(base32, '287082', 59_000)).toBe(1);
    expect(matchTotpStep(base32, '005924', 1234567890_000)).toBe(Math.floor(1234567890 / 30));
  });

  it('B8: codes agree with oathtool, an independent implementation', () => {
    const secret = generateTotpSecret();
    const expected = execFileSync('oathtool', ['--totp', '-b', secret]).toString().trim();
    expect(expected).toMatch(/^\d{6}$/);
    // ±1 step covers a step boundary between the two clocks reads.
    expect(matchTotpStep(secret, expected, Date.now())).not.toBeNull();
    expect(matchTotpStep(secret, expected, Date.now() + 120_000)).toBeNull();
  });

  it('B8: secrets are 160 bits of base32 and differ', async () => {
    const a = generateTotpSecret();
    const b = generateTotpSecret();
    expect(OTPAuth.Secret.fromBase32(a).bytes.length).toBe(20);
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(a).not.toBe(b);
  });

  it('B8: ±1 step of drift is accepted, 2 steps is not', () => {
    const secret = generateTotpSecret();
    const now = env.clock.now;
    expect(matchTotpStep(secret, codeAt(secret, now - 30_000), now)).not.toBeNull();
    expect(matchTotpStep(secret, codeAt(secret, now + 30_000), now)).not.toBeNull();
    expect(matchTotpStep(secret, codeAt(secret, now - 60_000), now)).toBeNull();
    expect(matchTotpStep(secret, codeAt(secret, now + 60_000), now)).toBeNull();
  });

  it('B8: a TOTP code is accepted once', async () => {
    const secret = generateTotpSecret();
    await enrollConfirmedTotp(env.ctx, env.user.id, secret);
    const code = codeAt(secret, env.clock.now);
    expect(await verifySecondFactor(env.ctx, env.user.id, code)).toBe(true);
    expect(await verifySecondFactor(env.ctx, env.user.id, code)).toBe(false);
    // An older step than the last accepted one is refused too (no replay of the previous code).
    expect(await verifySecondFactor(env.ctx, env.user.id, codeAt(secret, env.clock.now - 30_000))).toBe(
      false,
    );
    env.clock.now += 30_000;
    expect(await verifySecondFactor(env.ctx, env.user.id, codeAt(secret, env.clock.now))).toBe(true);
  });

  it('B8: two concurrent submits of one code (two connections) → exactly one succeeds', async () => {
    const secret = generateTotpSecret();
    await enrollConfirmedTotp(env.ctx, env.user.id, secret);
    const other = await openDatabase(env.file);
    const otherCtx = {
      repos: createRepos(other, () => env.clock.now),
      clock: () => env.clock.now,
      audit: async () => {},
    } as unknown as PortalContext;
    const code = codeAt(secret, env.clock.now);
    const results = await Promise.all([
      Promise.resolve().then(() => verifySecondFactor(env.ctx, env.user.id, code)),
      Promise.resolve().then(() => verifySecondFactor(otherCtx, env.user.id, code)),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    await other.close();
  });

  it('B11: an enrollment is inactive until a code confirms it; then ten single-use recovery codes', async () => {
    const { secret, otpauthUri } = await startTotpEnrollment(env.ctx, env.user.id);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Portal%20Launcher:totp%40example\.com\?/);
    expect(otpauthUri).toContain('algorithm=SHA1');
    expect(otpauthUri).toContain('digits=6');
    expect(otpauthUri).toContain('period=30');
    expect(await totpStatus(env.ctx, env.user.id)).toMatchObject({ totp: { enabled: false, pending: true } });
    // Pending: a valid code does not pass as a second factor.
    expect(await verifySecondFactor(env.ctx, env.user.id, codeAt(secret, env.clock.now))).toBe(false);
    const wrong = await confirmTotpEnrollment(env.ctx, env.user.id, '000000');
    expect(wrong).toBeInstanceOf(MfaError);
    expect((wrong as MfaError).code).toBe('invalid_code');
    const confirmed = await confirmTotpEnrollment(env.ctx, env.user.id, codeAt(secret, env.clock.now));
    if (confirmed instanceof MfaError) throw confirmed;
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    expect(await totpStatus(env.ctx, env.user.id)).toMatchObject({
      totp: { enabled: true, pending: false },
      recoveryCodesRemaining: 10,
    });
    // The confirming code's step is used: it cannot sign in again.
    expect(await verifySecondFactor(env.ctx, env.user.id, codeAt(secret, env.clock.now))).toBe(false);
    const recovery = confirmed.recoveryCodes[3] as string;
    expect(await verifySecondFactorMethod(env.ctx, env.user.id, recovery.toUpperCase())).toBe(
      'recovery_code',
    );
    expect(await verifySecondFactor(env.ctx, env.user.id, recovery)).toBe(false);
    expect((await totpStatus(env.ctx, env.user.id)).recoveryCodesRemaining).toBe(9);
    // Recovery codes are stored hashed, never in clear.
    const stored = (
      await sql<{ code_hash: string }>`SELECT code_hash FROM recovery_codes`.execute(env.db.kysely)
    ).rows.map((row) => row.code_hash);
    expect(stored.some((hash) => confirmed.recoveryCodes.includes(hash))).toBe(false);
    await expect(startTotpEnrollment(env.ctx, env.user.id)).rejects.toThrow(MfaError);
  });
});
