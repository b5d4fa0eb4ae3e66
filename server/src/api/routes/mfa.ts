/**
 * TOTP enrollment and recovery codes: `GET /me/mfa`, `POST /me/mfa/totp`,
 * `POST /me/mfa/totp/confirm`, `POST /me/mfa/recovery-codes`,
 * `DELETE /me/mfa/totp`.
 *
 * B11: a new secret stays inactive until a code from it confirms it;
 * replacing or removing an active authenticator, and new recovery codes, need
 * a fresh second factor.
 */
import { SENSITIVE_CHANGE_MAX_AGE } from '../../../../contract/constants.ts';
import {
  mfaStatusSchema,
  recoveryCodesSchema,
  totpConfirmSchema,
  totpEnrollmentSchema,
} from '../../../../contract/schemas.ts';
import { mustHaveMfa } from '../../services/accounts.ts';
import { hasPasskey, hasSecondFactor } from '../../services/passkeys.ts';
import {
  confirmTotpEnrollment,
  hasActiveTotp,
  MfaError,
  regenerateRecoveryCodes,
  removeTotp,
  startTotpEnrollment,
  totpStatus,
} from '../../services/totp.ts';
import { requireFreshMfa } from '../auth.ts';
import { ApiProblem } from '../problem.ts';
import { defineRoute } from '../route.ts';

/** Maps the TOTP service's expected failures to problems. */
function mfaProblem(error: MfaError): ApiProblem {
  switch (error.code) {
    case 'invalid_code':
      return new ApiProblem(422, 'invalid_code', 'Code not accepted', {
        detail: error.message,
        errors: { code: error.message },
      });
    case 'no_pending_enrollment':
      return new ApiProblem(409, 'totp_not_pending', 'No authenticator setup in progress', {
        detail: error.message,
      });
    case 'totp_already_enabled':
      return new ApiProblem(409, 'totp_already_enabled', 'Authenticator already set up', {
        detail: error.message,
      });
    case 'totp_not_enabled':
      return new ApiProblem(409, 'totp_not_enabled', 'No authenticator set up', { detail: error.message });
  }
}

function rethrowMfa(error: unknown): never {
  throw error instanceof MfaError ? mfaProblem(error) : error;
}

/**
 * TOTP and recovery-code routes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6238 RFC 6238 (TOTP)
 */
export const mfaRoutes = [
  defineRoute({
    method: 'GET',
    path: '/me/mfa',
    auth: true,
    response: mfaStatusSchema,
    handler: async ({ portal, user }) => ({ body: await totpStatus(portal, user.id) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/me/mfa/totp',
    auth: true,
    response: totpEnrollmentSchema,
    handler: async ({ portal, user, token }) => {
      if (await hasSecondFactor(portal, user.id)) {
        // Step-up first, so a stale token learns nothing beyond "verify it is you".
        requireFreshMfa(token, SENSITIVE_CHANGE_MAX_AGE, portal.clock, 'set up a new authenticator app');
      }
      try {
        return { status: 201, body: await startTotpEnrollment(portal, user.id) };
      } catch (error) {
        rethrowMfa(error);
      }
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/me/mfa/totp/confirm',
    auth: true,
    body: totpConfirmSchema,
    response: recoveryCodesSchema,
    handler: async ({ portal, user, body }) => {
      const result = await confirmTotpEnrollment(portal, user.id, body.code);
      if (result instanceof MfaError) throw mfaProblem(result);
      return { body: result };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/me/mfa/recovery-codes',
    auth: true,
    response: recoveryCodesSchema,
    handler: async ({ portal, user, token }) => {
      if (!(await hasActiveTotp(portal, user.id))) {
        throw mfaProblem(
          new MfaError('totp_not_enabled', 'Set up an authenticator app before creating recovery codes.'),
        );
      }
      requireFreshMfa(token, SENSITIVE_CHANGE_MAX_AGE, portal.clock, 'create new recovery codes');
      try {
        return { body: await regenerateRecoveryCodes(portal, user.id) };
      } catch (error) {
        rethrowMfa(error);
      }
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/me/mfa/totp',
    auth: true,
    handler: async ({ portal, user, token }) => {
      const credential = await portal.repos.mfa.getTotp(user.id);
      if (!credential) {
        throw mfaProblem(
          new MfaError('totp_not_enabled', 'No authenticator app is set up, so there is nothing to remove.'),
        );
      }
      // Cancelling a pending (inactive) setup weakens nothing; removing an active factor does.
      if (credential.confirmedAt !== null) {
        requireFreshMfa(token, SENSITIVE_CHANGE_MAX_AGE, portal.clock, 'remove your authenticator app');
        if (mustHaveMfa(portal, user) && !(await hasPasskey(portal, user.id))) {
          throw new ApiProblem(409, 'last_factor', 'Last second factor', {
            detail:
              'Your account must have a second factor. Add a passkey before removing the authenticator app.',
          });
        }
      }
      await removeTotp(portal, user.id);
      return { status: 204 };
    },
  }),
];
