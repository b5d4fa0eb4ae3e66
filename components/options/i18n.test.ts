import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { chooseLanguage, type LocaleMessage, SUPPORTED_LOCALES, uiDirection } from '../../utils/i18n.ts';
import { ot, problemText } from './i18n.ts';

const root = path.resolve(import.meta.dirname, '../..');
const read = (locale: string): Record<string, LocaleMessage> =>
  JSON.parse(readFileSync(path.join(root, 'public/_locales', locale, 'messages.json'), 'utf8'));

/** The security centre's sources (not its tests). */
function sources(): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  for (const dir of ['components/options', 'entrypoints/options']) {
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
    expect(problemText({ code: 'wrong_password', message: 'The current password is not correct.' })).toBe(
      'The current password is not correct.',
    );
    expect(problemText({ code: 'portal_error', message: '' })).toBe(
      read('de').options_problemUnknown?.message,
    );
  });
});
