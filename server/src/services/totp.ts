/**
 * TOTP second factor and recovery codes (B8, B11).
 *
 * - RFC 6238 with SHA-1, 6 digits, 30 s steps, ±1 step of clock drift, via
 *   `otpauth`; secrets are 160 bits from the CSPRNG (RFC 4226 §4 R6).
 * - Each time step is accepted at most once per user: acceptance is one
 *   guarded `UPDATE … WHERE last_step < ?` (repo/mfa.ts), so of two
 *   concurrent submits of one code exactly one wins, even across processes.
 * - An enrollment is inactive until confirmed with a code (B11).
 * - Recovery codes: ten per user, 80 bits each, single use. They are stored
 *   as SHA-256 digests: with 80 bits of entropy a fast hash cannot be
 *   brute-forced from a stolen database, and a deterministic digest lets
 *   "mark used" be one guarded UPDATE (single use without a race), which a
 *   salted argon2 hash would not allow.
 *
 * Contract: the portal clock (`ctx.clock`) is the only time source.
 */
import { createHash, randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { RECOVERY_CODE_COUNT } from '../../../contract/constants.ts';
import type { MfaStatus } from '../../../contract/schemas.ts';
import type { PortalContext } from '../context.ts';

type TotpContext = Pick<PortalContext, 'repos' | 'clock' | 'audit'>;

/** RFC 6238 parameters the portal uses (what every authenticator app supports). */
export const TOTP_PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** Accepted clock drift, in steps either side (RFC 6238 §5.2). */
export const TOTP_WINDOW = 1;
/** Name shown in authenticator apps. */
export const TOTP_ISSUER = 'Portal Launcher';

// Crockford base32 without look-alikes: 16 characters × 5 bits = 80 bits per code.
const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Expected MFA failures, with a `code` the API and UI branch on. */
export class MfaError extends Error {
  override name = 'MfaError';
  constructor(
    readonly code: 'invalid_code' | 'no_pending_enrollment' | 'totp_already_enabled' | 'totp_not_enabled',
    message: string,
  ) {
    super(message);
  }
}

function totpFor(secret: string, label?: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: TOTP_ISSUER,
    label: label ?? 'account',
    secret: OTPAuth.Secret.fromBase32(secret),
    ...TOTP_PARAMETERS,
  });
}

/** A fresh 160-bit secret, base32 (RFC 4648) as authenticator apps expect. */
export function generateTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

/**
 * The RFC 6238 time step a code matches at `now` (±1 step), or null.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6238#section-4 RFC 6238 §4 (algorithm), §5.2 (validation window)
 */
export function matchTotpStep(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpFor(secret);
  const delta = totp.validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return null;
  return totp.counter({ timestamp: now }) + delta;
}

/** The otpauth:// URI for QR codes (Key Uri Format). */
export function otpauthUri(secret: string, email: string): string {
  return totpFor(secret, email).toString();
}

function digestRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code)).digest('hex');
}

/** Recovery codes are compared without case, spaces or dashes (people copy them from paper). */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

function generateRecoveryCode(): string {
  let raw = '';
  for (let i = 0; i < 16; i++) raw += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return raw.match(/.{4}/g)?.join('-') ?? raw;
}

/**
 * Starts (or restarts) a TOTP enrollment: a new secret that stays inactive
 * until {@link confirmTotpEnrollment} sees a code from it (B11).
 *
 * @throws {MfaError} `totp_already_enabled` when the user already has an active authenticator.
 */
export async function startTotpEnrollment(
  ctx: TotpContext,
  userId: string,
): Promise<{ secret: string; otpauthUri: string }> {
  const user = await ctx.repos.users.findById(userId);
  if (!user) throw new Error(`Unknown user ${userId}`);
  const secret = generateTotpSecret();
  if (!(await ctx.repos.mfa.startPending(userId, secret))) {
    throw new MfaError(
      'totp_already_enabled',
      'An authenticator app is already set up. Remove it first to set up a new one.',
    );
  }
  await ctx.audit('mfa.totp_enrollment_started', { userId, email: user.email });
  return { secret, otpauthUri: otpauthUri(secret, user.email) };
}

/**
 * The enrollment a sign-in page shows: the pending one when there is one (so a
 * reload does not invalidate a secret already scanned), else a new one.
 *
 * @throws {MfaError} `totp_already_enabled` when the user already has an active authenticator.
 */
export async function pendingTotpEnrollment(
  ctx: TotpContext,
  userId: string,
): Promise<{ secret: string; otpauthUri: string }> {
  const credential = await ctx.repos.mfa.getTotp(userId);
  const user = await ctx.repos.users.findById(userId);
  if (credential && credential.confirmedAt === null && user) {
    return { secret: credential.secret, otpauthUri: otpauthUri(credential.secret, user.email) };
  }
  return await startTotpEnrollment(ctx, userId);
}

/**
 * Activates a pending enrollment when `code` matches it, and issues fresh
 * recovery codes (shown once). Returns an {@link MfaError} value on a wrong
 * code or when nothing is pending.
 */
