/**
 * The security centre in German and Arabic, in real Chromium with the built
 * extension against a real portal: the language chosen in Settings applies
 * to every section at once, Arabic lays the page out right to left, no
 * message is missing (a missing one shows its `options_*` key), no English
 * sentence is left over, and axe-core finds no violations.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_RSA_BITS } from '../../contract/constants.ts';
import type { LocaleMessage } from '../../utils/i18n.ts';
import {
  accessibilityViolations,
  EXTENSION_ORIGIN,
  type Harness,
  pastePublicKey,
  signInThroughPopup,
  startHarness,
} from './harness.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../server/test/fixtures/ssh');
const SECTIONS = ['profile', 'password', 'mfa', 'ssh-keys', 'downloads', 'sessions', 'settings'] as const;

const messages = (locale: string): Record<string, LocaleMessage> =>
  JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, `../../public/_locales/${locale}/messages.json`), 'utf8'),
  );

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  const bob = h.portal.demo?.bob;
  if (!bob) throw new Error('no demo data');
  const { popup } = await signInThroughPopup(h, bob);
  await popup.close();
});

afterAll(async () => {
  await h?.close();
});

/** Everything a person (or a screen reader) is given: the text (hidden helper text too) and the labelling attributes. */
async function visibleWords(page: Page): Promise<string> {
  return page.evaluate(() => {
    const attributes = [...document.querySelectorAll('[aria-label], [alt], [title], [placeholder]')].flatMap(
      (el) =>
        ['aria-label', 'alt', 'title', 'placeholder']
          .map((name) => el.getAttribute(name) ?? '')
          .filter(Boolean),
    );
    return [document.title, document.body.textContent, ...attributes].join('\n');
  });
}

/** Opens `section`, waits until it has loaded, and returns what it says. */
async function showSection(page: Page, section: string): Promise<string> {
  await page.goto(`${EXTENSION_ORIGIN}/options.html#${section}`);
  await page.waitForSelector(`[data-section="${section}"] h2`);
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
  if (section === 'mfa') {
    // The setup card too: the QR code's text alternative, the setup key and the code form.
    await page.click('[data-testid="mfa-off"] button');
    await page.waitForSelector('[data-testid="enrollment"] img.qr');
  }
  return visibleWords(page);
}

/** English sentences of the security centre that this language words differently. */
function englishOnly(locale: string): string[] {
  const en = messages('en');
  const other = messages(locale);
  return Object.entries(en)
    .filter(([key, entry]) => key.startsWith('options_') && !entry.placeholders)
    .map(([key, entry]) => [entry.message, other[key]?.message ?? ''] as const)
    .filter(([english, translated]) => english !== translated && english.length > 12)
    .map(([english]) => english);
}

/** The sentence `key` of `locale` with its placeholders filled (`{ minimum: '3072' }`). */
function sentence(locale: string, key: string, values: Record<string, string> = {}): string {
  const entry = messages(locale)[key];
  if (!entry) throw new Error(`no message ${key} in ${locale}`);
  return entry.message.replace(
    /\$([A-Za-z0-9_]+)\$/g,
    (match, name: string) => values[name.toLowerCase()] ?? match,
  );
}

