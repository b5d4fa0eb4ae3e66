/**
 * Push approvals in Firefox ESR (issue 13; A15, B15): browser A is Firefox
 * with the built launcher, alice signed in and the browser enrolled from the
 * security centre (a moz-extension:// tab); browser B is a plain Chromium
 * that signs in to Team Wiki and presses "Send a prompt to my launcher".
 *
 * Findings (Firefox ESR 153, headless, 2 shared cores):
 * - The portal's event stream does not keep Firefox's event page awake: with
 *   `extensions.background.idle.timeout` at 6 s the page is suspended 4–6 s
 *   after enrolling, and the portal logs the stream's premature close. Reading
 *   a fetch body and calling an extension API are no activity for Firefox's
 *   idle timer. Real Firefox gives 30 s, the same cut, later.
 * - The `alarms` fallback (every 30 s) wakes the page; it connects again and
 *   polls once, and the prompt reaches the popup. So in Firefox a prompt can
 *   take up to about 30 s to show while the page is suspended.
 * - Before the fix in utils/push/prompt-inbox.ts, an open popup and the
 *   background asked the portal for the list ~60 times a second: Firefox
 *   reports every storage.session write as a change, even of an equal value.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completePortalSignIn,
  connectPortal,
  type FirefoxHarness,
  openExtensionPage,
  startFirefoxHarness,
  waitForApps,
} from './firefox-harness.ts';
import { atCodePageInB, launchPlainChromium } from './push-browsers.ts';

type WithBrowser = { browser: { extension: { getBackgroundPage(): object | null } } };

let h: FirefoxHarness;
let b: Browser;
let closeB: () => Promise<void> = async () => undefined;
let popup: Page;
/** Portal API requests (method and path), to see the poll. */
const apiRequests: string[] = [];

const alice = () => {
  const demo = h.portal.demo?.alice;
  if (!demo) throw new Error('The portal has no demo data.');
  return demo;
};

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  h = await startFirefoxHarness({
    // Six seconds instead of Firefox's 30 make the suspension happen within the test's time.
    prefs: { 'extensions.background.idle.timeout': 6000 },
    portal: {
      onRequest: ({ method, url }) => {
        if (url.startsWith('/api/v1/me/push')) apiRequests.push(`${method} ${url.split('?')[0]}`);
      },
    },
  });
  popup = await h.openPopup();
  await connectPortal(h, popup);
  await popup.click('button::-p-text(Sign in)');
  await completePortalSignIn(await h.waitForTab(h.portal.issuer), alice());
  await waitForApps(popup);
  ({ browser: b, close: closeB } = await launchPlainChromium());
});

afterAll(async () => {
  await closeB();
  await h?.close();
});

describe('push approvals in Firefox ESR, two browsers', () => {
  it('A15: the security centre (moz-extension:// tab) enrols Firefox as "Firefox on Linux"', async () => {
    const options = await openExtensionPage(h, 'options.html#mfa');
    await options.waitForSelector('[data-testid="approver-enrol"]', { timeout: 20_000 });
    expect(await options.$eval('#approver-name', (el) => (el as HTMLInputElement).value)).toBe(
      'Firefox on Linux',
    );
    await options.click('[data-testid="approver-enrol"] button[type="submit"]');
    await options.waitForSelector('[data-testid="approver-this-browser"]', { timeout: 20_000 });
    await options.close();
  });

  it('B15/A15: with the event page suspended, the alarm wakes it and the popup shows the prompt; the right number lets B into Team Wiki with amr naming the push', async () => {
    await waitUntil(
      () =>
        popup.evaluate(
          () => (globalThis as unknown as WithBrowser).browser.extension.getBackgroundPage() === null,
        ),
      20_000,
    );
    const inB = await atCodePageInB(h, b, alice());
    const number = await inB.send();
    // Up to one alarm period (30 s) plus the wake-up.
    const prompt = await popup.waitForSelector('[data-testid="push-prompt"]', { timeout: 45_000 });
    expect(prompt).not.toBeNull();
    expect(apiRequests).toContain('GET /api/v1/me/push/prompts');
    const choices = await popup.$$eval('.push-number', (buttons) =>
      buttons.map((n) => Number(n.textContent)),
    );
    expect(choices).toHaveLength(3);
    expect(choices).toContain(number);
    await popup.click(`.push-number[data-number="${number}"]`);
    await inB.page.waitForFunction(
      (prefix: string) => location.href.startsWith(prefix),
      { timeout: 20_000, polling: 100 },
      h.portal.demoApps.wiki,
    );
    await inB.page.waitForSelector('[data-testid="amr"]');
    const amr = (await inB.page.$eval('[data-testid="amr"]', (el) => el.textContent ?? '')).split(' ');
    expect(amr).toEqual(expect.arrayContaining(['push', 'mfa']));
    await inB.context.close();
  });
});
