/**
 * The portal API's problem codes (RFC 9457 `code` extension member): the one
 * list, shared by the reference portal, which answers them, and the
 * extension, which branches on them.
 *
 * Contract: the reference portal sends only these codes. A client must still
 * accept any other short code (another portal, a newer version) and keep that
 * portal's words for it: {@link isProblemCode} tells the two apart, and
 * `problemSchema` in ./schemas.ts accepts both.
 *
 * Framework-free: both sides import it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9457#section-3.2 extension members
 */

/** Why a public SSH key was refused (422, or 409 for the last two); the options page words each one. */
export const SSH_KEY_PROBLEM_CODES = [
  /** A private key was pasted where a public key belongs (A13). */
  'ssh_key_private_key',
  'ssh_key_unsupported_type',
  'ssh_key_rsa_too_short',
  'ssh_key_malformed',
  'ssh_key_too_long',
  'ssh_key_multiple_keys',
  /** 409: this account already has the key. */
  'ssh_key_duplicate',
  /** 409: the key is registered to another account (which is not named). */
  'ssh_key_in_use',
] as const;

/** Every code the reference portal sends in a problem's `code`. */
export const PROBLEM_CODES = [
  /** 400: the request is not what the endpoint takes. */
  'bad_request',
  /** 400: the body is not JSON. */
  'malformed_json',
  /** 415: the body is not `application/json`. */
  'unsupported_media_type',
  /** 413: the body is too large. */
  'payload_too_large',
  /** 422: fields failed validation; `errors` has a message per field. */
  'validation_failed',
  /** 401: the access token is missing, expired or revoked (RFC 6750). */
  'invalid_token',
  /** 401: a fresher or stronger sign-in is needed (RFC 9470 step-up). */
  'insufficient_user_authentication',
  /** 403: the account is disabled. */
  'account_disabled',
  /** 404: no such thing for this user (one wording for every case: no existence oracle). */
  'not_found',
  /** 403/404: the app exists but cannot be launched (no launch URL). */
  'app_not_launchable',
  /** 405 */
  'method_not_allowed',
  /** 403: an administrator manages this profile field. */
  'locked_field',
  /** 422: the new password breaks the policy; `violations` lists each broken rule. */
  'password_policy',
  /** 422: the current password is wrong. */
  'wrong_password',
  /** 429: too many wrong passwords; wait (`Retry-After`). */
  'too_many_attempts',
  'totp_already_enabled',
  'totp_not_pending',
  'totp_not_enabled',
  /** 422: the authenticator or recovery code was not accepted. */
  'invalid_code',
  ...SSH_KEY_PROBLEM_CODES,
  /** 409: a per-user collection is full (B21). */
  'collection_limit',
  /** 422: the approver device key is not a usable ECDSA P-256 public key (A15). */
  'approver_key_invalid',
  /** 409: the push prompt was answered, withdrawn or expired (B15: single use, ≤ 2 minutes). */
  'push_prompt_gone',
  /** 403: the approver's signature does not match the answer, or the device is not enrolled (A15). */
  'push_signature_invalid',
  /** 409: the portal does not allow passkeys (`PORTAL_MFA_FACTORS`). */
  'passkeys_disabled',
  /** 409: removing this factor would leave an account that must have MFA without one. */
  'last_factor',
  /** 500: a bug in the portal; the answer reveals nothing more. */
  'internal_error',
] as const;

/** A code of {@link PROBLEM_CODES}. */
export type ProblemCode = (typeof PROBLEM_CODES)[number];

const KNOWN = new Set<string>(PROBLEM_CODES);

/** Whether `value` is one of {@link PROBLEM_CODES} (a portal may send others). */
export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && KNOWN.has(value);
}
