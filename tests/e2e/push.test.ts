/**
 * Push approvals with number matching, two browsers (issue 13; A15, B15).
 *
 * Browser A: Chromium with the built launcher; alice signs in and enrols it
 * from the security centre. Browser B: a second, plain Chromium (no
 * extension), where alice signs in to Team Wiki and chooses "Send a prompt
 * to my launcher" on the portal's code page. A's background gets the prompt
 * from the portal's event stream and shows a notification; A's popup shows
 * the prompt with three numbers. The right number lets B in (`amr` names
 * the push); a wrong number and "This wasn't me" refuse; a replayed approval
 * and an expired prompt are refused by the portal.
 */
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { PUSH_PROMPT_LIFETIME_SECONDS } from '../../contract/push.ts';
import {
  accessibilityViolations,
  type Harness,
  openOptionsPage,
  signInThroughPopup,
  startHarness,
  type WithChrome,
  waitForNotice,
} from './harness.ts';
import { JWT } from './portal-pages.ts';
import {
  atCodePageInB,
  launchPlainChromium,
  notificationIds as notificationIdsOf,
  promptOutcome,
} from './push-browsers.ts';

let h: Harness;
let b: Browser;
let closeB: () => Promise<void> = async () => undefined;
let alice: { email: string; password: string; totpSecret: string };
/** The answers A's background sent to the portal (request bodies), from its own network log. */
const answersSent: Array<{ url: string; body: string }> = [];

/** In B, Team Wiki's sign-in up to the waiting page; answers its number. */
async function sendPromptFromB(): Promise<{ context: BrowserContext; page: Page; number: number }> {
  const { context, page, send } = await atCodePageInB(h, b, alice);
  const number = await send();
  expect(number).toBeGreaterThanOrEqual(10);
  return { context, page, number };
}

const notificationIds = () => notificationIdsOf(h);

/** Prompts A was notified of already (each test sends a new one). */
const notified = new Set<string>();

/** Waits until A's background shows a notification for a new prompt; answers the prompt id. */
async function waitForNotification(): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const id = (await notificationIds()).find((name) => name.startsWith('push:') && !notified.has(name));
    if (id) {
      notified.add(id);
      return id.slice('push:'.length);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('No push notification in browser A.');
}

/** A's popup showing the prompt `promptId`. */
async function popupWithPrompt(promptId: string): Promise<Page> {
  const popup = await h.openPopup();
  await popup.waitForSelector(`[data-testid="push-prompt"][data-prompt-id="${promptId}"]`, {
    timeout: 20_000,
  });
  return popup;
}

beforeAll(async () => {
  h = await startHarness();
  const demo = h.portal.demo?.alice;
  if (!demo) throw new Error('no demo data');
  alice = demo;
  // A's own requests to the portal (the service worker's), to replay an approval later.
  const worker = await h.worker();
  await worker.client.send('Network.enable');
  worker.client.on('Network.requestWillBeSent', (event) => {
    if (event.request.method === 'POST' && event.request.url.includes('/api/v1/me/push/prompts/')) {
      answersSent.push({ url: event.request.url, body: event.request.postData ?? '' });
    }
  });
  await signInThroughPopup(h, alice);
  ({ browser: b, close: closeB } = await launchPlainChromium());
});

afterAll(async () => {
  await closeB();
  await h?.close();
});

