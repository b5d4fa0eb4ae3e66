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
 *   key) in the page's language; what the portal says about its own rules
 *   (field errors, password policy) is the portal's text, shown as it came.
 *
 * @see https://developer.chrome.com/docs/extensions/reference/api/i18n#type-placeholders named placeholders
 */
import type { AccountProblem } from '../../utils/account/errors.ts';
import { type MessageKey, t, uiLocale } from '../../utils/i18n.ts';

/** The security centre's message names (all start with `options_`). */
export type OptionsMessageKey = `options_${string}`;

/**
 * The message `key` in the page's language, with `values` filling its named
 * placeholders; the object's keys must be the placeholder names in order.
 */
export function ot(key: OptionsMessageKey, values?: Record<string, string | number>): string {
  // utils/i18n.ts types only the popup's names; the options names are checked by the locale test instead.
  return t(key as MessageKey, ...Object.values(values ?? {}));
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

/** What to show for `problem`: the page's own words for the extension's failures, else the portal's. */
export function problemText(problem: Pick<AccountProblem, 'code' | 'message'>): string {
  const key = OWN_PROBLEM_TEXT[problem.code as keyof typeof OWN_PROBLEM_TEXT];
  return key ? ot(key) : problem.message || ot('options_problemUnknown');
}

/** A date (and time) in the page's language, e.g. "12 Mar 2026" or "12.03.2026, 14:05". */
export function formatDate(iso: string, withTime = false): string {
  const date = new Date(iso);
  const locale = uiLocale();
  return withTime
    ? date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })
    : date.toLocaleDateString(locale, { dateStyle: 'medium' });
}