export async function confirmTotpEnrollment(
  ctx: TotpContext,
  userId: string,
  code: string,
): Promise<{ recoveryCodes: string[] } | MfaError> {
  const credential = await ctx.repos.mfa.getTotp(userId);
  if (!credential || credential.confirmedAt !== null) {
    return new MfaError('no_pending_enrollment', 'Start setting up an authenticator app first.');
  }
  const step = matchTotpStep(credential.secret, code.trim(), ctx.clock());
  if (step === null || !(await ctx.repos.mfa.acceptStep(userId, step, true))) {
    return new MfaError(
      'invalid_code',
      'That code is not right. Enter the current 6-digit code from your app.',
    );
  }
  await ctx.repos.mfa.markConfirmed(userId);
  const recoveryCodes = await issueRecoveryCodes(ctx, userId);
  await ctx.audit('mfa.totp_enabled', { userId, email: (await ctx.repos.users.findById(userId))?.email });
  return { recoveryCodes };
}

async function issueRecoveryCodes(ctx: TotpContext, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
  await ctx.repos.mfa.replaceRecoveryCodes(userId, codes.map(digestRecoveryCode));
  return codes;
}

/** Which second factor matched, or null. */
export type SecondFactorMethod = 'totp' | 'recovery_code';

/**
 * Checks a TOTP code (each step once, B8) or, failing that form, a recovery
 * code (single use) against the user's active authenticator.
 */
export async function verifySecondFactorMethod(
  ctx: TotpContext,
  userId: string,
  codeOrRecoveryCode: string,
): Promise<SecondFactorMethod | null> {
  const credential = await ctx.repos.mfa.getTotp(userId);
  if (!credential || credential.confirmedAt === null) return null;
  const input = codeOrRecoveryCode.trim();
  if (/^\d{6}$/.test(input)) {
    const step = matchTotpStep(credential.secret, input, ctx.clock());
    return step !== null && (await ctx.repos.mfa.acceptStep(userId, step)) ? 'totp' : null;
  }
  if (normalizeRecoveryCode(input).length !== 16) return null;
  if (await ctx.repos.mfa.useRecoveryCode(userId, digestRecoveryCode(input))) {
    await ctx.audit('mfa.recovery_code_used', {
      userId,
      remaining: await ctx.repos.mfa.countUnusedRecoveryCodes(userId),
    });
    return 'recovery_code';
  }
  return null;
}

/** True when the code is a valid, unused TOTP code or recovery code (see {@link verifySecondFactorMethod}). */
export async function verifySecondFactor(
  ctx: TotpContext,
  userId: string,
  codeOrRecoveryCode: string,
): Promise<boolean> {
  return (await verifySecondFactorMethod(ctx, userId, codeOrRecoveryCode)) !== null;
}

/** True when the user has a confirmed (active) authenticator. */
export async function hasActiveTotp(ctx: Pick<PortalContext, 'repos'>, userId: string): Promise<boolean> {
  const credential = await ctx.repos.mfa.getTotp(userId);
  return credential !== undefined && credential.confirmedAt !== null;
}

/** Removes the authenticator and its recovery codes (user action or admin reset). */
export async function removeTotp(ctx: TotpContext, userId: string): Promise<void> {
  await ctx.repos.mfa.deleteTotp(userId);
  await ctx.audit('mfa.totp_removed', { userId });
}

/**
 * Replaces all recovery codes with ten new ones (shown once).
 *
 * @throws {MfaError} `totp_not_enabled` when there is no active authenticator.
 */
export async function regenerateRecoveryCodes(
  ctx: TotpContext,
  userId: string,
): Promise<{ recoveryCodes: string[] }> {
  if (!(await hasActiveTotp(ctx, userId))) {
    throw new MfaError('totp_not_enabled', 'Set up an authenticator app before creating recovery codes.');
  }
  const recoveryCodes = await issueRecoveryCodes(ctx, userId);
  await ctx.audit('mfa.recovery_codes_regenerated', { userId });
  return { recoveryCodes };
}

/** The MFA status body of `GET /me/mfa` (schemas.ts `mfaStatusSchema`). */
export async function totpStatus(ctx: Pick<PortalContext, 'repos'>, userId: string): Promise<MfaStatus> {
  const credential = await ctx.repos.mfa.getTotp(userId);
  const enabled = credential !== undefined && credential.confirmedAt !== null;
  return {
    totp: {
      enabled,
      pending: credential !== undefined && credential.confirmedAt === null,
      enrolledAt: enabled && credential.confirmedAt ? new Date(credential.confirmedAt).toISOString() : null,
    },
    recoveryCodesRemaining: enabled ? await ctx.repos.mfa.countUnusedRecoveryCodes(userId) : 0,
  };
}

/** Enrolls a confirmed authenticator directly (seed data and admin tooling) and returns recovery codes. */
export async function enrollConfirmedTotp(
  ctx: TotpContext,
  userId: string,
  secret: string,
): Promise<{ recoveryCodes: string[] }> {
  await ctx.repos.mfa.setConfirmed(userId, secret);
  return { recoveryCodes: await issueRecoveryCodes(ctx, userId) };
}
