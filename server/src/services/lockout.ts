/**
 * Throttling and lockout on password and second-factor failures (B9),
 * modelled on Keycloak's brute-force detection with its defaults: after
 * `maxFailures` (30) failures the subject waits `waitIncrementSeconds` (1 min),
 * each further failure adds another increment, capped at `maxWaitSeconds`
 * (15 min); failures older than `failureResetSeconds` (12 h) are forgotten.
 *
 * Two subjects are counted for every failure: the account (by normalised
 * email — also for addresses with no account, so an unknown address locks
 * exactly like a real one and nothing reveals which exist, B18) and the
 * client address (stops one machine spraying many accounts; its threshold,
 * `maxFailuresPerAddress`, is higher because one address can carry many people).
 *
 * Contract: the sign-in pages call {@link checkLock} before answering an
 * attempt and {@link recordFailure} / {@link clearAccountFailures} after;
 * admins call {@link unlockAccount}.
 */
import type { Config } from '../config.ts';
import type { PortalContext } from '../context.ts';

type LockoutContext = Pick<PortalContext, 'repos' | 'clock'> & { config: Pick<Config, 'lockout'> };

/** Counter key of an account (emails compare case-insensitively). */
export function accountSubject(email: string): string {
  return `account:${email.trim().toLowerCase()}`;
}

/** Counter key of a client address. */
export function addressSubject(ip: string): string {
  return `address:${ip}`;
}

/** Whether any of the subjects is locked now, and until when (ms). */
export async function checkLock(
  ctx: LockoutContext,
  subjects: string[],
): Promise<{ locked: boolean; until: number | null }> {
  const now = ctx.clock();
  let until: number | null = null;
  for (const subject of subjects) {
    const record = await ctx.repos.loginFailures.get(subject);
    if (record?.lockedUntil && record.lockedUntil > now) until = Math.max(until ?? 0, record.lockedUntil);
  }
  return { locked: until !== null, until };
}

/**
 * Counts one failure against each subject. Returns true when this failure
 * (newly) locked any of them, for the audit log.
 */
export async function recordFailure(ctx: LockoutContext, subjects: string[]): Promise<boolean> {
  const { waitIncrementSeconds, maxWaitSeconds, failureResetSeconds } = ctx.config.lockout;
  const now = ctx.clock();
  let lockedNow = false;
  for (const subject of subjects) {
    const maxFailures = subject.startsWith('address:')
      ? ctx.config.lockout.maxFailuresPerAddress
      : ctx.config.lockout.maxFailures;
    const previous = await ctx.repos.loginFailures.get(subject);
    const fresh = previous && now - previous.lastFailureAt < failureResetSeconds * 1000;
    const failures = fresh ? previous.failures + 1 : 1;
    let lockedUntil = fresh ? previous.lockedUntil : null;
    if (failures >= maxFailures) {
      const waitSeconds = Math.min(waitIncrementSeconds * (failures - maxFailures + 1), maxWaitSeconds);
      lockedUntil = now + waitSeconds * 1000;
      if (!previous?.lockedUntil || previous.lockedUntil <= now) lockedNow = true;
    }
    await ctx.repos.loginFailures.save({
      subject,
      failures,
      firstFailureAt: fresh ? previous.firstFailureAt : now,
      lastFailureAt: now,
      lockedUntil,
    });
  }
  return lockedNow;
}

/** Forgets an account's failures after a complete, successful sign-in. */
export async function clearAccountFailures(ctx: Pick<PortalContext, 'repos'>, email: string): Promise<void> {
  await ctx.repos.loginFailures.clear(accountSubject(email));
}

/** Admin unlock: clears the account's counter (and optionally an address's). */
export async function unlockAccount(
  ctx: Pick<PortalContext, 'repos' | 'audit'>,
  email: string,
  ip?: string,
): Promise<void> {
  await ctx.repos.loginFailures.clear(accountSubject(email));
  if (ip) await ctx.repos.loginFailures.clear(addressSubject(ip));
  await ctx.audit('account.unlocked', { email });
}
