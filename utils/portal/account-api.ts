/**
 * Typed calls for the portal's account endpoints (DESIGN.md "Portal API"),
 * over the request machinery of `api-client.ts`.
 *
 * Contract: every function delegates to the {@link PortalRequest} it is given
 * (the background passes the API client's `request`, which handles refresh
 * and one retry (C4), timeouts (C3), problem+json and RFC 9470 challenges →
 * `StepUpRequiredError`). Bodies are validated with the shared schemas on the
 * way in and out (C8). This module holds no state and sees no token.
 */
import * as z from 'zod/mini';
import { lazy } from '../../contract/lazy.ts';
import {
  type Download,
  downloadsResponseSchema,
  type Me,
  type MePatch,
  type MfaStatus,
  mePatchSchema,
  meSchema,
  mfaStatusSchema,
  type Passkey,
  type PasskeyRegistration,
  type PasskeysResponse,
  type PasswordChange,
  type PasswordPolicy,
  type PortalSession,
  passkeyRegistrationSchema,
  passkeyRenameSchema,
  passkeySchema,
  passkeysResponseSchema,
  passwordChangeSchema,
  passwordPolicyResponseSchema,
  passwordResetAcceptedSchema,
  passwordResetRequestSchema,
  type RecoveryCodes,
  recoveryCodesSchema,
  type SshKey,
  type SshKeyCreate,
  sessionsResponseSchema,
  sshKeyCreateSchema,
  sshKeySchema,
  sshKeysResponseSchema,
  type TotpEnrollment,
  totpConfirmSchema,
  totpEnrollmentSchema,
} from '../../contract/schemas.ts';

/**
 * One portal API request: method, path below `/api/v1`, the schema of the
 * answer, and an optional JSON body. A `204 No Content` answer is validated
 * as `undefined` ({@link noContentSchema}).
 */
export type PortalRequest = <T>(
  method: string,
  path: string,
  schema: z.core.$ZodType<T>,
  body?: unknown,
) => Promise<T>;

/** The schema of an answer without a body (`204`). */
export const noContentSchema = lazy(() => z.undefined());

/**
 * Creates the account API for one request function.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 step-up challenges surface as `StepUpRequiredError`
 * @see https://www.rfc-editor.org/rfc/rfc9457 problem details surface as `PortalApiError`
 */
export function createAccountApi(request: PortalRequest) {
  return {
    /** `GET /me` */
    getMe(): Promise<Me> {
      return request('GET', '/me', meSchema);
    },
    /** `PATCH /me`: 403 `locked_field`, 422 `validation_failed` with field errors. */
    async updateMe(patch: MePatch): Promise<Me> {
      return request('PATCH', '/me', meSchema, mePatchSchema.parse(patch));
    },
    /** `GET /password-policy` */
    getPasswordPolicy(): Promise<PasswordPolicy> {
      return request('GET', '/password-policy', passwordPolicyResponseSchema);
    },
    /** `POST /me/password` (step-up, B11): 422 `wrong_password` or `password_policy`. */
    async changePassword(change: PasswordChange): Promise<void> {
      await request('POST', '/me/password', noContentSchema, passwordChangeSchema.parse(change));
    },
    /** `POST /password-reset`: always 202 with the same message (B18). */
    async requestPasswordReset(email: string): Promise<string> {
      const body = passwordResetRequestSchema.parse({ email });
      return (await request('POST', '/password-reset', passwordResetAcceptedSchema, body)).message;
    },
    /** `GET /me/mfa` */
    getMfa(): Promise<MfaStatus> {
      return request('GET', '/me/mfa', mfaStatusSchema);
    },
    /** `POST /me/mfa/totp`: a new secret, inactive until confirmed (B11). */
    startTotpEnrollment(): Promise<TotpEnrollment> {
      return request('POST', '/me/mfa/totp', totpEnrollmentSchema, {});
    },
    /** `POST /me/mfa/totp/confirm`: 422 `invalid_code`; the ten recovery codes on success. */
    async confirmTotpEnrollment(code: string): Promise<RecoveryCodes> {
      return request('POST', '/me/mfa/totp/confirm', recoveryCodesSchema, totpConfirmSchema.parse({ code }));
    },
    /** `POST /me/mfa/recovery-codes` (step-up): replaces every recovery code. */
    regenerateRecoveryCodes(): Promise<RecoveryCodes> {
      return request('POST', '/me/mfa/recovery-codes', recoveryCodesSchema, {});
    },
    /** `DELETE /me/mfa/totp` (step-up when the authenticator is active). */
    async removeTotp(): Promise<void> {
      await request('DELETE', '/me/mfa/totp', noContentSchema);
    },
    /** `GET /me/passkeys`: the passkeys, whether the portal allows them, and the limit. */
    listPasskeys(): Promise<PasskeysResponse> {
      return request('GET', '/me/passkeys', passkeysResponseSchema);
    },
    /** `POST /me/passkeys/registrations` (step-up): the single-use portal page that creates one. */
    startPasskeyRegistration(): Promise<PasskeyRegistration> {
      return request('POST', '/me/passkeys/registrations', passkeyRegistrationSchema, {});
    },
    /** `PATCH /me/passkeys/{id}` */
    renamePasskey(id: string, name: string): Promise<Passkey> {
      return request(
        'PATCH',
        `/me/passkeys/${encodeURIComponent(id)}`,
        passkeySchema,
        passkeyRenameSchema.parse({ name }),
      );
    },
    /** `DELETE /me/passkeys/{id}` (step-up; 409 `last_factor`). */
    async deletePasskey(id: string): Promise<void> {
      await request('DELETE', `/me/passkeys/${encodeURIComponent(id)}`, noContentSchema);
    },
    /** `GET /me/ssh-keys` */
    async listSshKeys(): Promise<SshKey[]> {
      return (await request('GET', '/me/ssh-keys', sshKeysResponseSchema)).keys;
    },
    /** `POST /me/ssh-keys`: 422 `ssh_key_*`, 409 `ssh_key_duplicate` (B16). */
    async addSshKey(key: SshKeyCreate): Promise<SshKey> {
      return request('POST', '/me/ssh-keys', sshKeySchema, sshKeyCreateSchema.parse(key));
    },
    /** `DELETE /me/ssh-keys/{id}` */
    async deleteSshKey(id: string): Promise<void> {
      await request('DELETE', `/me/ssh-keys/${encodeURIComponent(id)}`, noContentSchema);
    },
    /** `GET /me/sessions` */
    async listSessions(): Promise<PortalSession[]> {
      return (await request('GET', '/me/sessions', sessionsResponseSchema)).sessions;
    },
    /** `DELETE /me/sessions/{id}`: 404 when it already ended. */
    async endSession(id: string): Promise<void> {
      await request('DELETE', `/me/sessions/${encodeURIComponent(id)}`, noContentSchema);
    },
    /** `DELETE /me/sessions?others=true`: every session but the one the token came from. */
    async endOtherSessions(): Promise<void> {
      await request('DELETE', '/me/sessions?others=true', noContentSchema);
    },
    /** `GET /downloads` */
    async listDownloads(): Promise<Download[]> {
      return (await request('GET', '/downloads', downloadsResponseSchema)).downloads;
    },
  };
}

export type AccountApi = ReturnType<typeof createAccountApi>;
