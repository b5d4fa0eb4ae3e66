/**
 * The security centre's messages (options page → background), in the exact
 * style of `protocol` in utils/messaging.ts: verb → zod request and response.
 * The background spreads {@link accountProtocol} into that protocol, so the
 * same envelope, sender check (A6) and validation apply.
 *
 * Contract:
 * - Reads answer the portal's body, or fail with an `AccountError` code.
 * - Changes answer an {@link AccountResult}: the new value, or an expected
 *   problem with its field errors (the message channel would drop those from
 *   a thrown error).
 * - No schema has a field for a token (A5), and none for a private key: the
 *   options page keeps generated private keys to itself (A13).
 */
import * as z from 'zod/mini';
import { lazy, lazyEach } from '../../contract/lazy.ts';
import {
  downloadsResponseSchema,
  mePatchSchema,
  meSchema,
  mfaStatusSchema,
  passkeyRegistrationSchema,
  passkeyRenameSchema,
  passkeySchema,
  passkeysResponseSchema,
  passwordChangeSchema,
  passwordPolicySchema,
  passwordResetAcceptedSchema,
  passwordResetRequestSchema,
  recoveryCodesSchema,
  sessionsResponseSchema,
  sshKeyCreateSchema,
  sshKeySchema,
  sshKeysResponseSchema,
  totpConfirmSchema,
  totpEnrollmentSchema,
} from '../../contract/schemas.ts';
import { languageTagSchema } from '../portal/language.ts';
import type { AccountProblemCode } from './errors.ts';

const empty = lazy(() => z.strictObject({}));
const opaqueId = lazy(() => z.string().check(z.minLength(1), z.maxLength(100)));
/** A WebAuthn credential id (base64url of up to 1023 bytes). */
const passkeyId = lazy(() => passkeySchema.shape.id);

/** An expected failure, as it crosses the message channel. */
export const accountProblemSchema = lazy(() =>
  z.object({
    code: z.string().check(z.maxLength(100)) as z.ZodMiniType<AccountProblemCode>,
    message: z.string().check(z.maxLength(2000)),
    fields: z.optional(z.record(z.string().check(z.maxLength(100)), z.string().check(z.maxLength(500)))),
    violations: z.optional(z.array(z.string().check(z.maxLength(500))).check(z.maxLength(20))),
    rules: z.optional(z.array(z.string().check(z.maxLength(40))).check(z.maxLength(10))),
    lang: z.optional(languageTagSchema),
  }),
);

/** `{ ok: true, value } | { ok: false, problem }` for a change whose value is `value`. */
export function accountResultSchema<T extends z.core.$ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), problem: accountProblemSchema }),
  ]);
}

const policyValueSchema = lazy(() =>
  z.object({
    key: z.string().check(z.maxLength(100)),
    /** JSON of the effective value, shortened for display. */
    value: z.string().check(z.maxLength(2000)),
    forced: z.boolean(),
  }),
);

/** What the Settings and About sections show. */
export const settingsViewSchema = lazy(() =>
  z.object({
    portalUrl: z.nullable(z.string().check(z.maxLength(2048))),
    theme: z.enum(['system', 'light', 'dark']),
    language: z.nullable(z.string().check(z.maxLength(35))),
    /** Keys the administrator's policy decides (shown locked). */
    forced: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(50)),
    /** Options sections to show, in order (policy `optionsSections`). */
    optionsSections: z.array(z.string().check(z.maxLength(50))).check(z.maxLength(20)),
    brandName: z.string().check(z.maxLength(200)),
    /** Every effective setting, for "Policy in force". */
    policy: z.array(policyValueSchema).check(z.maxLength(50)),
    /**
     * The step-up assurance rule for the configured portal (policy
     * `stepUpAssurance`, else the strict default), for "Policy in force".
     */
    stepUpRule: z.optional(
      z.object({
        acrValues: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(10)),
        requireSecondFactorAmr: z.boolean(),
        acceptAmrWithoutAcr: z.boolean(),
        /** True when the policy has an entry for this issuer. */
        fromPolicy: z.boolean(),
        maxAgeSeconds: z.int().check(z.nonnegative()),
      }),
    ),
    /** Values that were ignored, and why (A11). */
    problems: z
      .array(
        z.object({
          key: z.nullable(z.string().check(z.maxLength(100))),
          source: z.enum(['managed', 'user']),
          message: z.string().check(z.maxLength(1000)),
        }),
      )
      .check(z.maxLength(100)),
  }),
);
export type SettingsView = z.infer<typeof settingsViewSchema>;

/** A change to the user's own settings; `null` resets one to its default. */
export const settingsPatchSchema = lazy(() =>
  z.strictObject({
    portalUrl: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(2048)))),
    theme: z.optional(z.enum(['system', 'light', 'dark'])),
    language: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(35)))),
  }),
);

