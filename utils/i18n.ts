/**
 * Every user-facing string of the launcher goes through the browser's own
 * extension i18n (`public/_locales/<lang>/messages.json`): English (default),
 * German and Arabic. Whole sentences are messages with named placeholders
 * (`$NAME$`), never concatenated, so each language orders its own words.
 *
 * The language follows the browser (`chrome.i18n`), unless the settings
 * choose one ({@link chooseLanguage}; policy or the person's `language`).
 *
 * Contract: {@link t} never throws; a missing message (or a context without
 * `i18n`, such as a unit test) answers the key itself, which is visible in the
 * UI and caught by the locale test rather than shown as an empty string.
 *
 * @see https://developer.chrome.com/docs/extensions/reference/api/i18n chrome.i18n
 * @see https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/Internationalization#predefined_messages `@@bidi_dir`, `@@ui_locale`
 */
import { browser } from 'wxt/browser';
import type enMessages from '../public/_locales/en/messages.json';

/**
 * Every message name the extension ships: the names in the default locale's
 * `public/_locales/en/messages.json`, read by the type checker from the file
 * itself (a type-only import, so nothing of it is bundled). A message added
 * to that file needs no edit here; a name that is not in it does not compile.
 * The locale test (i18n.test.ts) checks German and Arabic have the same names.
 */
export type MessageKey = Extract<keyof typeof enMessages, string>;

// WXT types getMessage with the default locale's names only; the predefined
// `@@` messages are valid too, so call it through a plain signature.
type GetMessage = (name: string, substitutions?: string | string[]) => string;

/** The languages the extension ships (`public/_locales/<tag>`). */
export const SUPPORTED_LOCALES = ['en', 'de', 'ar'] as const;
/** Right-to-left among them. */
const RTL_LOCALES = new Set(['ar']);

/** One entry of a `messages.json` file. */
export interface LocaleMessage {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

/** Messages of the language chosen in the settings, when it is not the browser's. */
let chosen: { locale: string; messages: Record<string, LocaleMessage> } | null = null;

function getMessage(name: string, substitutions?: string | string[]): string {
  try {
    return (browser.i18n.getMessage as GetMessage)(name, substitutions) ?? '';
  } catch {
    return '';
  }
}

/**
 * Formats a `messages.json` entry the way the browser does: `$NAME$` takes
 * its placeholder's content, where `$1`…`$9` are the substitutions; `$$` is a
 * dollar sign.
 *
 * @see https://developer.chrome.com/docs/extensions/reference/api/i18n#type-placeholders
 */
export function formatMessage(entry: LocaleMessage, substitutions: readonly string[]): string {
  const placeholders = Object.fromEntries(
    Object.entries(entry.placeholders ?? {}).map(([key, value]) => [key.toLowerCase(), value.content]),
  );
  const fill = (text: string) =>
    text.replace(/\$(\d)/g, (_, digit: string) => substitutions[Number(digit) - 1] ?? '');
  return entry.message
    .replace(/\$([A-Za-z0-9_@]+)\$/g, (match, name: string) => {
      const content = placeholders[name.toLowerCase()];
      return content === undefined ? match : fill(content);
    })
    .replace(/\$\$/g, '$');
}

/**
 * The message `key` in the chosen language (else the browser's UI language),
 * with `substitutions` in the placeholders' order (`$1`, `$2`, …).
 */
export function t(key: MessageKey, ...substitutions: Array<string | number>): string {
  const values = substitutions.map((value) => String(value));
  const entry = chosen?.messages[key];
  if (entry) return formatMessage(entry, values);
  const message = getMessage(key, values.length > 0 ? values : undefined);
  return message || key;
}

/** Writing direction of the UI language (`rtl` for Arabic). */
export function uiDirection(): 'ltr' | 'rtl' {
  if (chosen) return RTL_LOCALES.has(chosen.locale) ? 'rtl' : 'ltr';
  return getMessage('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr';
}

/** The locale the messages come from, as a BCP 47 tag (`en`, `de`, `ar`). */
export function uiLocale(): string {
  if (chosen) return chosen.locale;
  const locale = getMessage('@@ui_locale');
  return locale ? locale.replace('_', '-') : 'en';
}

/**
 * Uses the language from the settings (policy or the person's choice, a BCP
 * 47 tag) instead of the browser's: the browser's own i18n cannot switch
 * language, so the shipped `messages.json` of that language is read from the
 * extension package. `null`, or a language the extension does not ship,
 * follows the browser again. Resolves once the messages are in place.
 */
export async function chooseLanguage(tag: string | null): Promise<void> {
  const base = tag?.toLowerCase().split(/[-_]/)[0] ?? null;
  if (!base || !(SUPPORTED_LOCALES as readonly string[]).includes(base)) {
    chosen = null;
    return;
  }
  if (chosen?.locale === base) return;
  try {
    const response = await fetch(browser.runtime.getURL(`/_locales/${base}/messages.json` as '/'));
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    chosen = { locale: base, messages: (await response.json()) as Record<string, LocaleMessage> };
  } catch {
    // The package always has its own files; if reading one fails, the browser's language still works.
    chosen = null;
  }
}

/** Sets `lang` and `dir` on the page, so screen readers, fonts and layout follow the language. */
export function applyDocumentLocale(doc: Document): void {
  doc.documentElement.lang = uiLocale();
  doc.documentElement.dir = uiDirection();
}
