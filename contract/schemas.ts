/**
 * The portal API's bodies (`/api/v1`, DESIGN.md "Portal API"), described once
 * and imported by both the reference portal (to validate requests and shape
 * responses) and the extension (to validate what the portal sends, C8).
 *
 * Schemas are strict about shape and bounded in size, so a malformed or
 * oversized body is a clear validation error, never a crash.
 */
import * as z from 'zod/mini';
import { isNetworkUrl } from './addresses.ts';
import {
  MAX_PASSKEYS_PER_USER,
  MAX_SESSIONS_PER_USER,
  MAX_SSH_KEYS_PER_USER,
  RECOVERY_CODE_COUNT,
} from './constants.ts';
import { lazy } from './lazy.ts';
import type { ProblemCode } from './problems.ts';

const shortText = lazy(() => z.string().check(z.maxLength(200)));
const id = lazy(() => z.string().check(z.minLength(1), z.maxLength(100)));
const isoDate = lazy(() => z.iso.datetime({ offset: true }));
/** A web address a tab may open (./addresses.ts), or null (also when absent); built where used. */
const networkUrlOrNull = (message: string) =>
  z._default(z.nullable(z.string().check(z.maxLength(2048), z.refine(isNetworkUrl, message))), null);

// ---------------------------------------------------------------- errors

/** The password-policy rules a portal names in a `password_policy` problem's `rules` and `violations`. */
export const PASSWORD_RULES = ['min_length', 'max_length', 'common', 'email'] as const;
export type PasswordRule = (typeof PASSWORD_RULES)[number];

/**
 * One broken password rule in a `password_policy` problem: which rule
 * ({@link PASSWORD_RULES}; a newer portal may name others) and the portal's
 * sentence about it, so a client lists the sentences as they are and never
 * splits a joined text.
 */
export const passwordViolationSchema = lazy(() =>
  z.object({
    rule: z.string().check(z.maxLength(40)),
    message: z.string().check(z.maxLength(500)),
  }),
);
export type PasswordViolation = z.infer<typeof passwordViolationSchema>;

/**
 * RFC 9457 problem details, with field errors for 422 answers.
 *
 * `code` is one of `PROBLEM_CODES` (./problems.ts) from the reference portal; another
 * portal may send any other short code, which a client keeps as-is (its
 * words are the portal's) rather than refusing the whole problem.
 */
export const problemSchema = lazy(() =>
  z.object({
    type: z._default(z.string().check(z.maxLength(500)), 'about:blank'),
    title: z.string().check(z.maxLength(500)),
    status: z.int().check(z.gte(100), z.lte(599)),
    detail: z.optional(z.string().check(z.maxLength(2000))),
    instance: z.optional(z.string().check(z.maxLength(500))),
    /** Machine-readable code the UI branches on ({@link ProblemCode}, or another portal's own). */
    code: z.optional(z.string().check(z.maxLength(100)) as z.ZodMiniType<ProblemCode | (string & {})>),
    /** Field name → message, for validation failures. */
    errors: z.optional(z.record(z.string().check(z.maxLength(100)), z.string().check(z.maxLength(500)))),
    /**
     * RFC 9457 §3.2 extension member of `password_policy` problems: the rules the
     * new password breaks ({@link PASSWORD_RULES}; a newer portal may name others).
     */
    // Lenient: a portal that sends something else here loses only this member, never the problem.
    rules: z.catch(z.optional(z.array(z.string().check(z.maxLength(40))).check(z.maxLength(10))), undefined),
    /**
     * Extension member of `password_policy` problems: each broken rule with its
     * sentence, in the problem's language (absent from older portals, whose
     * clients show `errors.newPassword` instead).
     */
    violations: z.catch(z.optional(z.array(passwordViolationSchema).check(z.maxLength(10))), undefined),
  }),
);
export type Problem = z.infer<typeof problemSchema>;

// ---------------------------------------------------------------- profile