describe('push approvals, two browsers', () => {
  it('security centre: "Approve sign-ins from this browser" enrols browser A under its suggested name and marks it (axe clean)', async () => {
    const options = await openOptionsPage(h, 'mfa');
    await options.waitForSelector('[data-testid="approver-enrol"]', { timeout: 20_000 });
    expect(await options.$eval('#approver-name', (el) => (el as HTMLInputElement).value)).toBe(
      'Chrome on Linux',
    );
    expect(await accessibilityViolations(options)).toEqual([]);
    await options.click('[data-testid="approver-enrol"] button[type="submit"]');
    await waitForNotice(options, 'This browser now approves your sign-ins.');
    await options.waitForSelector('[data-testid="approver-this-browser"]');
    const entries = await options.$$eval('[data-testid="approver"]', (items) =>
      items.map((li) => li.textContent),
    );
    expect(entries).toEqual([expect.stringContaining('Chrome on Linux')]);
    expect(entries[0]).toContain('Not used yet');
    expect(await options.$('[data-testid="approver-enrol"]')).toBeNull();
    await h.screenshot(options, 'options-approvers');
    await options.close();
  });

  it('B15/A15: B sends a prompt; A notifies and shows three numbers; the right one lets B into Team Wiki with amr naming the push', async () => {
    const { context, page, number } = await sendPromptFromB();
    const promptId = await waitForNotification();
    const popup = await popupWithPrompt(promptId);
    const what = await popup.$eval('[data-testid="push-prompt-what"]', (el) => el.textContent ?? '');
    expect(what).toMatch(/^Sign-in to Team Wiki from Chrome [\d.]+ on Linux, \d{1,2}:\d\d( [AP]M)?$/);
    const choices = await popup.$$eval('.push-number', (buttons) =>
      buttons.map((b) => Number(b.textContent)),
    );
    expect(choices).toHaveLength(3);
    expect(choices).toContain(number);
    expect(await accessibilityViolations(popup)).toEqual([]);
    // Keyboard: the prompt's heading has the focus; Tab reaches the numbers.
    expect(await popup.evaluate(() => document.activeElement?.textContent)).toBe('Sign-in request');
    await h.screenshot(popup, 'popup-push-prompt');

    await popup.focus(`.push-number[data-number="${number}"]`);
    await popup.keyboard.press('Enter');
    expect(await promptOutcome(popup)).toContain('Approved');

    await page.waitForFunction(
      (prefix: string) => location.href.startsWith(prefix),
      { timeout: 20_000, polling: 100 },
      h.portal.demoApps.wiki,
    );
    await page.waitForSelector('[data-testid="amr"]');
    const amr = (await page.$eval('[data-testid="amr"]', (el) => el.textContent ?? '')).split(' ');
    expect(amr).toEqual(expect.arrayContaining(['push', 'mfa']));
    expect(await page.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(ACR_MFA);
    // The prompt is gone from A: its notification withdrawn.
    await expect.poll(notificationIds, { timeout: 10_000 }).not.toContain(`push:${promptId}`);
    // A15: what A sent is a signature and a device id, never key material.
    expect(answersSent).toHaveLength(1);
    expect(answersSent[0]?.body).not.toMatch(/"d"\s*:|PRIVATE KEY|pkcs8/i);
    expect(answersSent[0]?.body).not.toMatch(JWT);
    await popup.close();
    await context.close();
  });

  it('B15: a replayed approval is refused (single use)', async () => {
    const [first] = answersSent;
    if (!first) throw new Error('no approval recorded');
    const worker = await h.worker();
    const accessToken = await worker.evaluate(async () => {
      const stored = (await (globalThis as unknown as WithChrome).chrome.storage.session.get('session')) as {
        session?: { value?: { accessToken?: string } };
      };
      return stored.session?.value?.accessToken ?? '';
    });
    expect(accessToken).toMatch(JWT);
    const replay = await fetch(first.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: first.body,
    });
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as { code: string }).code).toBe('push_prompt_gone');
  });

  it('B15: a wrong number refuses the sign-in; B stays out and says so', async () => {
    const { context, page, number } = await sendPromptFromB();
    const promptId = await waitForNotification();
    const popup = await popupWithPrompt(promptId);
    const wrong = await popup.$$eval(
      '.push-number',
      (buttons, right) => buttons.map((b) => Number(b.textContent)).filter((n) => n !== right),
      number,
    );
    await popup.click(`.push-number[data-number="${wrong[0]}"]`);
    expect(await promptOutcome(popup)).toContain('That was not the number on the sign-in page');
    await page.waitForSelector('[role="alert"]::-p-text(The sign-in was refused on your launcher)', {
      timeout: 20_000,
    });
    expect(page.url().startsWith(h.portal.demoApps.wiki)).toBe(false);
    await expect.poll(notificationIds, { timeout: 10_000 }).not.toContain(`push:${promptId}`);
    await popup.close();
    await context.close();
  });

  it('B15: "This wasn\'t me" refuses and offers to change the password; B\'s sign-in is stopped', async () => {
    const { context, page } = await sendPromptFromB();
    const promptId = await waitForNotification();
    const popup = await popupWithPrompt(promptId);
    await popup.click('[data-testid="push-not-me"]');
    expect(await promptOutcome(popup)).toContain('Reported');
    await popup.waitForSelector('[data-testid="push-outcome"] button::-p-text(Change password)');
    expect(await accessibilityViolations(popup)).toEqual([]);
    await page.waitForSelector('h1::-p-text(Sign-in stopped)', { timeout: 20_000 });
    expect(page.url().startsWith(h.portal.demoApps.wiki)).toBe(false);
    await popup.close();
    await context.close();
  });

  it('B15: an expired prompt disappears from A and cannot be approved', async () => {
    const { context, page, number } = await sendPromptFromB();
    const promptId = await waitForNotification();
    const popup = await popupWithPrompt(promptId);
    h.portal.clock.advance((PUSH_PROMPT_LIFETIME_SECONDS + 1) * 1000);
    // The portal's stream drops it: the notification and the popup's prompt go.
    await expect.poll(notificationIds, { timeout: 15_000 }).not.toContain(`push:${promptId}`);
    await popup.waitForSelector('[data-testid="push-prompt"]', { hidden: true, timeout: 15_000 });
    // B's page says so.
    await page.waitForSelector('[role="alert"]::-p-text(The prompt expired before it was approved)', {
      timeout: 20_000,
    });
    // Approving it anyway (a popup that still showed it) is refused by the portal.
    const answer = await popup.evaluate(
      async (id: string, chosen: number) =>
        (globalThis as unknown as WithChrome).chrome.runtime.sendMessage({
          channel: 'portal-launcher/v1',
          name: 'answerPushPrompt',
          payload: { id, decision: 'approve', number: chosen },
        }),
      promptId,
      number,
    );
    expect(JSON.stringify(answer)).toContain('push_prompt_gone');
    await popup.close();
    await context.close();
  });
});
