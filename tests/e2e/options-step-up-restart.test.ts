/**
 * C1 for account changes: the service worker is stopped while the security
 * centre waits on a step-up tab (B11). Finishing the step-up in that tab
 * still carries out the change, and the options page shows it, as launches
 * do (step-up-faults.test.ts).
 */

import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSshKey, listUserSshKeys } from '../../server/src/services/ssh-keys.ts';
import { EXTENSION_ORIGIN, enterCode, type Harness, signInThroughPopup, startHarness } from './harness.ts';
import { STEP_UP_ONLY_PORTAL } from './portal-pages.ts';

const PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@old-laptop';

let h: Harness;
let aliceId: string;

beforeAll(async () => {
  h = await startHarness({ portal: STEP_UP_ONLY_PORTAL });
  const alice = h.portal.demo?.alice;
  if (!alice) throw new Error('no demo data');
  // Signed in with her password only, so removing a key needs a fresh second factor (B11).
  const { popup } = await signInThroughPopup(h, alice);
  await popup.close();
  const { context } = h.portal;
  aliceId = (await context.repos.users.findByEmail(alice.email))?.id ?? '';
  await addSshKey(context.db, context.clock, aliceId, { name: 'old laptop', publicKey: PUBLIC_KEY });
});

afterAll(async () => {
  await h?.close();
});

/** Every status line the page showed, in order (they replace each other quickly). */
async function recordNotices(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (globalThis as unknown as { seenNotices: string[] }).seenNotices = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-testid="notice"]')) {
        const text = el.textContent ?? '';
        if (seen.at(-1) !== text) seen.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (globalThis as unknown as { seenNotices: string[] }).seenNotices);
}

describe('security centre: a worker restart during an account change’s step-up', () => {
  it('C1/B11: the worker stopped while the step-up tab is open; finishing the step-up removes the SSH key and the page shows it', async () => {
    const page = await h.browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(`${EXTENSION_ORIGIN}/options.html#ssh-keys`);
    await page.waitForSelector('[data-testid="ssh-keys"] tbody tr');
    const notices = await recordNotices(page);

    await page.click('[data-testid="ssh-keys"] tbody tr button');
    await page.waitForSelector('dialog[open] [data-testid="confirm"]');
    await page.click('dialog[open] [data-testid="confirm"]');
    const stepUp = await h.waitForTab(h.portal.issuer, 20_000);
    await stepUp.waitForSelector('#code');

    // Mark this worker, then stop it: whatever answers afterwards is a new one.
    const before = await h.worker();
    await before.evaluate(() => {
      (globalThis as unknown as { e2eMarker: boolean }).e2eMarker = true;
    });
    await before.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The key is still there: nothing happened without the second factor.
    expect(await listUserSshKeys(h.portal.context.db, aliceId)).toHaveLength(1);

    await enterCode(stepUp, await h.totp());
    await page.bringToFront();
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="notice"]')].some((el) =>
          el.textContent?.includes('Removed “old laptop”'),
        ),
      { timeout: 20_000 },
    );
    await page.waitForSelector('[data-testid="ssh-empty"]');
    expect(await listUserSshKeys(h.portal.context.db, aliceId)).toEqual([]);
    // It was a new worker that finished the change (the old one's marker is gone).
    // (Puppeteer may still list the stopped worker's target for a moment: ask until a live one answers.)
    let marker: boolean | null = null;
    for (let attempt = 0; attempt < 50 && marker === null; attempt++) {
      const current = await h.worker();
      marker = await current
        .evaluate(() => (globalThis as unknown as { e2eMarker?: boolean }).e2eMarker ?? false)
        .catch(() => null);
      if (marker === null) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(marker).toBe(false);
    // The page never asked to retry, and never said the worker restarted.
    expect((await notices()).filter((text) => /restart|try again/i.test(text))).toEqual([]);
    // The step-up tab closed itself once verified.
    const portalTabs = () =>
      h.browser.targets().filter((t) => t.type() === 'page' && t.url().startsWith(h.portal.issuer)).length;
    for (let attempt = 0; attempt < 50 && portalTabs() > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(portalTabs()).toBe(0);

    await page.reload();
    await page.waitForSelector('[data-testid="ssh-empty"]');
    await page.close();
  });
});