export const profileFieldNames = [
  'email',
  'displayName',
  'firstName',
  'lastName',
  'phone',
  'location',
  'jobTitle',
  'department',
  'manager',
  'employeeId',
  'costCenter',
  'startDate',
] as const;
export const profileFieldNameSchema = lazy(() => z.enum(profileFieldNames));
export type ProfileFieldName = z.infer<typeof profileFieldNameSchema>;

export const profileFieldSchema = lazy(() =>
  z.object({
    name: profileFieldNameSchema,
    label: shortText,
    value: z.nullable(z.string().check(z.maxLength(500))),
    editable: z.boolean(),
    /** Why the field is read-only, when it is ("Your administrator manages this field"). */
    lockedReason: z.optional(shortText),
  }),
);
export type ProfileField = z.infer<typeof profileFieldSchema>;

export const profileSectionSchema = lazy(() =>
  z.object({
    id: z.enum(['details', 'personal', 'employment']),
    title: shortText,
    fields: z.array(profileFieldSchema).check(z.maxLength(50)),
  }),
);

/** `GET /me` */
export const meSchema = lazy(() =>
  z.object({
    id,
    email: z.email().check(z.maxLength(254)),
    displayName: shortText,
    initials: z.string().check(z.maxLength(4)),
    jobTitle: z.nullable(shortText),
    photoUrl: z.nullable(z.url().check(z.maxLength(2000))),
    mfa: z.object({ totp: z.boolean() }),
    sections: z.array(profileSectionSchema).check(z.maxLength(10)),
  }),
);
export type Me = z.infer<typeof meSchema>;

/** `PATCH /me`: only the fields being changed; `null` clears a field. */
export const mePatchSchema = lazy(() =>
  z
    .partialRecord(profileFieldNameSchema, z.nullable(z.string().check(z.trim(), z.maxLength(500))))
    .check(z.refine((patch) => Object.keys(patch).length > 0, 'Nothing to update.')),
);
export type MePatch = z.infer<typeof mePatchSchema>;

// ---------------------------------------------------------------- apps

/**
 * An app's id: a short identifier that the popup sends to launch it (A9: an
 * id, never a URL). The same rule for the portal's catalog, policy-defined
 * apps, pinned apps, favorites and messages, so any app that can be listed
 * can be launched.
 */
export const appIdSchema = lazy(() =>
  z
    .string()
    .check(
      z.minLength(1, 'An app id must not be empty.'),
      z.maxLength(100, 'An app id must be at most 100 characters.'),
      z.regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
        'An app id is a short identifier (letters, digits, ".", "_" and "-", starting with a letter or digit), not a URL.',
      ),
    ),
);

/**
 * How an app opens: `oidc` (a launch ticket to its OpenID Connect login),
 * `saml` (a launch ticket to a signed SAML Response posted to its ACS), or
 * `bookmark` (a plain link, opened as it is, no token involved).
 */
export const APP_KINDS = ['oidc', 'saml', 'bookmark'] as const;
export type AppKind = (typeof APP_KINDS)[number];

export const appSchema = lazy(() =>
  z.object({
    id: appIdSchema,
    /** Absent in catalogs of older portals and caches: `oidc`. */
    kind: z._default(z.enum(APP_KINDS), 'oidc'),
    name: shortText.check(z.minLength(1)),
    description: z.nullable(z.string().check(z.maxLength(1000))),
    /** `https:` or `data:image/...` URL, or null for the generated initials tile. */
    iconUrl: z.nullable(z.string().check(z.maxLength(100_000))),
    category: z.nullable(shortText),
    requiresMfa: z.boolean(),
    /** How recent the second factor must be for this app, when `requiresMfa`. */
    mfaMaxAgeSeconds: z.nullable(z.int().check(z.gte(0), z.lte(86_400))),
    /**
     * A page the admin attached with more about the app (how to get access,
     * who owns it), shown as a "Details" link. `https:` (loopback `http:` in
     * development). Absent in catalogs cached by older versions: null.
     */
    detailsUrl: networkUrlOrNull('A details link must be an https:// address.'),
    /** Where a `bookmark` opens (https, or loopback http in development); null for other kinds. */
    url: networkUrlOrNull('A bookmark must be an https:// address.'),
  }),
);
export type PortalApp = z.infer<typeof appSchema>;

