/**
 * The portal API's bodies (`/api/v1`, DESIGN.md "Portal API"), described once
 * and imported by both the reference portal (to validate requests and shape
 * responses) and the extension (to validate what the portal sends, C8).
 *
 * Schemas are strict about shape and bounded in size, so a malformed or
 * oversized body is a clear validation error, never a crash.
 */
import { z } from 'zod';
import { isNetworkUrl } from './addresses.ts';
import {
  MAX_PASSKEYS_PER_USER,
  MAX_SESSIONS_PER_USER,
  MAX_SSH_KEYS_PER_USER,
  RECOVERY_CODE_COUNT,
} from './constants.ts';
import { lazy } from './lazy.ts';
import type { ProblemCode } from './problems.ts';

const shortText = lazy(() => z.string().max(200));
const id = lazy(() => z.string().min(1).max(100));
const isoDate = lazy(() => z.iso.datetime({ offset: true }));

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
    rule: z.string().max(40),
    message: z.string().max(500),
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
    type: z.string().max(500).default('about:blank'),
    title: z.string().max(500),
    status: z.number().int().min(100).max(599),
    detail: z.string().max(2000).optional(),
    instance: z.string().max(500).optional(),
    /** Machine-readable code the UI branches on ({@link ProblemCode}, or another portal's own). */
    code: (z.string().max(100) as z.ZodType<ProblemCode | (string & {})>).optional(),
    /** Field name → message, for validation failures. */
    errors: z.record(z.string().max(100), z.string().max(500)).optional(),
    /**
     * RFC 9457 §3.2 extension member of `password_policy` problems: the rules the
     * new password breaks ({@link PASSWORD_RULES}; a newer portal may name others).
     */
    // Lenient: a portal that sends something else here loses only this member, never the problem.
    rules: z.array(z.string().max(40)).max(10).optional().catch(undefined),
    /**
     * Extension member of `password_policy` problems: each broken rule with its
     * sentence, in the problem's language (absent from older portals, whose
     * clients show `errors.newPassword` instead).
     */
    violations: z.array(passwordViolationSchema).max(10).optional().catch(undefined),
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
    value: z.string().max(500).nullable(),
    editable: z.boolean(),
    /** Why the field is read-only, when it is ("Your administrator manages this field"). */
    lockedReason: shortText.optional(),
  }),
);
export type ProfileField = z.infer<typeof profileFieldSchema>;

export const profileSectionSchema = lazy(() =>
  z.object({
    id: z.enum(['details', 'personal', 'employment']),
    title: shortText,
    fields: z.array(profileFieldSchema).max(50),
  }),
);

/** `GET /me` */
export const meSchema = lazy(() =>
  z.object({
    id,
    email: z.email().max(254),
    displayName: shortText,
    initials: z.string().max(4),
    jobTitle: shortText.nullable(),
    photoUrl: z.url().max(2000).nullable(),
    mfa: z.object({ totp: z.boolean() }),
    sections: z.array(profileSectionSchema).max(10),
  }),
);
export type Me = z.infer<typeof meSchema>;

/** `PATCH /me`: only the fields being changed; `null` clears a field. */
export const mePatchSchema = lazy(() =>
  z
    .partialRecord(profileFieldNameSchema, z.string().trim().max(500).nullable())
    .refine((patch) => Object.keys(patch).length > 0, 'Nothing to update.'),
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
    .min(1, 'An app id must not be empty.')
    .max(100, 'An app id must be at most 100 characters.')
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
      'An app id is a short identifier (letters, digits, ".", "_" and "-", starting with a letter or digit), not a URL.',
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
    kind: z.enum(APP_KINDS).default('oidc'),
    name: shortText.min(1),
    description: z.string().max(1000).nullable(),
    /** `https:` or `data:image/...` URL, or null for the generated initials tile. */
    iconUrl: z.string().max(100_000).nullable(),
    category: shortText.nullable(),
    requiresMfa: z.boolean(),
    /** How recent the second factor must be for this app, when `requiresMfa`. */
    mfaMaxAgeSeconds: z.number().int().min(0).max(86_400).nullable(),
    /**
     * A page the admin attached with more about the app (how to get access,
     * who owns it), shown as a "Details" link. `https:` (loopback `http:` in
     * development). Absent in catalogs cached by older versions: null.
     */
    detailsUrl: z
      .string()
      .max(2048)
      .refine(isNetworkUrl, 'A details link must be an https:// address.')
      .nullable()
      .default(null),
    /** Where a `bookmark` opens (https, or loopback http in development); null for other kinds. */
    url: z
      .string()
      .max(2048)
      .refine(isNetworkUrl, 'A bookmark must be an https:// address.')
      .nullable()
      .default(null),
  }),
);
export type PortalApp = z.infer<typeof appSchema>;

