/**
 * A step-up cancelled on the portal's page, in real Chromium against the
 * reference portal: the step-up tab shows the product's "Try again" page (the
 * app, the reason, Try again, and "Contact your administrator" from the
 * portal's `PORTAL_ADMIN_CONTACT`, hidden when none is set), the popup says
 * it in one sentence, and Try again restarts the step-up in the same tab,
 * where Payroll then opens (and the popup then says so instead). The page is checked with axe in light and dark,
 * left to right and in Arabic (right to left). Also: with the portal stopped, Payroll fails at
 * once like a plain app, without a step-up tab (C3).
 */
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import {
  accessibilityViolations,
  EXTENSION_ORIGIN,
  enterCode,
  type Harness,
  signInThroughPopup,
  startHarness,
  type WithChrome,
} from './harness.ts';
import { STEP_UP_ONLY_PORTAL } from './portal-pages.ts';

const AUTH_PAGE = `${EXTENSION_ORIGIN}/auth.html`;
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');

async function signedIn(): Promise<{ h: Harness; popup: Page }> {
  const h = await startHarness({ portal: STEP_UP_ONLY_PORTAL });
  const alice = h.portal.demo?.alice;
  if (!alice) throw new Error('no demo data');
  const { popup } = await signInThroughPopup(h, alice);
  return { h, popup };
}

/** Presses the portal's Cancel on its step-up page and waits for the extension's page in that tab. */
async function cancelStepUp(tab: Page): Promise<void> {
  await tab.bringToFront();
  await tab.waitForSelector('#code');
  await Promise.all([
    tab.waitForFunction((prefix: string) => location.href.startsWith(prefix), { timeout: 20_000 }, AUTH_PAGE),
    tab.click('form[action$="/abort"] button'),
  ]);
  await tab.waitForSelector('#retry', { timeout: 20_000 });
}

/** Presses Try again on the extension's page and waits for the portal's step-up page in that tab. */
async function tryAgain(h: Harness, tab: Page): Promise<void> {
  await tab.bringToFront();
  await Promise.all([
    tab.waitForFunction(
      (issuer: string) => location.href.startsWith(issuer),
      { timeout: 20_000 },
      h.portal.issuer,
    ),
    tab.click('#retry'),
  ]);
}

/** A browser with alice signed in for the tests of the describe block it is called in, closed after them. */
function signedInBrowser(): { h: Harness; popup: Page } {
  const ctx = {} as { h: Harness; popup: Page };
  beforeAll(async () => {
    Object.assign(ctx, await signedIn());
  });
  afterAll(async () => {
    await ctx.h?.close();
  });
  return ctx;
}

const pagesAt = async (h: Harness, prefix: string) =>
  (await h.browser.pages()).filter((page) => page.url().startsWith(prefix));

describe('step-up cancelled', () => {
  const ctx = signedInBrowser();

  it('B7/C5: Cancel shows Try again (contact hidden when none is set, shown once the portal names one); Try again lands Payroll in that tab', async () => {
    const { h, popup } = ctx;
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const tab = await h.waitForTab(h.portal.issuer);
    await cancelStepUp(tab);

    // The product's page: the app, the reason, Try again; no contact while the portal names none.
    expect(await tab.$eval('h1', (el) => el.textContent)).toBe('Payroll was not opened');
    expect(await tab.$eval('#message', (el) => el.textContent)).toBe('The verification was cancelled.');
    expect(await tab.$('#contact')).toBeNull();
    expect(await tab.evaluate(() => document.activeElement?.id)).toBe('retry');

    // The popup says the same in one sentence.
    await popup.bringToFront();
    await popup.waitForSelector('[data-testid="status"]::-p-text(Opening Payroll was cancelled.)', {
      timeout: 10_000,
    });

    // The admin names a contact on the portal; Try again, Cancel again: now the page links to it.
    h.portal.context.config.adminContact = 'it-help@example.com';
    await tryAgain(h, tab);
    await cancelStepUp(tab);
    expect(await tab.$eval('#contact', (el) => [el.textContent, el.getAttribute('href')])).toEqual([
      'Contact your administrator',
      'mailto:it-help@example.com',
    ]);
    expect(await tab.$eval('#contact-text', (el) => el.textContent)).toBe('Email: it-help@example.com');
    expect(await pagesAt(h, h.portal.demoApps.payroll)).toHaveLength(0);

    for (const scheme of ['light', 'dark'] as const) {
      await tab.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      expect(await accessibilityViolations(tab, { allImpacts: true }), scheme).toEqual([]);
    }
    await tab.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await tab.setViewport({ width: 760, height: 560 });
    await tab.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await h.screenshot(tab, 'step-up-try-again');
    await tab.screenshot({ path: path.join(SCREENSHOTS, 'step-up-try-again.png') as `${string}.png` });

    // The same page in Arabic (the language chosen in Settings): right to left, translated, accessible.
    const worker = await h.worker();
    await worker.evaluate(async (issuer: string) => {
      await (globalThis as unknown as WithChrome).chrome.storage.local.set({
        settings: { portalUrl: issuer, language: 'ar' },
      });
    }, h.portal.issuer);
    await tryAgain(h, tab);
    await cancelStepUp(tab);
    expect(await tab.$eval('html', (el) => `${el.lang} ${el.dir}`)).toBe('ar rtl');
    expect(await tab.$eval('h1', (el) => el.textContent)).toBe('لم يتم فتح Payroll');
    expect(await tab.$eval('#message', (el) => el.textContent)).toBe('تم إلغاء التحقق.');
    expect(await tab.$eval('#contact', (el) => el.textContent)).toBe('تواصل مع المسؤول');
    for (const scheme of ['light', 'dark'] as const) {
      await tab.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      expect(await accessibilityViolations(tab, { allImpacts: true }), `ar ${scheme}`).toEqual([]);
    }
    await tab.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);

    // Try again: the step-up restarts in this very tab, and Payroll opens there afterwards.
    const tabsBefore = (await h.browser.pages()).length;
    await tryAgain(h, tab);
    await enterCode(tab, await h.totp());
    await tab.waitForFunction(
      (prefix: string) => location.href.startsWith(prefix),
      { timeout: 20_000 },
      h.portal.demoApps.payroll,
    );
    await tab.waitForSelector('[data-testid="acr"]');
    expect(await tab.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(ACR_MFA);
    expect((await h.browser.pages()).length).toBe(tabsBefore);
    expect(await pagesAt(h, h.portal.demoApps.payroll)).toHaveLength(1);

    // The popup, which said the launch was cancelled, now says Payroll opened (in the language
    // chosen in Settings), as a status rather than an alert.
    await popup.bringToFront();
    await popup.waitForSelector('[data-testid="status"]::-p-text(تم فتح Payroll.)', { timeout: 20_000 });
    expect(await popup.$eval('[data-testid="status"]', (el) => el.getAttribute('role'))).toBe('status');
  });
});

describe('portal stopped', () => {
  const ctx = signedInBrowser();

  it('C3: launching Payroll (needs MFA) fails at once with "did not answer", and no step-up tab opens', async () => {
    const { h, popup } = ctx;
    await h.portal.close();
    await popup.bringToFront();
    const started = Date.now();
    await popup.click('[data-app-id="payroll"]');
    await popup.waitForSelector('[data-testid="status"]::-p-text(did not answer)', { timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(8000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await pagesAt(h, h.portal.issuer)).toHaveLength(0);
  });
});
