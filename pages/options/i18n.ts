/**
 * The security centre's words: every string it shows is an `options_*`
 * message in `public/_locales/{en,de,ar}/messages.json`, read through the
 * launcher's i18n (utils/i18n.ts: the browser's language, or the one chosen
 * in Settings). Whole sentences with named placeholders, never glued
 * together, so German and Arabic order their own words.
 *
 * Contract:
 * - {@link ot} takes the placeholder values as an object whose keys are the
 *   placeholder names in the message's order (`$1`, `$2`, …); the locale test
 *   (i18n.test.ts beside this file) checks every call site against every
 *   language, so a wrong or missing name fails there, not in front of a user.
 * - {@link problemText} words the failures the extension itself produces
 *   (cancelled or failed verification, offline, signed out, a pasted private
 *   key) in the page's language. For the portal's failures it shows the
 *   portal's words when they are in the page's language (its
 *   `Content-Language`, carried as `problem.lang`), which are richer (the key
 *   size, the minutes to wait); otherwise, for a code it knows, the page's
 *   own words. A code it does not know always shows the portal's words, so
 *   nothing is lost. {@link fieldText} applies the same choice to the
 *   message under one field.
 *
 * @see https://developer.chrome.com/docs/extensions/reference/api/i18n#type-placeholders named placeholders
 */

import { MIN_RSA_BITS } from '../../contract/constants.ts';
import {
  type AccountPortalCode,
  type AccountProblem,
  isAccountPortalCode,
} from '../../utils/account/errors.ts';
import { type MessageKey, t, uiLocale } from '../../utils/i18n.ts';
import { sameLanguage } from '../../utils/portal/language.ts';

/** The security centre's message names: those of `messages.json` that start with `options_`. */
export type OptionsMessageKey = Extract<MessageKey, `options_${string}`>;

/**
 * The message `key` in the page's language, with `values` filling its named
 * placeholders; the object's keys must be the placeholder names in order.
 */
export function ot(key: OptionsMessageKey, values?: Record<string, string | number>): string {
  // utils/i18n.ts types only the popup's names; the options names are checked by the locale test instead.
  return t(key, ...Object.values(values ?? {}));
}

/**
 * Failure codes whose message the extension writes (so it can be said in the
 * page's language); `background_unavailable` is the message channel's own
 * (utils/messaging.ts).
 */
const OWN_PROBLEM_TEXT: Partial<
  Record<AccountProblem['code'] | 'background_unavailable', OptionsMessageKey>
> = {
  background_unavailable: 'options_problemBackgroundGone',
  step_up_cancelled: 'options_problemStepUpCancelled',
  step_up_failed: 'options_problemStepUpFailed',
  offline: 'options_problemOffline',
  signed_out: 'options_problemSignedOut',
  ssh_key_private_key: 'options_sshPrivateKeyPasted',
  forced: 'options_problemForced',
};

/** `table[code]`, own properties only: a code is data from another process (`constructor` is no key). */
function lookup(
  table: Partial<Record<string, OptionsMessageKey>>,
  code: string,
): OptionsMessageKey | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined;
}

/**
 * The page's own words for each portal problem code it knows (the same thing
 * the reference portal says, shorter where the portal names a parameter the
 * page does not get, such as the key's size), keyed by the shared list
 * (`ACCOUNT_PORTAL_CODES`), so a code added there without words here does not
 * compile. `null`: the portal's words only (its per-field messages say more
 * than any one sentence could).
 */
