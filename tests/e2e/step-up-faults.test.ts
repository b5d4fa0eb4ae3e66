/**
 * Step-up faults against a real portal: a closed step-up tab (C5), a service
 * worker killed mid step-up (C1), and concurrent launches sharing one tab (C6).
 * Each describe block has its own portal and browser, because a completed
 * step-up makes the second factor fresh for five minutes.
 */

import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { enterCode, type Harness, signInThroughPopup, startHarness } from './harness.ts';
import { STEP_UP_ONLY_PORTAL } from './portal-pages.ts';

async function signedIn(
  before?: (h: Harness) => void | Promise<void>,
): Promise<{ h: Harness; popup: Page; pagesAt(prefix: string): Promise<Page[]> }> {
  const h = await startHarness({ portal: STEP_UP_ONLY_PORTAL });
  await before?.(h);
  const alice = h.portal.demo?.alice;
  if (!alice) throw new Error('no demo data');
  const { popup } = await signInThroughPopup(h, alice);
  const pagesAt = async (prefix: string) =>
    (await h.browser.pages()).filter((page) => page.url().startsWith(prefix));
  return { h, popup, pagesAt };
}

function waitForUrl(page: Page, prefix: string): Promise<unknown> {
  return page.waitForFunction(
    (p: string) => location.href.startsWith(p),
    { timeout: 20_000, polling: 200 },
    prefix,
  );
}

describe('cancel and restart', () => {
  let ctx: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    ctx = await signedIn();
  });
  afterAll(async () => {
    await ctx?.h.close();
  });

  it('C5: closing the step-up tab opens nothing and the popup says the launch was cancelled', async () => {
    const { h, popup, pagesAt } = ctx;
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const stepUp = await h.waitForTab(h.portal.issuer);
    await stepUp.waitForSelector('#code');
    // The open popup hears about the cancellation directly…
    await stepUp.close();
    await popup.bringToFront();
    await popup.waitForSelector('[data-testid="status"]::-p-text(cancelled)', { timeout: 10_000 });
    await h.screenshot(popup, 'popup-launch-cancelled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(0);

    // …and when the popup had closed (as a real popup does when the tab takes focus), the next one says it.
    await popup.click('[data-app-id="payroll"]');
    const again = await h.waitForTab(h.portal.issuer);
    await again.waitForSelector('#code');
    await popup.close();
    await again.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const reopened = await h.openPopup();
    await reopened.waitForSelector('[data-testid="status"]::-p-text(cancelled)', { timeout: 10_000 });
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(0);
    ctx.popup = reopened;
  });

  it('C1: the service worker killed during step-up; finishing the step-up still opens Payroll in that tab', async () => {
    const { h, popup, pagesAt } = ctx;
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const stepUp = await h.waitForTab(h.portal.issuer);
    await stepUp.waitForSelector('#code');
    const worker = await h.worker();
    await worker.close();
    // The worker is really gone before the code is entered.
    const workerAlive = () =>
      h.browser.targets().some((t) => t.type() === 'service_worker' && t.url().includes('background.js'));
    for (let i = 0; i < 30 && workerAlive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(workerAlive()).toBe(false);
    await enterCode(stepUp, await h.totp());
    await waitForUrl(stepUp, h.portal.demoApps.payroll);
    await stepUp.waitForSelector('[data-testid="acr"]');
    expect(await stepUp.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(ACR_MFA);
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(1);
  });
});

describe('concurrent launches', () => {
  let ctx: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    ctx = await signedIn(async (h) => {
      // A second app that needs a fresh second factor: Team Wiki's relying party behind a stricter registration.
      const repos = h.portal.context.repos;
      const wiki = await repos.apps.findById('team-wiki');
      const alice = await repos.users.findByEmail('alice@example.com');
      if (!wiki || !alice) throw new Error('demo data missing');
      await repos.apps.upsert({
        ...wiki,
        id: 'wiki-secure',
        name: 'Secure Wiki',
        requiresMfa: true,
        mfaMaxAgeSeconds: 300,
        // Not a relying party of its own: the launch lands in Team Wiki's.
        clientId: null,
        clientSecret: null,
      });
      await repos.apps.assign('wiki-secure', alice.id);
    });
  });
  afterAll(async () => {
    await ctx?.h.close();
  });

  it('C6: two launches needing step-up share one tab; each app opens exactly once; a double click opens once', async () => {
    const { h, popup, pagesAt } = ctx;
    await popup.bringToFront();
    // Payroll twice (a double click) and Secure Wiki, all at once, through the popup's own channel.
    await popup.evaluate(() => {
      const payroll = document.querySelector<HTMLButtonElement>('[data-app-id="payroll"]');
      const secure = document.querySelector<HTMLButtonElement>('[data-app-id="wiki-secure"]');
      payroll?.click();
      payroll?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      secure?.click();
    });
    const stepUp = await h.waitForTab(h.portal.issuer);
    await stepUp.waitForSelector('#code');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await pagesAt(h.portal.issuer)).toHaveLength(1);
    await enterCode(stepUp, await h.totp());
    const where = async () => (await h.browser.pages()).map((page) => page.url()).join(' | ');
    await waitForUrl(stepUp, h.portal.demoApps.payroll).catch(async (error: unknown) => {
      throw new Error(`Payroll did not open in the step-up tab; tabs: ${await where()}`, { cause: error });
    });
    await h.waitForTab(h.portal.demoApps.wiki, 30_000).catch(async (error: unknown) => {
      throw new Error(`Secure Wiki did not open; tabs: ${await where()}`, { cause: error });
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(1);
    expect(await pagesAt(h.portal.demoApps.wiki)).toHaveLength(1);
    expect(await pagesAt(h.portal.issuer)).toHaveLength(0);
  });
});
