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
import { z } from 'zod';
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

const empty = lazy(() => z.object({}).strict());
const opaqueId = lazy(() => z.string().min(1).max(100));
/** A WebAuthn credential id (base64url of up to 1023 bytes). */
const passkeyId = lazy(() => passkeySchema.shape.id);

/** An expected failure, as it crosses the message channel. */
export const accountProblemSchema = lazy(() =>
  z.object({
    code: z.string().max(100) as z.ZodType<AccountProblemCode>,
    message: z.string().max(2000),
    fields: z.record(z.string().max(100), z.string().max(500)).optional(),
    violations: z.array(z.string().max(500)).max(20).optional(),
    rules: z.array(z.string().max(40)).max(10).optional(),
    lang: languageTagSchema.optional(),
  }),
);

/** `{ ok: true, value } | { ok: false, problem }` for a change whose value is `value`. */
export function accountResultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), problem: accountProblemSchema }),
  ]);
}

const policyValueSchema = lazy(() =>
  z.object({
    key: z.string().max(100),
    /** JSON of the effective value, shortened for display. */
    value: z.string().max(2000),
    forced: z.boolean(),
  }),
);

/** What the Settings and About sections show. */
export const settingsViewSchema = lazy(() =>
  z.object({
    portalUrl: z.string().max(2048).nullable(),
    theme: z.enum(['system', 'light', 'dark']),
    language: z.string().max(35).nullable(),
    /** Keys the administrator's policy decides (shown locked). */
    forced: z.array(z.string().max(100)).max(50),
    /** Options sections to show, in order (policy `optionsSections`). */
    optionsSections: z.array(z.string().max(50)).max(20),
    brandName: z.string().max(200),
    /** Every effective setting, for "Policy in force". */
    policy: z.array(policyValueSchema).max(50),
    /**
     * The step-up assurance rule for the configured portal (policy
     * `stepUpAssurance`, else the strict default), for "Policy in force".
     */
    stepUpRule: z
      .object({
        acrValues: z.array(z.string().max(200)).max(10),
        requireSecondFactorAmr: z.boolean(),
        acceptAmrWithoutAcr: z.boolean(),
        /** True when the policy has an entry for this issuer. */
        fromPolicy: z.boolean(),
        maxAgeSeconds: z.number().int().nonnegative(),
      })
      .optional(),
    /** Values that were ignored, and why (A11). */
    problems: z
      .array(
        z.object({
          key: z.string().max(100).nullable(),
          source: z.enum(['managed', 'user']),
          message: z.string().max(1000),
        }),
      )
      .max(100),
  }),
);
export type SettingsView = z.infer<typeof settingsViewSchema>;

/** A change to the user's own settings; `null` resets one to its default. */
export const settingsPatchSchema = lazy(() =>
  z
    .object({
      portalUrl: z.string().trim().max(2048).nullable().optional(),
      theme: z.enum(['system', 'light', 'dark']).optional(),
      language: z.string().trim().max(35).nullable().optional(),
    })
    .strict(),
);

/** The account verbs, spread into `protocol` in utils/messaging.ts by the background wiring. */
export const accountProtocol = lazyEach({
  /** `GET /me`: the profile, section by section. */
  getProfile: () => ({ request: empty, response: meSchema }),
  /** `PATCH /me`. */
  updateProfile: () => ({
    request: z.object({ patch: mePatchSchema }).strict(),
    response: accountResultSchema(meSchema),
  }),
  /** `POST /me/password` (step-up, B11). */
  changePassword: () => ({ request: passwordChangeSchema.strict(), response: accountResultSchema(empty) }),
  /** `GET /password-policy`, for the live checklist (B10). */
  getPasswordPolicy: () => ({ request: empty, response: passwordPolicySchema }),
  /** `POST /password-reset`: the same answer whether or not the account exists (B18). */
  requestPasswordReset: () => ({
    request: passwordResetRequestSchema.strict(),
    response: accountResultSchema(passwordResetAcceptedSchema),
  }),
  /** `GET /me/mfa`. */
  getMfa: () => ({ request: empty, response: mfaStatusSchema }),
  /** `POST /me/mfa/totp`: a new, inactive secret (B11). */
  startTotpEnrollment: () => ({ request: empty, response: accountResultSchema(totpEnrollmentSchema) }),
  /** `POST /me/mfa/totp/confirm`: activates it; the recovery codes are shown once. */
  confirmTotpEnrollment: () => ({
    request: totpConfirmSchema.strict(),
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
    request: z.object({ id: passkeyId, name: passkeyRenameSchema.shape.name }).strict(),
    response: accountResultSchema(passkeySchema),
  }),
  /** `DELETE /me/passkeys/{id}` (step-up). */
  deletePasskey: () => ({
    request: z.object({ id: passkeyId }).strict(),
    response: accountResultSchema(empty),
  }),
  /** `GET /me/ssh-keys`. */
  listSshKeys: () => ({ request: empty, response: sshKeysResponseSchema }),
  /** `POST /me/ssh-keys` (recent sign-in or step-up, B11): a public key only (A13). */
  addSshKey: () => ({ request: sshKeyCreateSchema.strict(), response: accountResultSchema(sshKeySchema) }),
  /** `DELETE /me/ssh-keys/{id}` (recent sign-in or step-up). */
  deleteSshKey: () => ({
    request: z.object({ id: opaqueId }).strict(),
    response: accountResultSchema(empty),
  }),
  /** `GET /me/sessions`. */
  listSessions: () => ({ request: empty, response: sessionsResponseSchema }),
  /** `DELETE /me/sessions/{id}`. */
  endSession: () => ({ request: z.object({ id: opaqueId }).strict(), response: accountResultSchema(empty) }),
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
