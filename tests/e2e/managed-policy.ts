/**
 * Waiting for a machine policy to reach the extension's `storage.managed` in
 * Chromium: a few seconds after browser start on its own, otherwise after
 * "Reload policies" in chrome://policy, as an administrator testing a change
 * would click it.
 */
import type { Browser } from 'puppeteer-core';
import type { ExtensionBrowser } from './harness.ts';

type WithManaged = { chrome: { storage: { managed: { get(): Promise<Record<string, unknown>> } } } };

/** The extension's managed storage, read in its service worker. */
export async function readManaged(
  chromium: Pick<ExtensionBrowser, 'worker'>,
): Promise<Record<string, unknown>> {
  const worker = await chromium.worker();
  return worker.evaluate(() => (globalThis as unknown as WithManaged).chrome.storage.managed.get());
}

/** Clicks "Reload policies" in chrome://policy. */
export async function reloadPolicies(browser: Browser): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.goto('chrome://policy');
    await page.click('>>> #reload-policies');
  } finally {
    await page.close();
  }
}

/** Waits until storage.managed names `portalUrl`: 6 s on its own, then 30 s after "Reload policies". */
export async function waitForManagedPortal(
  chromium: Pick<ExtensionBrowser, 'worker' | 'browser'>,
  portalUrl: string,
): Promise<void> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const landed = async () => (await readManaged(chromium)).portalUrl === portalUrl;
  const started = Date.now();
  while (Date.now() - started < 6000) {
    if (await landed()) return;
    await sleep(250);
  }
  await reloadPolicies(chromium.browser);
  const clicked = Date.now();
  while (Date.now() - clicked < 30_000) {
    if (await landed()) return;
    await sleep(250);
  }
  throw new Error(`The policy did not reach storage.managed: ${JSON.stringify(await readManaged(chromium))}`);
}