/** `GET /me/apps` (with an `ETag`). */
export const appsResponseSchema = lazy(() =>
  z.object({ apps: z.array(appSchema).check(z.maxLength(10_000)) }),
);
export type AppsResponse = z.infer<typeof appsResponseSchema>;
/** `GET /me/apps` as a client first reads it: the envelope only, each entry checked on its own (C8). */
export const lenientAppsResponseSchema = lazy(() =>
  z.object({ apps: z.array(z.unknown()).check(z.maxLength(10_000)) }),
);

/** `POST /apps/{id}/launch` */
export const launchResponseSchema = lazy(() =>
  z.object({
    url: z.url().check(z.maxLength(4000)),
    expiresAt: isoDate,
  }),
);
export type LaunchResponse = z.infer<typeof launchResponseSchema>;

// ---------------------------------------------------------------- password

/** The password policy, exposed so a UI can show it as a checklist (B10). */
export const passwordPolicySchema = lazy(() =>
  z.object({
    minLength: z.int().check(z.gte(8)),
    maxLength: z.int().check(z.gte(64)),
    checksCommonPasswords: z.boolean(),
  }),
);
export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;

/** `POST /me/password` */
export const passwordChangeSchema = lazy(() =>
  z.object({
    currentPassword: z.string().check(z.minLength(1), z.maxLength(1024)),
    newPassword: z.string().check(z.minLength(1), z.maxLength(1024)),
  }),
);
export type PasswordChange = z.infer<typeof passwordChangeSchema>;

/** `POST /password-reset` (unauthenticated; always 202). */
export const passwordResetRequestSchema = lazy(() =>
  z.object({ email: z.string().check(z.trim(), z.maxLength(254)) }),
);
/** `POST /password-reset` answer: the same 202 body whether or not the address is known (B18). */
export const passwordResetAcceptedSchema = lazy(() =>
  z.object({ message: z.string().check(z.maxLength(500)) }),
);

// ---------------------------------------------------------------- MFA

/** `GET /me/mfa` */
export const mfaStatusSchema = lazy(() =>
  z.object({
    totp: z.object({
      enabled: z.boolean(),
      /** An enrollment started but not confirmed yet is inactive (B11). */
      pending: z.boolean(),
      enrolledAt: z.nullable(isoDate),
    }),
    recoveryCodesRemaining: z.int().check(z.gte(0)),
  }),
);
export type MfaStatus = z.infer<typeof mfaStatusSchema>;

/** `POST /me/mfa/totp`: a new, unconfirmed secret. */
export const totpEnrollmentSchema = lazy(() =>
  z.object({
    otpauthUri: z.string().check(z.startsWith('otpauth://totp/'), z.maxLength(2000)),
    secret: z.string().check(z.regex(/^[A-Z2-7]+=*$/), z.maxLength(200)),
  }),
);
export type TotpEnrollment = z.infer<typeof totpEnrollmentSchema>;

/** `POST /me/mfa/totp/confirm` */
export const totpConfirmSchema = lazy(() =>
  z.object({ code: z.string().check(z.regex(/^\d{6}$/, 'Enter the 6-digit code.')) }),
);
export const recoveryCodesSchema = lazy(() =>
  z.object({
    recoveryCodes: z.array(z.string().check(z.maxLength(40))).check(z.length(RECOVERY_CODE_COUNT)),
  }),
);
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;

// ---------------------------------------------------------------- SSH keys

