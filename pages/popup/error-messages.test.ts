import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseLanguage, type LocaleMessage, SUPPORTED_LOCALES } from '../../utils/i18n.ts';
import { ERROR_MESSAGE_KEYS, localizedError } from './error-messages.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (locale: string): Record<string, LocaleMessage> =>
  JSON.parse(readFileSync(path.join(root, 'public/_locales', locale, 'messages.json'), 'utf8'));

/**
 * Every error code written as a literal where the background creates an error or a problem:
 * `new AuthError('code'`, `new PortalApiError('code'`, `code: 'code'` and the like, in utils/
 * (the background's domain) and the popup's channel client.
 */
function codesInSources(): Set<string> {
  const codes = new Set<string>();
  const patterns = [
    /new (?:AuthError|PortalApiError|CatalogError|MessageError)\(\s*'([a-z_]+)'/g,
    /\bcode: '([a-z_]+)'/g,
    /readonly code = '([a-z_]+)'/g,
  ];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // The options page's account verbs have their own codes and UI (utils/account).
        if (!['__tests__', 'account'].includes(entry.name)) walk(full);
      } else if (
        /\.tsx?$/.test(entry.name) &&
        !/\.test\.tsx?$/.test(entry.name) &&
        // The portal-address probe answers values, not errors; pages/popup/portal-form.tsx words each.
        entry.name !== 'probe.ts'
      ) {
        const text = readFileSync(full, 'utf8');
        for (const pattern of patterns)
          for (const match of text.matchAll(pattern)) codes.add(match[1] as string);
      }
    }
  };
  walk(path.join(root, 'utils/auth'));
  walk(path.join(root, 'utils/portal'));
  walk(path.join(root, 'utils/catalog'));
  walk(path.join(root, 'utils/launcher'));
  walk(path.join(root, 'utils/toolbar'));
  for (const file of ['utils/messaging.ts', 'utils/message-channel.ts', 'utils/messaging-client.ts']) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1] as string);
  }
  return codes;
}

afterEach(async () => {
  await chooseLanguage(null);
  vi.unstubAllGlobals();
});

describe('background errors in the popup language (issue 4 item 8)', () => {
  it('every code the background can send has a message key', () => {
    const found = [...codesInSources()];
    // The scan must see the codes it is meant to see, or it proves nothing.
    expect(found).toEqual(expect.arrayContaining(['signed_out', 'network', 'cancelled', 'forbidden_sender']));
    expect(found.filter((code) => !Object.hasOwn(ERROR_MESSAGE_KEYS, code))).toEqual([]);
  });

  it('every key has a non-empty sentence in English, German and Arabic', () => {
    const keys = [...new Set(Object.values(ERROR_MESSAGE_KEYS)), 'openFailed'];
    for (const locale of SUPPORTED_LOCALES) {
      const messages = read(locale);
      for (const key of keys) expect(messages[key]?.message.trim(), `${locale}.${key}`).toBeTruthy();
    }
  });

  it('C3: the offline reason is shown in German and Arabic, not in English', async () => {
    vi.stubGlobal('fetch', async (url: string) => {
      const locale = /_locales\/(\w+)\//.exec(url)?.[1] as string;
      return new Response(JSON.stringify(read(locale)));
    });
    const english = 'The portal did not answer. Check your connection and try again.';
    await chooseLanguage('de');
    expect(localizedError('network', english)).toBe(
      'Das Portal hat nicht geantwortet. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    );
    await chooseLanguage('ar');
    expect(localizedError('network', english)).toBe('لم تستجب البوابة. تحقق من اتصالك وحاول مرة أخرى.');
    expect(localizedError('launch_refused', 'This app is not assigned to you.')).toBe(
      read('ar').errorLaunchRefused?.message,
    );
  });

  it('an unknown code falls back to the English text, and an empty one to the generic sentence', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(read('de'))));
    await chooseLanguage('de');
    expect(localizedError('brand_new_code', 'Something specific happened.')).toBe(
      'Something specific happened.',
    );
    expect(localizedError('brand_new_code', '')).toBe(read('de').genericError?.message);
    // Inherited object keys are not codes.
    expect(localizedError('toString', 'Plain text.')).toBe('Plain text.');
  });
});
