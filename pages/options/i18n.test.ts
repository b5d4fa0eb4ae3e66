import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { chooseLanguage, type LocaleMessage, SUPPORTED_LOCALES, uiDirection } from '../../utils/i18n.ts';
import {
  fieldText,
  type OptionsMessageKey,
  ot,
  portalSpeaksPageLanguage,
  problemText,
  violationsText,
} from './i18n.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (locale: string): Record<string, LocaleMessage> =>
  JSON.parse(readFileSync(path.join(root, 'public/_locales', locale, 'messages.json'), 'utf8'));

/** The security centre's sources (not its tests). */
function sources(): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  for (const dir of ['pages/options', 'entrypoints/options']) {
    for (const name of readdirSync(path.join(root, dir))) {
      if (!/\.tsx?$/.test(name) || /\.test\.tsx?$/.test(name)) continue;
      found.push({ file: `${dir}/${name}`, text: readFileSync(path.join(root, dir, name), 'utf8') });
    }
  }
  return found;
}

/** Every `options_*` string literal in the sources (direct `ot('…')` calls and tables of keys alike). */
function usedKeys(): Set<string> {
  const keys = new Set<string>();
  for (const { text } of sources()) {
    for (const match of text.matchAll(/['"`](options_[A-Za-z0-9_]+)['"`]/g)) keys.add(match[1] as string);
  }
  return keys;
}

/** The top-level property names of the object literal starting at `text[start]` (`{`). */
function objectKeys(text: string, start: number): string[] {
  let depth = 0;
  let part = '';
  const parts: string[] = [];
  for (let i = start; i < text.length; i++) {
    const char = text[i] as string;
    if ('{(['.includes(char)) depth += 1;
    if ('})]'.includes(char)) depth -= 1;
    if (depth === 0) break;
    if (depth === 1 && (char === ',' || char === '{')) {
      if (char === ',') parts.push(part);
      part = '';
      continue;
    }
    part += char;
  }
  parts.push(part);
  return parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => /^([A-Za-z_$][\w$]*)\s*(?::|$)/.exec(p)?.[1] ?? `?${p}`);
}

/** Each `ot('options_x', { a, b })` call: the key and the placeholder names it passes, in order. */
function calls(): { file: string; key: string; names: string[] }[] {
  const found: { file: string; key: string; names: string[] }[] = [];
  for (const { file, text } of sources()) {
    for (const match of text.matchAll(/\bot\(\s*'(options_[A-Za-z0-9_]+)'\s*(,\s*\{|\))/g)) {
      const names = match[2]?.startsWith(',')
        ? objectKeys(text, (match.index ?? 0) + match[0].length - 1)
        : [];
      found.push({ file, key: match[1] as string, names });
    }
  }
  return found;
}

/** Placeholder names of a message, in substitution order (`$1`, `$2`, …). */
function placeholderOrder(entry: LocaleMessage): string[] {
  return Object.entries(entry.placeholders ?? {})
    .sort(([, a], [, b]) => a.content.localeCompare(b.content))
    .map(([name]) => name);
}

afterEach(async () => {
  await chooseLanguage(null);
  vi.unstubAllGlobals();
  fakeBrowser.reset();
});

describe('security centre locales', () => {
  it('every key the options page uses is a message in English, German and Arabic, and none is left unused', () => {
    const used = usedKeys();
    // The scan really found the page's words (so the checks below could fail).
    expect(used.size).toBeGreaterThan(200);
    for (const locale of SUPPORTED_LOCALES) {
      const messages = read(locale);
      expect(
        [...used].filter((key) => !(key in messages)),
        locale,
      ).toEqual([]);
      const defined = Object.keys(messages).filter((key) => key.startsWith('options_'));
      expect(
        defined.filter((key) => !used.has(key)),
        locale,
      ).toEqual([]);
      for (const key of defined) {
        const entry = messages[key] as LocaleMessage & { description?: string };
        expect(entry.message.trim(), `${locale}.${key}`).not.toBe('');
        // Translators get a description for every message (read from the English file by tools).
        if (locale === 'en') expect(entry.description?.trim(), key).toBeTruthy();
      }
    }
  });

  // The type half is `tsc --noEmit`: an expected type error that does not happen fails it.
  it('options message names are typed from messages.json: no `options_` name outside the file compiles', () => {
    const known: OptionsMessageKey = 'options_tryAgain';
    // @ts-expect-error not a name in public/_locales/en/messages.json
    const unknown: OptionsMessageKey = 'options_noSuchMessage';
    // @ts-expect-error a launcher message is not one of the security centre's
    const launcher: OptionsMessageKey = 'loading';
    const en = read('en');
    expect(Object.keys(en)).toContain(known);
    expect(Object.keys(en)).not.toContain(unknown);
    expect(launcher.startsWith('options_')).toBe(false);
  });

  it('placeholders are named, the same in every language, and each one is used in the sentence', () => {
    const en = read('en');
    for (const locale of SUPPORTED_LOCALES) {
      const messages = read(locale);
      for (const [key, entry] of Object.entries(en)) {
        if (!key.startsWith('options_')) continue;
        const other = messages[key] as LocaleMessage;
        expect(placeholderOrder(other), `${locale}.${key}`).toEqual(placeholderOrder(entry));
        for (const [name, placeholder] of Object.entries(other.placeholders ?? {})) {
          expect(placeholder.content, `${locale}.${key}.${name}`).toMatch(/^\$[1-9]$/);
          expect(other.message.toLowerCase(), `${locale}.${key}`).toContain(`$${name}$`);
        }
        // No positional `$1` in the sentence itself: translators move names, not numbers.
        expect(other.message, `${locale}.${key}`).not.toMatch(/\$[1-9]/);
      }
    }
  });

  it('every call passes exactly the placeholders of its message, in their order; keys from tables take none', () => {
    const en = read('en');
    const direct = calls();
    expect(direct.length).toBeGreaterThan(150);
    const mismatched = direct
      // Placeholder names are case-insensitive in messages.json (Chrome and Firefox alike).
      .filter(
        ({ key, names }) => en[key] && names.join(',').toLowerCase() !== placeholderOrder(en[key]).join(','),
      )
      .map(({ file, key, names }) => `${file}: ${key}(${names.join(', ')})`);
    expect(mismatched).toEqual([]);
    // A key reached through a table (nav labels, theme names, problem texts) is called without values.
    const called = new Set(direct.map((call) => call.key));
    const indirect = [...usedKeys()].filter((key) => !called.has(key));
    expect(indirect.length).toBeGreaterThan(0);
    expect(indirect.filter((key) => placeholderOrder(en[key] as LocaleMessage).length > 0)).toEqual([]);
  });
});

describe('security centre words at run time', () => {
  it('a chosen language fills named placeholders in its own order; Arabic is right to left', async () => {
    vi.stubGlobal('fetch', async (url: string) => {
      const locale = /_locales\/(\w+)\//.exec(url)?.[1] as string;
      return new Response(JSON.stringify(read(locale)));
    });
    const values = { name: 'laptop', fingerprint: 'SHA256:abc' };
    await chooseLanguage('de');
    expect(ot('options_sshAdded', values)).toBe('„laptop“ hinzugefügt (SHA256:abc).');
    expect(ot('options_downloadNamed', { name: 'Agent', os: 'Linux' })).toBe('Agent für Linux herunterladen');
    await chooseLanguage('ar');
    expect(uiDirection()).toBe('rtl');
    expect(ot('options_sshAdded', values)).toBe('تمت إضافة «laptop» (SHA256:abc).');
    await chooseLanguage('en');
    expect(ot('options_sshAdded', values)).toBe('Added “laptop” (SHA256:abc).');
  });

  it('the extension’s own failures are worded by the page; the portal’s reasons are shown as sent', async () => {
    vi.stubGlobal('fetch', async (url: string) => {
      const locale = /_locales\/(\w+)\//.exec(url)?.[1] as string;
      return new Response(JSON.stringify(read(locale)));
    });
    await chooseLanguage('de');
    expect(problemText({ code: 'step_up_cancelled', message: 'The verification was cancelled…' })).toBe(
      read('de').options_problemStepUpCancelled?.message,
    );
    expect(problemText({ code: 'offline', message: 'The portal did not answer.' })).toContain('Portal');
    expect(problemText({ code: 'portal_error', message: '' })).toBe(
      read('de').options_problemUnknown?.message,
    );
  });
});

describe('the portal’s words or the page’s own (Content-Language)', () => {
  const wrongPassword = {
    code: 'wrong_password',
    message: 'The current password is not correct. Type it again.',
    fields: { currentPassword: 'The current password is not correct.' },
  } as const;
  const rsaShort = {
    code: 'ssh_key_rsa_too_short',
    message: 'Some fields are not valid.',
    fields: { publicKey: 'This RSA key is 2048 bits; the minimum is 3072. Create a new key…' },
    lang: 'en',
  } as const;

  beforeEach(() => {
    vi.stubGlobal('fetch', async (url: string) => {
      const locale = /_locales\/(\w+)\//.exec(url)?.[1] as string;
      return new Response(JSON.stringify(read(locale)));
    });
  });

  it('compares the answer’s language with the page’s by primary subtag', () => {
    expect(portalSpeaksPageLanguage({ lang: 'en' }, 'de-AT')).toBe(false);
    expect(portalSpeaksPageLanguage({ lang: 'de' }, 'de-AT')).toBe(true);
    expect(portalSpeaksPageLanguage({ lang: 'en-GB' }, 'en')).toBe(true);
    expect(portalSpeaksPageLanguage({ lang: 'en' }, 'ar')).toBe(false);
    // Unknown (an older portal or background): English, as portal APIs speak unless they say otherwise.
    expect(portalSpeaksPageLanguage({}, 'en-US')).toBe(true);
    expect(portalSpeaksPageLanguage({}, 'de')).toBe(false);
  });

  it('a German page words a known portal code itself when the answer is English, in the message and under the field', async () => {
    await chooseLanguage('de');
    const de = read('de');
    const own = de.options_problemWrongPassword?.message as string;
    expect(own).toBe('Das aktuelle Passwort ist nicht korrekt. Geben Sie es erneut ein.');
    expect(problemText({ ...wrongPassword, lang: 'en' })).toBe(own);
    expect(fieldText({ ...wrongPassword, lang: 'en' }, 'currentPassword')).toBe(own);
    // The shared minimum fills the placeholder.
    const rsa = fieldText(rsaShort, 'publicKey');
    expect(rsa).toContain('3072');
    expect(rsa).toMatch(/^Dieser RSA-Schlüssel ist zu kurz/);
    expect(problemText(rsaShort)).toBe(rsa);
    // The portal's English rule list gives way to the page's own checklist.
    expect(
      violationsText({ code: 'password_policy', lang: 'en', violations: ['Use at least 12 characters.'] }),
    ).toEqual([]);
  });

  it('missing lang: own words only when the page is not English', async () => {
    await chooseLanguage('de');
    expect(problemText(wrongPassword)).toBe(read('de').options_problemWrongPassword?.message);
    await chooseLanguage('ar');
    expect(fieldText(wrongPassword, 'currentPassword')).toBe(
      read('ar').options_problemWrongPassword?.message,
    );
    await chooseLanguage('en');
    expect(problemText(wrongPassword)).toBe(wrongPassword.message);
    expect(fieldText(wrongPassword, 'currentPassword')).toBe(wrongPassword.fields.currentPassword);
  });

  it('an English page keeps the portal’s richer English words', async () => {
    await chooseLanguage('en');
    expect(problemText({ ...wrongPassword, lang: 'en' })).toBe(wrongPassword.message);
    expect(fieldText(rsaShort, 'publicKey')).toBe(rsaShort.fields.publicKey);
    expect(
      violationsText({ code: 'password_policy', lang: 'en', violations: ['Use at least 12 characters.'] }),
    ).toEqual(['Use at least 12 characters.']);
  });

  it('a portal answering in the page’s language is shown as sent (a German portal for a German page)', async () => {
    await chooseLanguage('de');
    const german = {
      code: 'wrong_password',
      message: 'Das Passwort stimmt nicht, bitte noch einmal.',
      fields: { currentPassword: 'Falsches Passwort.' },
      lang: 'de-DE',
    } as const;
    expect(problemText(german)).toBe(german.message);
    expect(fieldText(german, 'currentPassword')).toBe('Falsches Passwort.');
  });

  it('last_factor (issue 12): a German or Arabic page words the refusal to remove the last factor itself; an English page keeps the portal’s sentence', async () => {
    const lastFactor = {
      code: 'last_factor',
      message: 'Your account must have a second factor. Add another one before removing this passkey.',
      lang: 'en',
    } as const;
    await chooseLanguage('de');
    const german = problemText(lastFactor);
    expect(german).toBe(read('de').options_problemLastFactor?.message);
    expect(german).toContain('Passkey');
    await chooseLanguage('ar');
    expect(problemText(lastFactor)).toBe(read('ar').options_problemLastFactor?.message);
    expect(uiDirection()).toBe('rtl');
    await chooseLanguage('en');
    expect(problemText(lastFactor)).toBe(lastFactor.message);
    // Without the portal's words (lang unknown, an English page), the page's own sentence is still a full one.
    expect(read('en').options_problemLastFactor?.message).toMatch(/passkey or an authenticator app/);
  });

  it('an unknown code always shows the portal’s words, in any language', async () => {
    await chooseLanguage('de');
    const unknown = {
      code: 'portal_error',
      message: 'Quota exceeded: 10 keys at most.',
      lang: 'en',
    } as const;
    expect(problemText(unknown)).toBe(unknown.message);
    const invalid = {
      code: 'validation_failed',
      message: 'Some fields are not valid.',
      fields: { phone: 'Enter 7 to 15 digits.' },
      lang: 'en',
    } as const;
    expect(fieldText(invalid, 'phone')).toBe('Enter 7 to 15 digits.');
    expect(problemText({ code: 'something_new' as 'portal_error', message: 'New rule.' })).toBe('New rule.');
    // Codes are data from another process: names of Object.prototype are no table keys.
    for (const code of ['constructor', 'toString', '__proto__'])
      expect(fieldText({ code: code as 'portal_error', message: 'Odd.', lang: 'en' }, 'x')).toBe('Odd.');
  });

  it('the extension’s own failures are the page’s words under a field too, whatever their lang', async () => {
    await chooseLanguage('de');
    const pasted = {
      code: 'ssh_key_private_key',
      message: 'This is a private key…',
      fields: { publicKey: 'This is a private key…' },
    } as const;
    expect(fieldText(pasted, 'publicKey')).toBe(read('de').options_sshPrivateKeyPasted?.message);
  });

  it('every portal code the brief names has its own words in every language', async () => {
    const codes = [
      'wrong_password',
      'too_many_attempts',
      'invalid_code',
      'totp_not_pending',
      'totp_already_enabled',
      'totp_not_enabled',
      'locked_field',
      'password_policy',
      'ssh_key_unsupported_type',
      'ssh_key_rsa_too_short',
      'ssh_key_malformed',
      'ssh_key_too_long',
      'ssh_key_multiple_keys',
      'ssh_key_duplicate',
      // Another account has the key: said in the person's language, naming no account.
      'ssh_key_in_use',
    ] as const;
    for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en')) {
      await chooseLanguage(locale);
      const texts = codes.map((code) => problemText({ code, message: 'PORTAL WORDS', lang: 'en' }));
      expect(
        texts.filter((text) => text === 'PORTAL WORDS' || text.startsWith('options_')),
        locale,
      ).toEqual([]);
      // Each code has its own sentence.
      expect(new Set(texts).size, locale).toBe(codes.length);
    }
  });
});