const PORTAL_PROBLEM_TEXT: Record<AccountPortalCode, OptionsMessageKey | (() => string) | null> = {
  locked_field: 'options_problemLockedField',
  validation_failed: null,
  password_policy: 'options_problemPasswordPolicy',
  wrong_password: 'options_problemWrongPassword',
  too_many_attempts: 'options_problemTooManyAttempts',
  // The extension refuses a pasted private key before the portal sees it: worded in OWN_PROBLEM_TEXT.
  ssh_key_private_key: null,
  // The two about key sizes name the shared minimum.
  ssh_key_unsupported_type: () => ot('options_problemSshKeyUnsupportedType', { minimum: MIN_RSA_BITS }),
  ssh_key_rsa_too_short: () => ot('options_problemSshKeyRsaTooShort', { minimum: MIN_RSA_BITS }),
  ssh_key_malformed: 'options_problemSshKeyMalformed',
  ssh_key_too_long: 'options_problemSshKeyTooLong',
  ssh_key_multiple_keys: 'options_problemSshKeyMultipleKeys',
  ssh_key_duplicate: 'options_problemSshKeyDuplicate',
  ssh_key_in_use: 'options_problemSshKeyInUse',
  invalid_code: 'options_problemInvalidCode',
  totp_not_pending: 'options_problemTotpNotPending',
  totp_already_enabled: 'options_problemTotpAlreadyEnabled',
  totp_not_enabled: 'options_problemTotpNotEnabled',
  not_found: null,
  collection_limit: 'options_problemCollectionLimit',
  // The portal's words: the launcher made the key itself, so this is a fault to report as it is.
  approver_key_invalid: null,
  // Answers happen in the popup, which words these itself (pages/popup/push-prompt.tsx).
  push_prompt_gone: null,
  push_signature_invalid: null,
  last_factor: 'options_problemLastFactor',
};

/** The page's own words for a portal problem code, or null for a code it does not know (or words only as the portal does). */
function portalCodeText(code: string): string | null {
  if (!isAccountPortalCode(code)) return null;
  const text = PORTAL_PROBLEM_TEXT[code];
  return text === null ? null : typeof text === 'function' ? text() : ot(text);
}

/**
 * Whether the portal's words in `problem` are in the page's language, by
 * primary subtag (a `de-AT` page reads `de`). When the portal did not say
 * (`lang` absent: an older portal or background), its words are taken for
 * English, the language portal APIs speak unless they say otherwise: an
 * English page keeps them, any other page uses its own.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.5 RFC 9110 §8.5 (Content-Language)
 */
export function portalSpeaksPageLanguage(problem: Pick<AccountProblem, 'lang'>, page = uiLocale()): boolean {
  return sameLanguage(problem.lang ?? 'en', page);
}

/** The page's own words for `problem` when the portal's are in another language; else null. */
function ownWordsInstead(problem: Pick<AccountProblem, 'code' | 'lang'>): string | null {
  return portalSpeaksPageLanguage(problem) ? null : portalCodeText(problem.code);
}

/**
 * What to show for `problem`: the page's own words for the extension's
 * failures, and for the portal's known codes when the portal wrote in another
 * language; else the portal's words.
 */
export function problemText(problem: Pick<AccountProblem, 'code' | 'message' | 'lang'>): string {
  const key = lookup(OWN_PROBLEM_TEXT, problem.code);
  if (key) return ot(key);
  return ownWordsInstead(problem) ?? (problem.message || ot('options_problemUnknown'));
}

/**
 * What to show under the input `field` for `problem`: the portal's message
 * for that field when its words suit the page (or the code is unknown, so
 * nothing is lost), else the page's own words for the code
 * ({@link problemText}).
 */
export function fieldText(
  problem: Pick<AccountProblem, 'code' | 'message' | 'lang' | 'fields'>,
  field: string,
): string {
  // The extension's own failures carry its English sentence in `fields` too: word those here.
  if (lookup(OWN_PROBLEM_TEXT, problem.code)) return problemText(problem);
  return ownWordsInstead(problem) ?? problem.fields?.[field] ?? problemText(problem);
}

/**
 * The portal's list of broken password rules, when it is in the page's
 * language; empty otherwise (the page's checklist already shows every rule in
 * the page's language, and the error under the field says to look there).
 */
export function violationsText(problem: Pick<AccountProblem, 'code' | 'lang' | 'violations'>): string[] {
  return ownWordsInstead(problem) === null ? (problem.violations ?? []) : [];
}

/** A date (and time) in the page's language, e.g. "12 Mar 2026" or "12.03.2026, 14:05". */
export function formatDate(iso: string, withTime = false): string {
  const date = new Date(iso);
  const locale = uiLocale();
  return withTime
    ? date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })
    : date.toLocaleDateString(locale, { dateStyle: 'medium' });
}
