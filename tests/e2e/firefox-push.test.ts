/**
 * Push approvals in Firefox ESR (issue 13; A15, B15): browser A is Firefox
 * with the built launcher, alice signed in and the browser enrolled from the
 * security centre (a moz-extension:// tab); browser B is a plain Chromium
 * that signs in to Team Wiki and presses "Send a prompt to my launcher".
 *
 * Findings (Firefox ESR 153, headless, 2 shared cores):
 * - The event stream keeps Firefox's event page awake only because its
 *   idle timeout (30 s) is longer than the portal's comment beat (20 s):
 *   each chunk's keep-alive (`runtime.getPlatformInfo`) is a parent API call,
 *   which resets the idle timer (ExtensionParent.sys.mjs, "parentapicall").
 *   Measured with a 30 s and a 25 s timeout: awake for 100 s and 80 s, one
 *   stream, prompts on screen in ~0.2 s; with 15 s the stream was cut and
 *   opened again on every 30 s alarm (bench/push.ts --firefox measures both).
 * - This test sets the timeout to 6 s so that the page is suspended (as after
 *   a broken stream) within the test's time: the `alarms` fallback (every
 *   30 s) wakes the page; it connects again and polls once, and the prompt
 *   reaches the popup. So a suspended page shows a prompt up to ~30 s late.
 * - The system notification: headless Firefox has no desktop notification
 *   service, so this Firefox shows its own alert windows
 *   (`alerts.useSystemBackend` false, ./firefox-alerts.ts); the test reads
 *   the words a person sees there and clicks the alert. The click opens the
 *   launcher's popup page on the prompt (the toolbar popup when Firefox's
 *   window has the focus, else a window of its own).
 * - Before the fix in utils/push/prompt-inbox.ts, an open popup and the
 *   background asked the portal for the list ~60 times a second: Firefox
 *   reports every storage.session write as a change, even of an equal value.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertShown, clickAlert, FIREFOX_ALERT_PREFS, waitForAlert } from './firefox-alerts.ts';
import { backgroundSuspended, enrolFirefoxA, signInFirefoxA } from './firefox-approver.ts';
import { type FirefoxHarness, startFirefoxHarness } from './firefox-harness.ts';
import { atCodePageInB, launchPlainChromium } from './push-browsers.ts';

type WithBrowser = {
  browser: {
    extension: { getViews(): Window[] };
    notifications: { getAll(): Promise<Record<string, { title: string; message: string }>> };
  };
};

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

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Not within ${timeoutMs} ms: ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  h = await startFirefoxHarness({
    // Six seconds instead of Firefox's 30 (and under the stream's 20 s beat): the page is suspended.
    prefs: { 'extensions.background.idle.timeout': 6000, ...FIREFOX_ALERT_PREFS },
    portal: {
      onRequest: ({ method, url }) => {
        if (url.startsWith('/api/v1/me/push')) apiRequests.push(`${method} ${url.split('?')[0]}`);
      },
    },
  });
  popup = await signInFirefoxA(h);
  ({ browser: b, close: closeB } = await launchPlainChromium());
});

afterAll(async () => {
  await closeB();
  await h?.close();
});

describe('push approvals in Firefox ESR, two browsers', () => {
  it('A15: the security centre (moz-extension:// tab) enrols Firefox as "Firefox on Linux"', async () => {
    expect(await enrolFirefoxA(h)).toBe('Firefox on Linux');
  });

  it("B15/A15: with the event page suspended, the alarm wakes it; the system notification names Team Wiki and B's browser, and clicking it opens the prompt; the right number lets B into Team Wiki with amr naming the push", async () => {
    const inB = await atCodePageInB(h, b, alice());
    // Suspended right before the send (B's sign-in took seconds, in which an alarm may have woken it).
    await waitUntil(() => backgroundSuspended(popup), 20_000, 'the event page is suspended');
    const sinceSuspended = apiRequests.length;
    const number = await inB.send();
    // Up to one alarm period (30 s) plus the wake-up; the alert then stays 20 s.
    const alert = await waitForAlert(h.browser, 45_000);
    const prompt = await popup.waitForSelector('[data-testid="push-prompt"]', { timeout: 10_000 });
    const promptId = await prompt?.evaluate((el) => el.getAttribute('data-prompt-id'));
    // The suspended page's stream was gone: the page was woken and connected again (the popup tab
    // sends nothing that would wake it, and the portal cannot), and asked for the list.
    expect(apiRequests.slice(sinceSuspended)).toEqual(
      expect.arrayContaining(['GET /api/v1/me/push/stream', 'GET /api/v1/me/push/prompts']),
    );
    const summary = await popup.$eval('[data-testid="push-prompt-what"]', (el) => el.textContent ?? '');
    expect(summary).toMatch(/^Sign-in to Team Wiki from Chrome \d+ on Linux, \d{1,2}:\d{2}/);
    expect(alert.title).toBe('Approve this sign-in?');
    expect(alert.message).toBe(`${summary} — approve?`);
    const shown = await popup.evaluate(() =>
      (globalThis as unknown as WithBrowser).browser.notifications.getAll(),
    );
    expect(shown[`push:${promptId}`]).toMatchObject({ title: alert.title, message: alert.message });

    await clickAlert(h.browser, alert);
    await waitUntil(async () => !(await alertShown(h.browser, alert)), 10_000, 'the clicked alert closes');
    // A popup.html view other than this tab opens with the prompt (toolbar popup or its own window).
    const openedWithPrompt = () =>
      popup.evaluate(
        (id) =>
          (globalThis as unknown as WithBrowser).browser.extension
            .getViews()
            .some(
              (view) =>
                view !== window &&
                view.location.pathname === '/popup.html' &&
                view.document.querySelector(`[data-testid="push-prompt"][data-prompt-id="${id}"]`) !== null,
            ),
        promptId,
      );
    await waitUntil(openedWithPrompt, 15_000, 'the click opens popup.html on the prompt');
    const afterClick = await popup.evaluate(() =>
      (globalThis as unknown as WithBrowser).browser.notifications.getAll(),
    );
    expect(Object.keys(afterClick)).not.toContain(`push:${promptId}`);

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