export const sshKeySchema = lazy(() =>
  z.object({
    id,
    name: shortText,
    type: z.enum(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ssh-rsa']),
    bits: z.int().check(z.positive()),
    /** `SHA256:` + unpadded base64, as `ssh-keygen -l` prints it. */
    fingerprint: z.string().check(z.startsWith('SHA256:'), z.maxLength(100)),
    createdAt: isoDate,
  }),
);
export type SshKey = z.infer<typeof sshKeySchema>;
export const sshKeysResponseSchema = lazy(() =>
  z.object({ keys: z.array(sshKeySchema).check(z.maxLength(MAX_SSH_KEYS_PER_USER)) }),
);

/** `POST /me/ssh-keys` */
export const sshKeyCreateSchema = lazy(() =>
  z.object({
    name: z.string().check(z.trim(), z.minLength(1, 'Give the key a name.'), z.maxLength(100)),
    publicKey: z.string().check(z.trim(), z.minLength(1, 'Paste a public key.'), z.maxLength(20_000)),
  }),
);
export type SshKeyCreate = z.infer<typeof sshKeyCreateSchema>;

// ---------------------------------------------------------------- passkeys

/** A passkey or security key (WebAuthn credential) as `GET /me/passkeys` lists it. */
export const passkeySchema = lazy(() =>
  z.object({
    /** The credential id, base64url (up to 1023 bytes). */
    id: z.string().check(z.regex(/^[A-Za-z0-9_-]+$/), z.maxLength(1400)),
    name: shortText,
    /** Built into the device (`platform`), a security key or phone (`roaming`), or not reported. */
    kind: z.nullable(z.enum(['platform', 'roaming'])),
    /** The authenticator may sync it to the user's other devices (backup eligible). */
    syncable: z.boolean(),
    /** It is synced (backed up) now. */
    synced: z.boolean(),
    createdAt: isoDate,
    lastUsedAt: z.nullable(isoDate),
  }),
);
export type Passkey = z.infer<typeof passkeySchema>;
export const passkeysResponseSchema = lazy(() =>
  z.object({
    passkeys: z.array(passkeySchema).check(z.maxLength(MAX_PASSKEYS_PER_USER)),
    /** Whether the portal allows passkeys (the admin's `PORTAL_MFA_FACTORS`). */
    allowed: z.boolean(),
    limit: z.int().check(z.positive()),
  }),
);
export type PasskeysResponse = z.infer<typeof passkeysResponseSchema>;
/** `PATCH /me/passkeys/{id}` */
export const passkeyRenameSchema = lazy(() =>
  z.object({
    name: z
      .string()
      .check(
        z.trim(),
        z.minLength(1, 'Give the passkey a name.'),
        z.maxLength(64, 'Use at most 64 characters.'),
      ),
  }),
);
/** `POST /me/passkeys/registrations`: the single-use page (≤ 60 s) where the browser creates it. */
export const passkeyRegistrationSchema = lazy(() =>
  z.object({ url: z.url().check(z.maxLength(2000)), expiresAt: isoDate }),
);
export type PasskeyRegistration = z.infer<typeof passkeyRegistrationSchema>;

// ---------------------------------------------------------------- sessions

export const sessionSchema = lazy(() =>
  z.object({
    id,
    /** Browser and short version, e.g. "Chrome 156"; null when the portal could not tell. */
    browser: z.nullable(shortText),
    /** Operating system, e.g. "Windows 10"; null when unknown (and from portals that do not send it). */
    os: z._default(z.nullable(shortText), null),
    ipAddress: z.nullable(z.string().check(z.maxLength(100))),
    createdAt: isoDate,
    lastSeenAt: isoDate,
    /** The session the request came from. */
    current: z.boolean(),
  }),
);
export type PortalSession = z.infer<typeof sessionSchema>;
export const sessionsResponseSchema = lazy(() =>
  z.object({
    sessions: z.array(sessionSchema).check(z.maxLength(MAX_SESSIONS_PER_USER)),
  }),
);

// ---------------------------------------------------------------- downloads

export const downloadSchema = lazy(() =>
  z.object({
    id,
    name: shortText,
    os: z.enum(['windows', 'macos', 'linux']),
    arch: z.enum(['x64', 'arm64', 'universal']),
    version: z.string().check(z.maxLength(50)),
    url: z.url().check(z.maxLength(2000)),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    sizeBytes: z.int().check(z.nonnegative()),
  }),
);
export type Download = z.infer<typeof downloadSchema>;
export const downloadsResponseSchema = lazy(() =>
  z.object({ downloads: z.array(downloadSchema).check(z.maxLength(100)) }),
);

/** `GET /password-policy` (unauthenticated), also embedded in the reset page. */
export const passwordPolicyResponseSchema = passwordPolicySchema;