/** `GET /me/apps` (with an `ETag`). */
export const appsResponseSchema = lazy(() => z.object({ apps: z.array(appSchema).max(10_000) }));
export type AppsResponse = z.infer<typeof appsResponseSchema>;
/** `GET /me/apps` as a client first reads it: the envelope only, each entry checked on its own (C8). */
export const lenientAppsResponseSchema = lazy(() => z.object({ apps: z.array(z.unknown()).max(10_000) }));

/** `POST /apps/{id}/launch` */
export const launchResponseSchema = lazy(() =>
  z.object({
    url: z.url().max(4000),
    expiresAt: isoDate,
  }),
);
export type LaunchResponse = z.infer<typeof launchResponseSchema>;

// ---------------------------------------------------------------- password

/** The password policy, exposed so a UI can show it as a checklist (B10). */
export const passwordPolicySchema = lazy(() =>
  z.object({
    minLength: z.number().int().min(8),
    maxLength: z.number().int().min(64),
    checksCommonPasswords: z.boolean(),
  }),
);
export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;

/** `POST /me/password` */
export const passwordChangeSchema = lazy(() =>
  z.object({
    currentPassword: z.string().min(1).max(1024),
    newPassword: z.string().min(1).max(1024),
  }),
);
export type PasswordChange = z.infer<typeof passwordChangeSchema>;

/** `POST /password-reset` (unauthenticated; always 202). */
export const passwordResetRequestSchema = lazy(() => z.object({ email: z.string().trim().max(254) }));
/** `POST /password-reset` answer: the same 202 body whether or not the address is known (B18). */
export const passwordResetAcceptedSchema = lazy(() => z.object({ message: z.string().max(500) }));

// ---------------------------------------------------------------- MFA

/** `GET /me/mfa` */
export const mfaStatusSchema = lazy(() =>
  z.object({
    totp: z.object({
      enabled: z.boolean(),
      /** An enrollment started but not confirmed yet is inactive (B11). */
      pending: z.boolean(),
      enrolledAt: isoDate.nullable(),
    }),
    recoveryCodesRemaining: z.number().int().min(0),
  }),
);
export type MfaStatus = z.infer<typeof mfaStatusSchema>;

/** `POST /me/mfa/totp`: a new, unconfirmed secret. */
export const totpEnrollmentSchema = lazy(() =>
  z.object({
    otpauthUri: z.string().startsWith('otpauth://totp/').max(2000),
    secret: z
      .string()
      .regex(/^[A-Z2-7]+=*$/)
      .max(200),
  }),
);
export type TotpEnrollment = z.infer<typeof totpEnrollmentSchema>;

/** `POST /me/mfa/totp/confirm` */
export const totpConfirmSchema = lazy(() =>
  z.object({ code: z.string().regex(/^\d{6}$/, 'Enter the 6-digit code.') }),
);
export const recoveryCodesSchema = lazy(() =>
  z.object({
    recoveryCodes: z.array(z.string().max(40)).length(RECOVERY_CODE_COUNT),
  }),
);
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;

// ---------------------------------------------------------------- SSH keys

