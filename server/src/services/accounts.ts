/**
 * Account administration rules shared by the CLI, the seed and the API:
 * creating users, disabling, password changes, MFA reset — each with the
 * revocations a security change requires (B4, B11, B13) and an audit entry.
 */
import type { PortalContext } from '../context.ts';
import { endUserSessions, revokeUserGrants } from '../oidc/sessions.ts';
import type { UserProfilePatch, UserRecord } from '../repo/users.ts';
import { checkPasswordPolicy, hashPassword, passwordPolicy } from './passwords.ts';
import { removeTotp } from './totp.ts';

type AccountsContext = Pick<PortalContext, 'repos' | 'audit' | 'clock' | 'config'>;

/** Expected account-administration failures, with a `code` to branch on. */
export class AccountError extends Error {
  override name = 'AccountError';
  constructor(
    readonly code: 'email_taken' | 'invalid_email' | 'password_policy' | 'unknown_user',
    message: string,
    readonly violations: string[] = [],
  ) {
    super(message);
  }
}

/** Finds a user by email or throws `unknown_user`. */
export async function requireUser(ctx: Pick<PortalContext, 'repos'>, email: string): Promise<UserRecord> {
  const user = await ctx.repos.users.findByEmail(email);
  if (!user) throw new AccountError('unknown_user', `No account has the email ${email}.`);
  return user;
}

/**
 * Creates an account after checking the email and the password policy (B10).
 *
 * @throws {AccountError} `invalid_email`, `email_taken`, `password_policy`.
 */
export async function createUser(
  ctx: AccountsContext,
  input: { email: string; displayName?: string; password: string; profile?: UserProfilePatch },
): Promise<UserRecord> {
  const email = input.email.trim();
  if (!/^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    throw new AccountError('invalid_email', `"${email}" is not an email address.`);
  }
  if (await ctx.repos.users.findByEmail(email))
    throw new AccountError('email_taken', `${email} already has an account.`);
  const violations = checkPasswordPolicy(input.password, passwordPolicy(ctx.config), { email });
  if (violations.length > 0) {
    throw new AccountError(
      'password_policy',
      `The password does not meet the policy: ${violations.join(' ')}`,
      violations,
    );
  }
  const user = await ctx.repos.users.create({
    email,
    displayName: input.displayName?.trim() || email.split('@')[0] || email,
    passwordHash: await hashPassword(input.password),
    profile: input.profile,
  });
  await ctx.audit('account.created', { userId: user.id, email });
  return user;
}

/** Disables (or re-enables) an account; disabling ends its sessions and revokes its grants (B4, B13). */
export async function setUserDisabled(
  ctx: AccountsContext,
  userId: string,
  disabled: boolean,
): Promise<void> {
  await ctx.repos.users.setDisabled(userId, disabled);
  if (disabled) {
    await endUserSessions(ctx, userId);
    await revokeUserGrants(ctx, userId);
  }
  await ctx.audit(disabled ? 'account.disabled' : 'account.enabled', { userId });
}

/**
 * Sets a new password (admin or reset) after the policy check, and signs the
 * account out everywhere (B4).
 *
 * @throws {AccountError} `password_policy`.
 */
export async function setUserPassword(ctx: AccountsContext, userId: string, password: string): Promise<void> {
  const user = await ctx.repos.users.findById(userId);
  if (!user) throw new AccountError('unknown_user', 'This account no longer exists.');
  const violations = checkPasswordPolicy(password, passwordPolicy(ctx.config), { email: user.email });
  if (violations.length > 0) {
    throw new AccountError(
      'password_policy',
      `The password does not meet the policy: ${violations.join(' ')}`,
      violations,
    );
  }
  await ctx.repos.users.setPasswordHash(userId, await hashPassword(password));
  await endUserSessions(ctx, userId);
  await revokeUserGrants(ctx, userId);
  await ctx.audit('account.password_changed', { userId, by: 'admin' });
}

/** Admin MFA reset: removes the authenticator, recovery codes and passkeys, ends sessions (B11). */
export async function resetUserMfa(ctx: AccountsContext, userId: string): Promise<void> {
  await removeTotp(ctx, userId);
  for (const passkey of await ctx.repos.passkeys.list(userId))
    await ctx.repos.passkeys.remove(userId, passkey.id);
  await endUserSessions(ctx, userId);
  await revokeUserGrants(ctx, userId);
  await ctx.audit('account.mfa_reset', { userId });
}

/** Whether `user` must have a second factor: the portal requires it of everyone, or the admin of this user. */
export function mustHaveMfa(
  ctx: Pick<PortalContext, 'config'>,
  user: Pick<UserRecord, 'requireMfa'>,
): boolean {
  return ctx.config.requireMfa || user.requireMfa;
}

/**
 * Requires (or stops requiring) a second factor of one user. A user who must have one
 * and has none sets it up at their next sign-in; sessions are left alone.
 */
export async function setUserRequireMfa(
  ctx: AccountsContext,
  userId: string,
  required: boolean,
): Promise<void> {
  await ctx.repos.users.setRequireMfa(userId, required);
  await ctx.audit(required ? 'account.mfa_required' : 'account.mfa_not_required', { userId });
}
