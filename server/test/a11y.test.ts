/**
 * Accessibility of every page a person meets at the portal (issue 2 "Sign-in
 * pages … accessible"), checked in real Chromium with axe-core, walking the
 * pages the way a person does: Team Wiki sign-in (email, password, a wrong
 * password), Payroll step-up (second factor, a wrong code), the TOTP page at
 * sign-in, setting up MFA during sign-in (required, and step-up without a
 * factor: QR and key, a wrong code, the recovery codes), the locked page
 * (B9), the reset pages and the portal's root page — in light and dark, and
 * in Arabic (right to left). Zero axe violations on each; the error text is
 * in a live region and the field to fill has focus.
 */
import * as OTPAuth from 'otpauth';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../src/oidc/interactions.ts';
import { setUserRequireMfa } from '../src/services/accounts.ts';
import { enrollConfirmedTotp, generateTotpSecret } from '../src/services/totp.ts';
import { ar } from '../src/views/i18n/ar.ts';
import { de } from '../src/views/i18n/de.ts';
import { findResetLink, waitFor } from './api-helpers.ts';
import {
  type AxeViolation,
  axeViolations,
  launchChromium,
  maybeScreenshot,
  type TestBrowser,
} from './browser.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';

let portal: TestPortal;
let chromium: TestBrowser;

beforeAll(async () => {
  portal = await startTestPortal({
    config: { lockout: { maxFailures: 2, maxFailuresPerAddress: 1000 } },
  });
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await portal?.close();
});

function demo() {
  if (!portal.demo) throw new Error('The test portal was started without demo data.');
  return portal.demo;
}

/** A fresh browser context (own cookies): one person at one computer, in `language` and `scheme`. */
async function freshPage(options: { language?: string; scheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const context = await chromium.browser.createBrowserContext();
  const page = await context.newPage();
  if (options.language) await page.setExtraHTTPHeaders({ 'Accept-Language': options.language });
  if (options.scheme)
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: options.scheme }]);
  return page;
}

async function expectAccessible(page: Page): Promise<void> {
  const violations: AxeViolation[] = await axeViolations(page);
  expect(violations, `axe on ${page.url()}`).toEqual([]);
}

/** The id of the focused element (what `autofocus` chose). */
async function focusedId(page: Page): Promise<string | undefined> {
  // `autofocus` is applied after the load event; give it a moment instead of racing it (a wrong
  // field still fails the assertion). A string expression: the server's tsconfig has no DOM types.
  await page
    .waitForFunction('document.activeElement && document.activeElement !== document.body', { timeout: 3_000 })
    .catch(() => undefined);
  const id = await page.evaluate('document.activeElement ? document.activeElement.id : ""');
  return typeof id === 'string' && id ? id : undefined;
}

/** The parts of an `<input>` these tests touch (no DOM lib in the server's tsconfig). */
interface InputLike {
  value: string;
  form: { requestSubmit(): void } | null;
}

/** Types into the page's text field `id` and presses its form's primary button. */
async function fillAndSubmit(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) {
    await page.$eval(`#${id}`, (input) => {
      (input as unknown as InputLike).value = '';
    });
    await page.type(`#${id}`, value);
  }
  const first = Object.keys(fields)[0] as string;
  await Promise.all([
    page.waitForNavigation(),
    page.$eval(`#${first}`, (input) => {
      const form = (input as unknown as InputLike).form;
      if (!form) throw new Error('field outside a form');
      form.requestSubmit();
    }),
  ]);
}

async function alertText(page: Page): Promise<string> {
  return page.$eval('[role="alert"]', (el) => el.textContent?.trim() ?? '');
}

/** Opens a demo app and follows its "Sign in" link to the portal. */
async function startAppSignIn(page: Page, appUrl: string): Promise<void> {
  await page.goto(`${appUrl}/`);
  await Promise.all([page.waitForNavigation(), page.click('a[href^="/login"]')]);
}

/** The key the set-up page shows, without its grouping spaces. */
async function enrolmentKey(page: Page): Promise<string> {
  const shown = await page.$eval('[data-testid="totp-secret"]', (el) => el.textContent ?? '');
  return shown.replace(/\s/g, '');
}