export const sshKeySchema = lazy(() =>
  z.object({
    id,
    name: shortText,
    type: z.enum(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ssh-rsa']),
    bits: z.number().int().positive(),
    /** `SHA256:` + unpadded base64, as `ssh-keygen -l` prints it. */
    fingerprint: z.string().startsWith('SHA256:').max(100),
    createdAt: isoDate,
  }),
);
export type SshKey = z.infer<typeof sshKeySchema>;
export const sshKeysResponseSchema = lazy(() =>
  z.object({ keys: z.array(sshKeySchema).max(MAX_SSH_KEYS_PER_USER) }),
);

/** `POST /me/ssh-keys` */
export const sshKeyCreateSchema = lazy(() =>
  z.object({
    name: z.string().trim().min(1, 'Give the key a name.').max(100),
    publicKey: z.string().trim().min(1, 'Paste a public key.').max(20_000),
  }),
);
export type SshKeyCreate = z.infer<typeof sshKeyCreateSchema>;

// ---------------------------------------------------------------- passkeys

/** A passkey or security key (WebAuthn credential) as `GET /me/passkeys` lists it. */
export const passkeySchema = lazy(() =>
  z.object({
    /** The credential id, base64url (up to 1023 bytes). */
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .max(1400),
    name: shortText,
    /** Built into the device (`platform`), a security key or phone (`roaming`), or not reported. */
    kind: z.enum(['platform', 'roaming']).nullable(),
    /** The authenticator may sync it to the user's other devices (backup eligible). */
    syncable: z.boolean(),
    /** It is synced (backed up) now. */
    synced: z.boolean(),
    createdAt: isoDate,
    lastUsedAt: isoDate.nullable(),
  }),
);
export type Passkey = z.infer<typeof passkeySchema>;
export const passkeysResponseSchema = lazy(() =>
  z.object({
    passkeys: z.array(passkeySchema).max(MAX_PASSKEYS_PER_USER),
    /** Whether the portal allows passkeys (the admin's `PORTAL_MFA_FACTORS`). */
    allowed: z.boolean(),
    limit: z.number().int().positive(),
  }),
);
export type PasskeysResponse = z.infer<typeof passkeysResponseSchema>;
/** `PATCH /me/passkeys/{id}` */
export const passkeyRenameSchema = lazy(() =>
  z.object({
    name: z.string().trim().min(1, 'Give the passkey a name.').max(64, 'Use at most 64 characters.'),
  }),
);
/** `POST /me/passkeys/registrations`: the single-use page (≤ 60 s) where the browser creates it. */
export const passkeyRegistrationSchema = lazy(() => z.object({ url: z.url().max(2000), expiresAt: isoDate }));
export type PasskeyRegistration = z.infer<typeof passkeyRegistrationSchema>;

// ---------------------------------------------------------------- sessions

export const sessionSchema = lazy(() =>
  z.object({
    id,
    /** Browser and short version, e.g. "Chrome 156"; null when the portal could not tell. */
    browser: shortText.nullable(),
    /** Operating system, e.g. "Windows 10"; null when unknown (and from portals that do not send it). */
    os: shortText.nullable().default(null),
    ipAddress: z.string().max(100).nullable(),
    createdAt: isoDate,
    lastSeenAt: isoDate,
    /** The session the request came from. */
    current: z.boolean(),
  }),
);
export type PortalSession = z.infer<typeof sessionSchema>;
export const sessionsResponseSchema = lazy(() =>
  z.object({
    sessions: z.array(sessionSchema).max(MAX_SESSIONS_PER_USER),
  }),
);

// ---------------------------------------------------------------- downloads

export const downloadSchema = lazy(() =>
  z.object({
    id,
    name: shortText,
    os: z.enum(['windows', 'macos', 'linux']),
    arch: z.enum(['x64', 'arm64', 'universal']),
    version: z.string().max(50),
    url: z.url().max(2000),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int().nonnegative(),
  }),
);
export type Download = z.infer<typeof downloadSchema>;
export const downloadsResponseSchema = lazy(() => z.object({ downloads: z.array(downloadSchema).max(100) }));

/** `GET /password-policy` (unauthenticated), also embedded in the reset page. */
export const passwordPolicyResponseSchema = passwordPolicySchema;
