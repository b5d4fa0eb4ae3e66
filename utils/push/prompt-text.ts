/**
 * The words of a push prompt (issue 13), shared by the background's
 * notification and the popup's prompt so both say the same thing in the
 * person's language: "Sign-in to Payroll from Firefox 153 on Windows, 10:42".
 * No zod here: the popup imports it.
 */
import type { PushPrompt } from '../../contract/push.ts';
import { t, uiLocale } from '../i18n.ts';

/** "10:42" (or "10:42 AM") in the UI language. */
export function clockTime(iso: string): string {
  return new Intl.DateTimeFormat(uiLocale(), { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

/** What the sign-in is for, where it comes from and when: the placeholders of both sentences. */
function facts(prompt: PushPrompt): [string, string, string] {
  return [
    prompt.app ?? t('pushTargetPortal'),
    prompt.browser ?? t('pushUnknownBrowser'),
    clockTime(prompt.createdAt),
  ];
}

/** The popup's line: "Sign-in to Payroll from Firefox 153 on Windows, 10:42". */
export function promptSummary(prompt: PushPrompt): string {
  return t('pushPromptWhat', ...facts(prompt));
}

/** The system notification: its title and "Sign-in to … — approve?". */
export function promptWords(prompt: PushPrompt): { title: string; message: string } {
  return { title: t('pushNotificationTitle'), message: t('pushNotificationMessage', ...facts(prompt)) };
}
