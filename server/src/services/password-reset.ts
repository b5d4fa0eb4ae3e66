/**
 * Self-service password reset: a single-use link mailed to the account's
 * address, then a new password set on the portal's `/reset-password` page.
 *
 * Contract:
 * - {@link requestPasswordReset} never reveals whether an account exists
 *   (B18): it returns nothing, takes the same path for known and unknown
 *   addresses up to the mail, and sends the mail without waiting for it.
 *   Requests are throttled per address and per client address, silently.
 * - A token is 256 random bits (base64url), stored only as its SHA-256, valid
 *   for {@link RESET_TOKEN_TTL_MS}, usable once; a newer link or a completed
 *   reset ends older ones.
 * - {@link completePasswordReset} checks the policy, sets the password, and
 *   ends every portal session and refresh token of the user (B4), or throws
 *   {@link PasswordResetError}.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html OWASP forgot-password guidance
 * @see https://pages.nist.gov/800-63-4/sp800-63b.html NIST SP 800-63B (memorized secrets)
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PortalContext } from '../context.ts';
import { endUserSessions, revokeUserGrants } from '../oidc/sessions.ts';
import {
  consumePasswordReset,
  countResetRequestsForEmail,
  countResetRequestsForIp,
  findUsablePasswordReset,
  insertPasswordReset,
  invalidateUserPasswordResets,
  pruneResetRequests,
  recordResetRequest,
} from '../repo/password-resets.ts';
import { type PageLocale, pageTexts } from '../views/i18n/index.ts';
import { checkPasswordPolicy, hashPassword, passwordPolicy } from './passwords.ts';

/** Reset links live 30 minutes (OWASP: short-lived). */
export const RESET_TOKEN_TTL_MS = 30 * 60 * 1000;
/** Throttling window. */
export const RESET_THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** At most this many mails per address per window: enough for a lost mail, too few to flood an inbox. */
export const RESET_MAX_PER_EMAIL = 3;
/** At most this many requests per client address per window, known addresses or not. */
export const RESET_MAX_PER_IP = 20;

/** Path of the reset page, relative to the issuer. */
export const RESET_PAGE_PATH = '/reset-password';

/** Why a reset could not be completed; `code` for the page to branch on. */
export type PasswordResetErrorCode = 'invalid_token' | 'password_policy';

/** A reset that cannot complete: a dead link, or a new password the policy refuses. */
export class PasswordResetError extends Error {
  override readonly name = 'PasswordResetError';
  constructor(
    readonly code: PasswordResetErrorCode,
    message: string,
    /** Policy violations, as sentences (for `password_policy`). */
    readonly violations: string[] = [],
  ) {
    super(message);
  }
}

/** SHA-256 (hex) of a high-entropy secret: enough to make stored tokens useless to a database reader. */
function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The key under which requests for an address are counted (case-insensitive, trimmed). */
function emailKey(email: string): string {
  return sha256(email.trim().toLowerCase());
}

/**
 * Handles a reset request for `email`. Always returns normally; callers
 * answer 202 with the same body whatever happened (B18).
 */
export async function requestPasswordReset(
  ctx: PortalContext,
  email: string,
  ip: string | null,
  /** The language of the page or app that asked: the mail is written in it. */
  language: PageLocale = 'en',
): Promise<void> {
  const now = ctx.clock();
  const key = emailKey(email);
  await pruneResetRequests(ctx.db, now - RESET_THROTTLE_WINDOW_MS);
  const throttled =
    (await countResetRequestsForEmail(ctx.db, key, now - RESET_THROTTLE_WINDOW_MS)) >= RESET_MAX_PER_EMAIL ||
    (ip !== null &&
      (await countResetRequestsForIp(ctx.db, ip, now - RESET_THROTTLE_WINDOW_MS)) >= RESET_MAX_PER_IP);
  // Unknown addresses are recorded and throttled exactly like known ones.
  await recordResetRequest(ctx.db, key, ip, now);
  if (throttled) {
    await ctx.audit('password_reset.throttled', { ip });
    return;
  }
  const user = email.trim() ? await ctx.repos.users.findByEmail(email) : undefined;
  if (!user || user.disabled) {
    await ctx.audit('password_reset.requested', { ip, known: false });
    return;
  }
  const token = randomBytes(32).toString('base64url');
  await insertPasswordReset(ctx.db, {
    token_hash: sha256(token),
    user_id: user.id,
    created_at: now,
    expires_at: now + RESET_TOKEN_TTL_MS,
  });
  await ctx.audit('password_reset.requested', { userId: user.id, email: user.email, ip, known: true });
  const link = `${ctx.issuer}${RESET_PAGE_PATH}?token=${token}`;
  const texts = pageTexts(language).t.reset;
  // Not awaited: waiting for SMTP would make known addresses measurably slower (B18).
  ctx.mailer
    .send({
      to: user.email,
      subject: texts.mailSubject,
      text: texts.mailText(user.displayName, link),
      language,
    })
    .catch((error: unknown) => {
      ctx.log(
        `password reset mail to user ${user.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
}

/** The user a live reset token belongs to, or undefined (unknown, used or expired). */
export async function findResetUser(
  ctx: PortalContext,
  token: string,
): Promise<{ id: string; email: string } | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const row = await findUsablePasswordReset(ctx.db, sha256(token), ctx.clock());
  const user = row && (await ctx.repos.users.findById(row.user_id));
  return user && !user.disabled ? { id: user.id, email: user.email } : undefined;
}

/**
 * Sets a new password with a reset token, then ends every portal session and
 * refresh token of the user (B4) and every other outstanding reset link.
 *
 * @throws {PasswordResetError} `invalid_token` (unknown, used, expired) or `password_policy`.
 */
export async function completePasswordReset(
  ctx: PortalContext,
  token: string,
  newPassword: string,
  ip: string | null,
): Promise<void> {
  const user = await findResetUser(ctx, token);
  if (!user) {
    throw new PasswordResetError(
      'invalid_token',
      'This reset link has expired or was already used. Request a new link.',
    );
  }
  const violations = checkPasswordPolicy(newPassword, passwordPolicy(ctx.config), { email: user.email });
  if (violations.length > 0) {
    throw new PasswordResetError('password_policy', 'Choose another password.', violations);
  }
  const hash = await hashPassword(newPassword);
  // Consumed only now, after the slow hash, by one guarded UPDATE: of two concurrent
  // submissions only one sets the password.
  if (!(await consumePasswordReset(ctx.db, sha256(token), ctx.clock()))) {
    throw new PasswordResetError(
      'invalid_token',
      'This reset link has expired or was already used. Request a new link.',
    );
  }
  await ctx.repos.users.setPasswordHash(user.id, hash);
  await invalidateUserPasswordResets(ctx.db, user.id, ctx.clock());
  await endUserSessions(ctx, user.id);
  await revokeUserGrants(ctx, user.id);
  await ctx.audit('password_reset.completed', { userId: user.id, email: user.email, ip });
}
