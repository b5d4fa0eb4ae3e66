/**
 * The security centre's closed set of failure codes (CONVENTIONS.md "Errors").
 *
 * Expected failures of account changes (a refused key, a wrong code, a
 * cancelled verification) travel to the options page as values
 * ({@link AccountProblem} inside an {@link AccountResult}), so their field
 * errors and policy lists survive the message channel, which carries only
 * `code` and `message` for thrown errors. Reads that fail throw
 * {@link AccountError}; the page branches on its `code`.
 */
import { type ProblemCode, SSH_KEY_PROBLEM_CODES } from '../../contract/problems.ts';
import { CodedError } from '../errors.ts';

/**
 * The portal's problem codes (contract/problems.ts) the options page words
 * and branches on; any other code the portal sends becomes `portal_error`
 * with the portal's own words.
 */
export const ACCOUNT_PORTAL_CODES = [
  /** An admin-locked profile field (or the email address) was in the change (403). */
  'locked_field',
  /** Field-level validation failed (422); `fields` has a message per field. */
  'validation_failed',
  /** The new password breaks the portal's policy; `violations` lists each rule. */
  'password_policy',
  /** The current password is wrong. */
  'wrong_password',
  /** Too many wrong passwords: the account is throttled for a while. */
  'too_many_attempts',
  /** Every refused SSH key (a pasted private key is refused here already, never sent: A13). */
  ...SSH_KEY_PROBLEM_CODES,
  /** The authenticator code was not accepted. */
  'invalid_code',
  'totp_not_pending',
  'totp_already_enabled',
  'totp_not_enabled',
  /** The thing to change no longer exists (a session already ended, a deleted key). */
  'not_found',
  /** Too many of a kind (approver devices, keys): remove one first (B21). */
  'collection_limit',
  /** The approver device key was not accepted (A15). */
  'approver_key_invalid',
  /** The push prompt was answered, withdrawn or expired (B15). */
  'push_prompt_gone',
  /** The portal does not take this device's answer (not enrolled, or removed) (A15). */
  'push_signature_invalid',
  /** Removing this factor would leave an account that must have MFA without one (409). */
  'last_factor',
] as const satisfies readonly ProblemCode[];

/** A code of {@link ACCOUNT_PORTAL_CODES}. */
export type AccountPortalCode = (typeof ACCOUNT_PORTAL_CODES)[number];

const ACCOUNT_PORTAL_CODE_SET = new Set<string>(ACCOUNT_PORTAL_CODES);

/** Whether the portal's problem `code` is one the options page knows. */
export function isAccountPortalCode(code: unknown): code is AccountPortalCode {
  return typeof code === 'string' && ACCOUNT_PORTAL_CODE_SET.has(code);
}

/** Codes the options page branches on: the portal's it knows, and the extension's own. */
export type AccountProblemCode =
  | AccountPortalCode
  /** The verification tab was closed or timed out (B11, C5). */
  | 'step_up_cancelled'
  /** The verification did not prove what the portal asked for (A4). */
  | 'step_up_failed'
  /** The portal could not be reached in time (C3). */
  | 'offline'
  /** There is no session (or it ended): sign in again. */
  | 'signed_out'
  /** The administrator's policy decides this setting. */
  | 'forced'
  /** A setting value is not acceptable. */
  | 'invalid_setting'
  /** The browser's storage failed to read or write the settings. */
  | 'storage_failed'
  /** Anything else the portal refused (a code not in the list, too); the message is the portal's. */
  | 'portal_error';

/** An expected failure, as the page renders it. */
export interface AccountProblem {
  code: AccountProblemCode;
  /** What happened and what to do. */
  message: string;
  /** Field name → message (422 answers, locked fields). */
  fields?: Record<string, string>;
  /** `password_policy`: the portal's sentence for each broken rule (its `violations`), listed as they are. */
  violations?: string[];
  /** `password_policy`: the portal's names of the broken rules (`PASSWORD_RULES`), to mark in the checklist. */
  rules?: string[];
  /**
   * Language of `message`, `fields` and `violations` when the portal wrote
   * them (its `Content-Language`, a BCP 47 tag); absent when unknown. The
   * page shows its own words for a known code when this is not its language.
   */
  lang?: string;
}

/** The answer of an account change: the value, or the expected failure. */
export type AccountResult<T> = { ok: true; value: T } | { ok: false; problem: AccountProblem };

/** A failed account read (the page shows it as the section's error state). */
export class AccountError extends CodedError<AccountProblemCode> {
  override readonly name = 'AccountError';
}
