/**
 * The two browsers of the push approval tests and bench (issue 13): browser
 * B, a plain Chromium without the launcher, signs in to Team Wiki and asks
 * for a prompt; browser A (the harness's, with the launcher) is enrolled from
 * its security centre and watched through its service worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';
import { chromiumArgs, findBrowser } from '../../scripts/browser.ts';
import {
  type Harness,
  type HarnessOptions,
  openOptionsPage,
  signInThroughPopup,
  startHarness,
  waitForNotice,
} from './harness.ts';
import { fillPortalSignIn } from './portal-pages.ts';

/** Browser B: plain Chromium, no extension, a profile of its own (removed on close). */
export async function launchPlainChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'launcher-e2e-b-'));
  const browser = await puppeteer.launch({
    executablePath: findBrowser(),
    headless: true,
    pipe: true,
    args: chromiumArgs({ userDataDir: profile, headless: true, mapAllHostsToLoopback: true }).filter(
      (arg) => !arg.startsWith('--user-data-dir') && !arg.startsWith('--headless'),
    ),
    userDataDir: profile,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What {@link usePushBrowsers} starts: A (the harness, alice signed in), B, and alice's demo account. */
export interface PushBrowsers {
  h: Harness;
  b: Browser;
  alice: { email: string; password: string; totpSecret: string };
}

/**
 * A test file's two browsers, started in `beforeAll` and closed in `afterAll`:
 * the harness with alice signed in through the popup (and A enrolled as her
 * approver when `enrolA`), and browser B. Read the fields inside tests and hooks.
 */
export function usePushBrowsers(
  options: {
    enrolA?: boolean;
    /** A's harness options, read when it starts (after the file's earlier `beforeAll` hooks). */
    harness?: () => HarnessOptions;
  } = {},
): PushBrowsers {
  const started = {} as PushBrowsers;
  let closeB: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    started.h = await startHarness(options.harness?.());
    const alice = started.h.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    started.alice = alice;
    await signInThroughPopup(started.h, alice);
    if (options.enrolA) await (await enrolBrowserA(started.h)).close();
    ({ browser: started.b, close: closeB } = await launchPlainChromium());
  }, 120_000);
  afterAll(async () => {
    await closeB();
    await started.h?.close();
  });
  return started;
}

/** The portal's code page of a Team Wiki sign-in in B, in a fresh context (no portal session). */
export async function codePageInB(
  h: { portal: Pick<Harness['portal'], 'issuer' | 'demoApps'> },
  b: Browser,
  account: { email: string; password: string },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await b.createBrowserContext();
  const page = await context.newPage();
  const wiki = h.portal.demoApps.wiki;
  await page.goto(
    `${wiki}/login?${new URLSearchParams({ iss: h.portal.issuer, target_link_uri: `${wiki}/` })}`,
  );
  // Email and password only: the code page must stay, for its "Send a prompt" button.
  await fillPortalSignIn(page, { email: account.email, password: account.password });
  await page.waitForSelector('#code', { timeout: 20_000 });
  return { context, page };
}

/** The "Send a prompt to my launcher" button on a code page, or null. */
export const sendPromptButton = (page: Page) => page.$('button::-p-text(Send a prompt to my launcher)');

/** The code page of a Team Wiki sign-in in B (a fresh context: no portal session), ready to send a prompt. */
export async function atCodePageInB(
  h: { portal: Pick<Harness['portal'], 'issuer' | 'demoApps'> },
  b: Browser,
  account: { email: string; password: string },
): Promise<{ context: BrowserContext; page: Page; send(): Promise<number> }> {
  const { context, page } = await codePageInB(h, b, account);
  const button = await sendPromptButton(page);
  if (!button) throw new Error('The code page does not offer "Send a prompt to my launcher".');
  return {
    context,
    page,
    /** Presses "Send a prompt to my launcher"; answers the number the waiting page shows. */
    async send() {
      await Promise.all([page.waitForNavigation(), button?.click()]);
      return Number(await page.$eval('[data-testid="push-number"]', (el) => el.textContent?.trim()));
    },
  };
}

/** Enrols browser A from its security centre under the suggested name. */
export async function enrolBrowserA(h: Harness): Promise<Page> {
  const options = await openOptionsPage(h, 'mfa');
  await options.waitForSelector('[data-testid="approver-enrol"]', { timeout: 20_000 });
  await options.click('[data-testid="approver-enrol"] button[type="submit"]');
  await waitForNotice(options, 'This browser now approves your sign-ins.');
  return options;
}

/** The outcome line of a prompt in A's popup once its answer is sent ("Approved…", "Denied…"). */
export async function promptOutcome(popup: Page): Promise<string> {
  const handle = await popup.waitForFunction(
    () => {
      const text = document.querySelector('[data-testid="push-outcome"]')?.textContent ?? '';
      return text && !text.startsWith('Sending') ? text : null;
    },
    { timeout: 20_000 },
  );
  return (await handle.jsonValue()) as string;
}

/** The notification ids A's background shows now. */
export async function notificationIds(h: Harness): Promise<string[]> {
  const worker = await h.worker();
  return worker.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: { notifications: { getAll(): Promise<object> } } })
      .chrome;
    return Object.keys(await api.notifications.getAll());
  });
}

type StorageEvents = {
  chrome: {
    storage: {
      onChanged: {
        addListener(fn: (changes: Record<string, { newValue?: unknown }>, area: string) => void): void;
      };
    };
  };
  pushStoredAt?: number;
};

/**
 * Starts watching A's service worker for the next stored prompt list that has a prompt (the listener is
 * in place when this resolves); the returned function waits for it and answers the time it was stored.
 */
export async function nextPromptStoredAt(h: Harness): Promise<() => Promise<number>> {
  const worker = await h.worker();
  await worker.evaluate(() => {
    const scope = globalThis as unknown as StorageEvents;
    scope.pushStoredAt = undefined;
    scope.chrome.storage.onChanged.addListener((changes, area) => {
      const stored = changes.pushPrompts?.newValue as { value?: { prompts?: unknown[] } } | undefined;
      if (area === 'session' && (stored?.value?.prompts?.length ?? 0) > 0) scope.pushStoredAt ??= Date.now();
    });
  });
  return async () => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const at = await worker.evaluate(() => (globalThis as unknown as StorageEvents).pushStoredAt);
      if (at !== undefined) return at;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('No prompt reached the launcher background within 30 s.');
  };
}