function currentCode(secret: string): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
}

describe('sign-in pages in Chromium', () => {
  it('email, password and wrong-password pages have no axe violations, focus the field and announce the error', async () => {
    const page = await freshPage();
    await startAppSignIn(page, portal.demoApps.wiki);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Sign in');
    expect(await page.content()).toContain('Sign in to continue to Team Wiki.');
    expect(await focusedId(page)).toBe('email');
    await expectAccessible(page);
    await maybeScreenshot(page, 'portal-sign-in');

    await fillAndSubmit(page, { email: demo().bob.email });
    expect(await focusedId(page)).toBe('password');
    await expectAccessible(page);

    await fillAndSubmit(page, { password: 'not the password' });
    expect(await alertText(page)).toBe(MESSAGES.badCredentials);
    expect(await page.$eval('#password', (el) => el.getAttribute('aria-invalid'))).toBe('true');
    await expectAccessible(page);

    await fillAndSubmit(page, { password: demo().bob.password });
    expect(page.url().startsWith(portal.demoApps.wiki)).toBe(true);
    expect(await page.$eval('[data-testid="signed-in"]', (el) => el.textContent)).toContain(demo().bob.email);
    await expectAccessible(page);
  }, 60_000);

  it('B7: the step-up page names the app, has no axe violations, and a wrong code is announced', async () => {
    const page = await freshPage();
    const user = await createTestUser(portal, { assign: ['team-wiki', 'payroll'] });
    // A password-only session first (Team Wiki does not ask for MFA)…
    await startAppSignIn(page, portal.demoApps.wiki);
    await fillAndSubmit(page, { email: user.email });
    await fillAndSubmit(page, { password: user.password });
    expect(page.url().startsWith(portal.demoApps.wiki)).toBe(true);
    // …then an authenticator set up in the security centre.
    const totpSecret = generateTotpSecret();
    await enrollConfirmedTotp(portal.context, user.id, totpSecret);

    // …then Payroll asks for fresh MFA: only the second factor is asked for.
    await startAppSignIn(page, portal.demoApps.payroll);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe("Verify it's you to open Payroll");
    expect(await focusedId(page)).toBe('code');
    await expectAccessible(page);
    await maybeScreenshot(page, 'portal-step-up');

    await fillAndSubmit(page, { code: '000000' === currentCode(totpSecret) ? '111111' : '000000' });
    expect(await alertText(page)).toBe(MESSAGES.badCode);
    await expectAccessible(page);

    await fillAndSubmit(page, { code: currentCode(totpSecret) });
    expect(page.url().startsWith(portal.demoApps.payroll)).toBe(true);
    expect(await page.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(
      'urn:portal-launcher:acr:mfa',
    );
    await expectAccessible(page);
    await maybeScreenshot(page, 'portal-payroll');
  }, 60_000);

  it('B7: the TOTP page at sign-in (by default, Team Wiki) has no axe violations', async () => {
    const { alice } = demo();
    const page = await freshPage();
    await startAppSignIn(page, portal.demoApps.wiki);
    await fillAndSubmit(page, { email: alice.email });
    await fillAndSubmit(page, { password: alice.password });
    expect(await page.$eval('h1', (h) => h.textContent)).toBe("Verify it's you to open Team Wiki");
    expect(await focusedId(page)).toBe('code');
    await expectAccessible(page);
    await fillAndSubmit(page, { code: currentCode(alice.totpSecret) });
    expect(await page.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(
      'urn:portal-launcher:acr:mfa',
    );
  }, 60_000);

  for (const scheme of ['light', 'dark'] as const) {
    it(`B7/B11: step-up without a factor leads to set-up; set-up, a wrong code and the recovery codes have no axe violations (${scheme})`, async () => {
      const user = await createTestUser(portal, { assign: ['payroll'] });
      const page = await freshPage({ scheme });
      await startAppSignIn(page, portal.demoApps.payroll);
      await fillAndSubmit(page, { email: user.email });
      await fillAndSubmit(page, { password: user.password });
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Set up an authenticator app');
      expect(await page.content()).toContain('Payroll requires a second factor');
      expect(await focusedId(page)).toBe('code');
      await expectAccessible(page);
      if (scheme === 'light') await maybeScreenshot(page, 'portal-mfa-set-up');

      const secret = await enrolmentKey(page);
      await fillAndSubmit(page, { code: currentCode(secret) === '123456' ? '654321' : '123456' });
      expect(await alertText(page)).toBe(MESSAGES.badEnrolCode);
      await expectAccessible(page);

      await fillAndSubmit(page, { code: currentCode(secret) });
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Save your recovery codes');
      expect(await page.$$eval('[data-testid="recovery-codes"] li', (items) => items.length)).toBe(10);
      await expectAccessible(page);
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
      expect(page.url().startsWith(portal.demoApps.payroll)).toBe(true);
      expect(await page.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(
        'urn:portal-launcher:acr:mfa',
      );
    }, 90_000);
  }

  it('B11: required MFA set-up at sign-in in Arabic (dir="rtl") and the Arabic sign-in pages have no axe violations, in light and dark', async () => {
    const user = await createTestUser(portal, { assign: ['team-wiki'] });
    await setUserRequireMfa(portal.context, user.id, true);
    for (const scheme of ['light', 'dark'] as const) {
      const page = await freshPage({ language: 'ar', scheme });
      await startAppSignIn(page, portal.demoApps.wiki);
      expect(await page.$eval('html', (el) => `${el.getAttribute('lang')} ${el.getAttribute('dir')}`)).toBe(
        'ar rtl',
      );
      expect(await page.$eval('h1', (h) => h.textContent)).toBe(ar.signIn.title);
      await expectAccessible(page);
      await fillAndSubmit(page, { email: user.email });
      if (scheme === 'light') {
        // Once only: this portal locks after two failures.
        await fillAndSubmit(page, { password: 'not the password' });
        expect(await alertText(page)).toBe(ar.messages.badCredentials);
        await expectAccessible(page);
      }
      await fillAndSubmit(page, { password: user.password });
      expect(await page.$eval('h1', (h) => h.textContent)).toBe(ar.enrol.title);
      await expectAccessible(page);
      if (scheme === 'light') await maybeScreenshot(page, 'portal-mfa-set-up-ar');
      if (scheme === 'dark') {
        // Finish the set-up once: the recovery codes page in Arabic, dark.
        await fillAndSubmit(page, { code: currentCode(await enrolmentKey(page)) });
        expect(await page.$eval('h1', (h) => h.textContent)).toBe(ar.enrol.recoveryTitle);
        await expectAccessible(page);
      }
    }
  }, 90_000);

  it('B11: the sign-in pages and the required MFA set-up in German (the browser’s language): lang="de", German text, set-up completed with a computed code, no axe violations', async () => {
    const user = await createTestUser(portal, { assign: ['team-wiki'] });
    await setUserRequireMfa(portal.context, user.id, true);
    const page = await freshPage({ language: 'de-DE,de;q=0.9' });
    await startAppSignIn(page, portal.demoApps.wiki);
    expect(await page.$eval('html', (el) => `${el.getAttribute('lang')} ${el.getAttribute('dir')}`)).toBe(
      'de ltr',
    );
    expect(await page.$eval('h1', (h) => h.textContent)).toBe(de.signIn.title);
    await expectAccessible(page);
    await fillAndSubmit(page, { email: user.email });
    expect(await page.$eval('h1', (h) => h.textContent)).toBe(de.signIn.passwordTitle);
    await fillAndSubmit(page, { password: user.password });
    expect(await page.$eval('h1', (h) => h.textContent)).toBe(de.enrol.title);
    expect(await page.content()).toContain(de.enrol.whyRequired);
    await expectAccessible(page);
    await fillAndSubmit(page, { code: currentCode(await enrolmentKey(page)) });
    expect(await page.$eval('h1', (h) => h.textContent)).toBe(de.enrol.recoveryTitle);
    await expectAccessible(page);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(page.url().startsWith(portal.demoApps.wiki)).toBe(true);
    expect(await page.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(
      'urn:portal-launcher:acr:mfa',
    );
  }, 90_000);

  it('the root page says what the portal is, and has no axe violations in English, Arabic, light and dark', async () => {
    for (const [language, scheme] of [
      ['en', 'light'],
      ['en', 'dark'],
      ['ar', 'light'],
      ['ar', 'dark'],
    ] as const) {
      const page = await freshPage({ language, scheme });
      const answer = await page.goto(`${portal.issuer}/`);
      expect(answer?.status()).toBe(200);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe(
        language === 'ar' ? ar.portalName : 'Company portal',
      );
      await expectAccessible(page);
      if (language === 'en' && scheme === 'light') await maybeScreenshot(page, 'portal-root');
    }
  }, 60_000);

  it('in dark mode the sign-in and error pages keep their contrast (no axe violations)', async () => {
    const page = await freshPage();
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await startAppSignIn(page, portal.demoApps.wiki);
    await expectAccessible(page);
    await fillAndSubmit(page, { email: demo().alice.email });
    await fillAndSubmit(page, { password: 'not the password' });
    expect(await alertText(page)).toBe(MESSAGES.badCredentials);
    await expectAccessible(page);
  }, 60_000);

  it('the error pages (used launch link, expired sign-in) have no axe violations', async () => {
    for (const options of [{}, { language: 'ar', scheme: 'dark' as const }]) {
      const page = await freshPage(options);
      const launch = await page.goto(`${portal.issuer}/launch/not-a-real-ticket`);
      expect(launch?.status()).toBe(410);
      await expectAccessible(page);
      const expired = await page.goto(`${portal.issuer}/interaction/not-a-real-interaction`);
      expect(expired?.status()).toBe(400);
      await expectAccessible(page);
    }
    const page = await freshPage();
    const launch = await page.goto(`${portal.issuer}/launch/not-a-real-ticket`);
    expect(launch?.status()).toBe(410);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('This link cannot be used');
    await expectAccessible(page);

    const expired = await page.goto(`${portal.issuer}/interaction/not-a-real-interaction`);
    expect(expired?.status()).toBe(400);
    expect(await alertText(page)).toBe(MESSAGES.expired);
    await expectAccessible(page);
  }, 60_000);

  it('B9: the locked page says what to do and has no axe violations', async () => {
    const page = await freshPage();
    await startAppSignIn(page, portal.demoApps.wiki);
    // A real account, so the picture is the one a person sees (unknown addresses lock the
    // same way: sign-in-pages.test.ts, B18).
    const carol = await createTestUser(portal, { email: 'carol@example.com' });
    await fillAndSubmit(page, { email: carol.email });
    await fillAndSubmit(page, { password: 'wrong one' });
    await fillAndSubmit(page, { password: 'wrong two' });
    expect(await alertText(page)).toBe(MESSAGES.locked);
    await expectAccessible(page);
    await maybeScreenshot(page, 'portal-locked');
  }, 60_000);

  it('the reset pages (ask, sent, choose a new password, mismatch, done) work in a browser and have no axe violations', async () => {
    const page = await freshPage();
    await page.goto(`${portal.issuer}/reset-password`);
    expect(await focusedId(page)).toBe('email');
    await expectAccessible(page);

    const { bob } = demo();
    await fillAndSubmit(page, { email: bob.email });
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Check your email');
    await expectAccessible(page);

    const link = await waitFor(() => findResetLink(portal.dataDir, bob.email));
    await page.goto(link);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Choose a new password');
    expect(await focusedId(page)).toBe('password');
    await expectAccessible(page);

    await fillAndSubmit(page, { password: 'a long new passphrase', confirm: 'a different passphrase' });
    expect(await page.content()).toContain('The two passwords are not the same.');
    await expectAccessible(page);

    // The browser's own form POSTs are accepted (its Origin header is the portal's).
    await fillAndSubmit(page, { password: 'a long new passphrase', confirm: 'a long new passphrase' });
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('Password changed');
    await expectAccessible(page);
  }, 60_000);
});