/** The account verbs, spread into `protocol` in utils/messaging.ts by the background wiring. */
export const accountProtocol = lazyEach({
  /** `GET /me`: the profile, section by section. */
  getProfile: () => ({ request: empty, response: meSchema }),
  /** `PATCH /me`. */
  updateProfile: () => ({
    request: z.strictObject({ patch: mePatchSchema }),
    response: accountResultSchema(meSchema),
  }),
  /** `POST /me/password` (step-up, B11). */
  changePassword: () => ({
    request: z.strictObject(passwordChangeSchema.shape),
    response: accountResultSchema(empty),
  }),
  /** `GET /password-policy`, for the live checklist (B10). */
  getPasswordPolicy: () => ({ request: empty, response: passwordPolicySchema }),
  /** `POST /password-reset`: the same answer whether or not the account exists (B18). */
  requestPasswordReset: () => ({
    request: z.strictObject(passwordResetRequestSchema.shape),
    response: accountResultSchema(passwordResetAcceptedSchema),
  }),
  /** `GET /me/mfa`. */
  getMfa: () => ({ request: empty, response: mfaStatusSchema }),
  /** `POST /me/mfa/totp`: a new, inactive secret (B11). */
  startTotpEnrollment: () => ({ request: empty, response: accountResultSchema(totpEnrollmentSchema) }),
  /** `POST /me/mfa/totp/confirm`: activates it; the recovery codes are shown once. */
  confirmTotpEnrollment: () => ({
    request: z.strictObject(totpConfirmSchema.shape),
    response: accountResultSchema(recoveryCodesSchema),
  }),
  /** `POST /me/mfa/recovery-codes` (step-up). */
  regenerateRecoveryCodes: () => ({ request: empty, response: accountResultSchema(recoveryCodesSchema) }),
  /** `DELETE /me/mfa/totp` (step-up when active). */
  removeTotp: () => ({ request: empty, response: accountResultSchema(empty) }),
  /** `GET /me/passkeys`. */
  listPasskeys: () => ({ request: empty, response: passkeysResponseSchema }),
  /** `POST /me/passkeys/registrations` (step-up): the portal page (same origin as the portal) to open. */
  startPasskeyRegistration: () => ({
    request: empty,
    response: accountResultSchema(passkeyRegistrationSchema),
  }),
  /** `PATCH /me/passkeys/{id}`. */
  renamePasskey: () => ({
    request: z.strictObject({ id: passkeyId, name: passkeyRenameSchema.shape.name }),
    response: accountResultSchema(passkeySchema),
  }),
  /** `DELETE /me/passkeys/{id}` (step-up). */
  deletePasskey: () => ({
    request: z.strictObject({ id: passkeyId }),
    response: accountResultSchema(empty),
  }),
  /** `GET /me/ssh-keys`. */
  listSshKeys: () => ({ request: empty, response: sshKeysResponseSchema }),
  /** `POST /me/ssh-keys` (recent sign-in or step-up, B11): a public key only (A13). */
  addSshKey: () => ({
    request: z.strictObject(sshKeyCreateSchema.shape),
    response: accountResultSchema(sshKeySchema),
  }),
  /** `DELETE /me/ssh-keys/{id}` (recent sign-in or step-up). */
  deleteSshKey: () => ({
    request: z.strictObject({ id: opaqueId }),
    response: accountResultSchema(empty),
  }),
  /** `GET /me/sessions`. */
  listSessions: () => ({ request: empty, response: sessionsResponseSchema }),
  /** `DELETE /me/sessions/{id}`. */
  endSession: () => ({ request: z.strictObject({ id: opaqueId }), response: accountResultSchema(empty) }),
  /** `DELETE /me/sessions?others=true` (after a factor change, B11). */
  endOtherSessions: () => ({ request: empty, response: accountResultSchema(empty) }),
  /** `GET /downloads`. */
  listDownloads: () => ({ request: empty, response: downloadsResponseSchema }),
  /** Effective settings, forced keys and policy problems (utils/policy). */
  getSettings: () => ({ request: empty, response: settingsViewSchema }),
  /** Saves the user's settings; forced keys are refused. */
  saveSettings: () => ({ request: settingsPatchSchema, response: accountResultSchema(settingsViewSchema) }),
});

export type AccountProtocol = typeof accountProtocol;
export type AccountVerb = keyof AccountProtocol;
export type AccountRequest<N extends AccountVerb> = z.output<AccountProtocol[N]['request']>;
export type AccountResponse<N extends AccountVerb> = z.output<AccountProtocol[N]['response']>;