// First in the file: adding a key is a sensitive change the portal allows within minutes of the sign-in (B11).
describe('the portal’s refusals in the page’s language (Content-Language)', () => {
  it('B16: on the German page, an RSA-2048 key and a malformed key are refused in German, though the portal answers in English', async () => {
    // What the background asks the portal for (it is the only context that talks to it).
    const asked: string[] = [];
    const worker = await h.worker();
    await worker.client.send('Network.enable');
    worker.client.on('Network.requestWillBeSent', (event) => {
      if (event.request.method !== 'POST' || !event.request.url.endsWith('/api/v1/me/ssh-keys')) return;
      const header = Object.entries(event.request.headers).find(
        ([name]) => name.toLowerCase() === 'accept-language',
      );
      asked.push(String(header?.[1]));
    });

    const page = await h.browser.newPage();
    await page.goto(`${EXTENSION_ORIGIN}/options.html#settings`);
    await page.waitForSelector('#language');
    await page.select('#language', 'de');
    await page.waitForFunction(() => document.documentElement.lang === 'de');

    await page.goto(`${EXTENSION_ORIGIN}/options.html#ssh-keys`);
    await page.waitForSelector('[data-testid="ssh-empty"]');
    await page.type('#ssh-name', 'alter Laptop');
    await pastePublicKey(page, readFileSync(path.join(FIXTURES, 'rsa-2048.pub'), 'utf8'));
    await page.click('[data-testid="add-key-form"] button[type="submit"]');
    const expected = sentence('de', 'options_problemSshKeyRsaTooShort', { minimum: String(MIN_RSA_BITS) });
    expect(expected).toContain('3072');
    await page.waitForFunction(
      (text: string) =>
        document.querySelector('[data-testid="error-ssh-public-key-error"]')?.textContent === text,
      { timeout: 20_000 },
      expected,
    );
    expect(await page.$eval('[data-testid="notice"]', (el) => el.textContent)).toBe(
      sentence('de', 'options_sshNotAdded'),
    );
    expect(await page.$eval('#ssh-public-key', (el) => el.getAttribute('aria-invalid'))).toBe('true');

    await pastePublicKey(page, 'ssh-ed25519 not-base64-at-all laptop');
    await page.click('[data-testid="add-key-form"] button[type="submit"]');
    await page.waitForFunction(
      (text: string) =>
        document.querySelector('[data-testid="error-ssh-public-key-error"]')?.textContent === text,
      { timeout: 20_000 },
      sentence('de', 'options_problemSshKeyMalformed'),
    );
    // Nothing was added, and the portal's English reasons are nowhere on the page.
    expect(await page.$('[data-testid="ssh-empty"]')).not.toBeNull();
    const words = await visibleWords(page);
    expect(words).not.toContain('the minimum is');
    expect(words).not.toContain('not an SSH public key');
    // Both requests reached the portal, asking for German first.
    expect(asked).toEqual(['de, en;q=0.5', 'de, en;q=0.5']);
    await h.screenshot(page, 'options-ssh-refused-de');

    // Back to the browser's language for the next test.
    await page.goto(`${EXTENSION_ORIGIN}/options.html#settings`);
    await page.waitForSelector('#language');
    await page.select('#language', '');
    await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
    await worker.client.send('Network.disable');
    await page.close();
  });
});

describe('security centre in other languages', () => {
  for (const { locale, dir, heading } of [
    { locale: 'de', dir: 'ltr', heading: 'SSH-Schlüssel' },
    { locale: 'ar', dir: 'rtl', heading: 'مفاتيح SSH' },
  ] as const) {
    it(`choosing ${locale} in Settings renders every section in it (${dir}), with no missing or English strings and no axe violations`, async () => {
      const page = await h.browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      await page.goto(`${EXTENSION_ORIGIN}/options.html#settings`);
      await page.waitForSelector('#language');
      await page.select('#language', locale);
      // The whole page switches at once, without a reload.
      await page.waitForFunction((tag: string) => document.documentElement.lang === tag, {}, locale);
      expect(await page.evaluate(() => document.documentElement.dir)).toBe(dir);
      expect(await page.$eval('[data-testid="notice"]', (el) => el.textContent)).toBe(
        messages(locale).options_languageSaved?.message,
      );

      const leftovers = englishOnly(locale);
      expect(leftovers.length).toBeGreaterThan(100);
      const problems: string[] = [];
      for (const section of SECTIONS) {
        // A fresh load reads the saved language before showing anything.
        const words = await showSection(page, section);
        expect(await page.evaluate(() => document.documentElement.lang), section).toBe(locale);
        expect(await page.evaluate(() => document.documentElement.dir), section).toBe(dir);
        for (const key of words.match(/options_[A-Za-z0-9_]+/g) ?? [])
          problems.push(`${section}: missing ${key}`);
        for (const english of leftovers) {
          if (words.includes(english)) problems.push(`${section}: English "${english}"`);
        }
        for (const violation of await accessibilityViolations(page, { allImpacts: true })) {
          problems.push(`${section}: axe ${violation}`);
        }
        if (section === 'ssh-keys') {
          expect(await page.$eval('#ssh-keys-title', (el) => el.textContent)).toBe(heading);
          // The navigation sits on the reading side: right for Arabic, left for German.
          const side = await page.$eval('nav.sidebar', (el) => {
            const box = el.getBoundingClientRect();
            return box.left > window.innerWidth / 2 ? 'right' : 'left';
          });
          expect(side).toBe(dir === 'rtl' ? 'right' : 'left');
          await h.screenshot(page, `options-ssh-keys-${locale}`);
        }
      }
      expect(problems).toEqual([]);

      // Back to the browser's language.
      await page.goto(`${EXTENSION_ORIGIN}/options.html#settings`);
      await page.waitForSelector('#language');
      await page.select('#language', '');
      // The browser's own UI language (en-US in this test browser).
      await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
      await page.close();
    });
  }
});
