/**
 * Passwords: `POST /me/password` (change; step-up protected, B11),
 * `GET /password-policy` and `POST /password-reset` (both unauthenticated).
 */
import { SENSITIVE_CHANGE_MAX_AGE } from '../../../../contract/constants.ts';
import {
  passwordChangeSchema,
  passwordPolicyResponseSchema,
  passwordResetAcceptedSchema,
  passwordResetRequestSchema,
} from '../../../../contract/schemas.ts';
import { endUserSessions, revokeUserGrants } from '../../oidc/sessions.ts';
import { invalidateUserPasswordResets } from '../../repo/password-resets.ts';
import { accountSubject, checkLock, recordFailure } from '../../services/lockout.ts';
import { hasSecondFactor } from '../../services/passkeys.ts';
import { requestPasswordReset } from '../../services/password-reset.ts';
import {
  hashPassword,
  passwordPolicy,
  passwordViolations,
  verifyPassword,
} from '../../services/passwords.ts';
import { chooseLocale } from '../../views/i18n/index.ts';
import { requireFreshMfa } from '../auth.ts';
import { ApiProblem } from '../problem.ts';
import { defineRoute } from '../route.ts';

/** The one answer to every reset request, known address or not (B18). */
export const PASSWORD_RESET_ACCEPTED = {
  message:
    'If an account uses this address, we sent it a link to reset the password. The link works for 30 minutes.',
};

/**
 * Password routes.
 *
 * @see https://pages.nist.gov/800-63-4/sp800-63b.html NIST SP 800-63B (password change and reset)
 */
export const passwordRoutes = [
  defineRoute({
    method: 'GET',
    path: '/password-policy',
    auth: false,
    response: passwordPolicyResponseSchema,
    handler: async ({ portal }) => ({ body: passwordPolicy(portal.config) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/password-reset',
    auth: false,
    body: passwordResetRequestSchema,
    response: passwordResetAcceptedSchema,
    handler: async ({ portal, body, request }) => {
      await requestPasswordReset(portal, body.email, request.ip, chooseLocale(request));
      return { status: 202, body: PASSWORD_RESET_ACCEPTED };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/me/password',
    auth: true,
    body: passwordChangeSchema,
    handler: async ({ portal, user, token, body, request }) => {
      // B11: with a second factor (authenticator or passkey), a fresh one; without, the current
      // password below is the only factor the user has and is always required.
      if (await hasSecondFactor(portal, user.id)) {
        requireFreshMfa(token, SENSITIVE_CHANGE_MAX_AGE, portal.clock, 'change your password');
      }
      // Wrong current passwords count toward the account's sign-in lockout (B9), so a
      // stolen access token cannot be used to guess the password here instead.
      const subjects = [accountSubject(user.email)];
      const lock = await checkLock(portal, subjects);
      if (lock.locked) {
        const seconds = Math.max(1, Math.ceil(((lock.until ?? 0) - portal.clock()) / 1000));
        throw new ApiProblem(429, 'too_many_attempts', 'Too many attempts', {
          detail: `Too many wrong passwords. Wait ${Math.ceil(seconds / 60)} minute(s) and try again, or contact your administrator.`,
          headers: { 'Retry-After': String(seconds) },
        });
      }
      if (!(await verifyPassword(user.passwordHash, body.currentPassword))) {
        await recordFailure(portal, subjects);
        await portal.audit('account.password_change_failed', {
          userId: user.id,
          ip: request.ip,
          reason: 'wrong_current',
        });
        throw new ApiProblem(422, 'wrong_password', 'Current password is not correct', {
          detail: 'The current password is not correct. Type it again.',
          errors: { currentPassword: 'The current password is not correct.' },
        });
      }
      const violations = passwordViolations(body.newPassword, passwordPolicy(portal.config), {
        email: user.email,
      });
      if (violations.length > 0) {
        const sentences = violations.map((violation) => violation.message).join(' ');
        throw new ApiProblem(422, 'password_policy', 'Password does not meet the policy', {
          detail: `Choose another password: ${sentences}`.slice(0, 2000),
          // The joined sentences under the field, for clients that predate `violations`.
          errors: { newPassword: sentences.slice(0, 500) },
          // Each rule with its sentence: a launcher marks the rules in its own checklist, in its own
          // language, and lists the sentences as they are when they are in its language.
          violations,
        });
      }
      await portal.repos.users.setPasswordHash(user.id, await hashPassword(body.newPassword));
      await invalidateUserPasswordResets(portal.db, user.id, portal.clock());
      // B4: every other portal session ends, and every refresh token of the user dies
      // (this launcher's too: it signs in again on the session it keeps).
      await endUserSessions(portal, user.id, token.sessionId ? { except: token.sessionId } : {});
      await revokeUserGrants(portal, user.id);
      await portal.audit('account.password_changed', {
        userId: user.id,
        email: user.email,
        ip: request.ip,
        via: 'api',
      });
      return { status: 204 };
    },
  }),
];
