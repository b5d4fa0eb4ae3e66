import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  chooseLanguage,
  formatMessage,
  type LocaleMessage,
  type MessageKey,
  SUPPORTED_LOCALES,
  t,
  uiDirection,
  uiLocale,
} from './i18n.ts';

const root = path.resolve(import.meta.dirname, '..');
const localesDir = path.join(root, 'public/_locales');
const read = (locale: string): Record<string, LocaleMessage> =>
  JSON.parse(readFileSync(path.join(localesDir, locale, 'messages.json'), 'utf8'));

/** Every `t('key'` in the popup's sources. */
function usedKeys(): Set<string> {
  const keys = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
        for (const match of readFileSync(full, 'utf8').matchAll(/\bt\(\s*'([A-Za-z]+)'/g))
          keys.add(match[1] as string);
      }
    }
  };
  walk(path.join(root, 'pages/popup'));
  walk(path.join(root, 'entrypoints/popup'));
  walk(path.join(root, 'entrypoints/auth'));
  return keys;
}

afterEach(async () => {
  await chooseLanguage(null);
  vi.unstubAllGlobals();
  fakeBrowser.reset();
});

describe('locales', () => {
  it('ships exactly English, German and Arabic', () => {
    expect(readdirSync(localesDir).sort()).toEqual([...SUPPORTED_LOCALES].sort());
  });

  it('every language has every message, with the same placeholders', () => {
    const en = read('en');
    for (const locale of SUPPORTED_LOCALES) {
      const messages = read(locale);
      expect(Object.keys(messages).sort(), locale).toEqual(Object.keys(en).sort());
      for (const [key, entry] of Object.entries(en)) {
        const other = messages[key] as LocaleMessage;
        expect(other.message.trim(), `${locale}.${key}`).not.toBe('');
        expect(Object.keys(other.placeholders ?? {}).sort(), `${locale}.${key}`).toEqual(
          Object.keys(entry.placeholders ?? {}).sort(),
        );
        // Each placeholder is used in the sentence: nothing is appended outside it.
        for (const name of Object.keys(other.placeholders ?? {})) {
          expect(other.message.toLowerCase(), `${locale}.${key}`).toContain(`$${name.toLowerCase()}$`);
        }
      }
    }
  });

  // The type half of this test is `tsc --noEmit` (npm run typecheck): an
  // expected error that does not happen fails it, so a `${string}` escape
  // hatch in MessageKey would fail here.
  it('message names are typed from messages.json: a name not in the file does not compile', () => {
    const known: MessageKey = 'loading';
    // @ts-expect-error 'noSuchMessage' is not a name in public/_locales/en/messages.json
    const unknown: MessageKey = 'noSuchMessage';
    // @ts-expect-error t() takes only names from the file
    const word = () => t('signInNow');
    expect(typeof word).toBe('function');
    expect(Object.keys(read('en'))).toContain(known);
    expect(Object.keys(read('en'))).not.toContain(unknown);
  });

  it('every string the popup shows is a message in every language', () => {
    const en = read('en');
    const used = [...usedKeys()];
    expect(used.length).toBeGreaterThan(30);
    expect(used.filter((key) => !(key in en))).toEqual([]);
  });
});

describe('formatting', () => {
  it('fills named placeholders in the order the language puts them', () => {
    const de = read('de');
    expect(formatMessage(de.movedFavorite as LocaleMessage, ['Payroll', '2'])).toBe(
      'Payroll ist jetzt an Position 2.',
    );
    expect(
      formatMessage({ message: 'Cost: $$5 for $APP$', placeholders: { app: { content: '$1' } } }, ['Wiki']),
    ).toBe('Cost: $5 for Wiki');
  });

  it('a chosen language is read from the package; Arabic is right to left', async () => {
    vi.stubGlobal('fetch', async (url: string) => {
      const locale = /_locales\/(\w+)\//.exec(url)?.[1] as string;
      return new Response(JSON.stringify(read(locale)));
    });
    await chooseLanguage('ar-EG');
    expect(uiLocale()).toBe('ar');
    expect(uiDirection()).toBe('rtl');
    expect(t('opened', 'Payroll')).toBe('تم فتح Payroll.');
    await chooseLanguage('fr');
    expect(uiDirection()).toBe('ltr');
    // Without a browser i18n (unit tests) the key itself shows, never an empty string.
    expect(t('signIn')).toBeTruthy();
  });
});
