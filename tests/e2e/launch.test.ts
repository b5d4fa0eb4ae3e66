/**
 * App launch through the popup against a real portal. Bob signs in with his
 * password (no authenticator yet), then sets one up (as in the security
 * centre), so Payroll needs a step-up: Team Wiki opens directly; Payroll asks
 * for the code in a tab that then lands in Payroll; a second Payroll launch
 * within five minutes asks nothing. Then someone with no second factor at all
 * clicks Payroll: the step-up tab leads them to set one up (the secret read
 * from the page, the code computed here), and Payroll opens there (B7/B11).
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { createTestUser } from '../../server/test/portal.ts';
import {
  enterCode,
  type Harness,
  passwordSessionThenAuthenticator,
  signInThroughPopup,
  signOutThroughPopup,
  startHarness,
  type WithChrome,
  waitForApps,
} from './harness.ts';
import { totpGenerator } from './portal-pages.ts';

let h: Harness;
let popup: Page;
let code: () => Promise<string>;

function pagesAt(prefix: string): Promise<Page[]> {
  return h.browser.pages().then((pages) => pages.filter((page) => page.url().startsWith(prefix)));
}

/** The step-up tab lands in Payroll (one tab of it) with acr MFA, and the popup says it opened. */
async function expectPayrollOpened(tab: Page): Promise<void> {
  await tab.waitForFunction(
    (prefix: string) => location.href.startsWith(prefix),
    { timeout: 20_000, polling: 200 },
    h.portal.demoApps.payroll,
  );
  await tab.waitForSelector('[data-testid="acr"]');
  expect(await tab.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(ACR_MFA);
  expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(1);
  await popup.bringToFront();
  await popup.waitForSelector('[data-testid="status"]::-p-text(Opened Payroll)', { timeout: 20_000 });
}

beforeAll(async () => {
  h = await startHarness();
  ({ popup, code } = await passwordSessionThenAuthenticator(h));
});

afterAll(async () => {
  await h?.close();
});

describe('launch', () => {
  it('opens Team Wiki in a new tab with bob signed in', async () => {
    await popup.click('[data-app-id="team-wiki"]');
    const wiki = await h.waitForTab(h.portal.demoApps.wiki);
    await wiki.waitForSelector('[data-testid="signed-in"]');
    const heading = await wiki.$eval('[data-testid="signed-in"]', (el) => el.textContent ?? '');
    expect(heading).toContain('Bob Example');
    await popup.waitForSelector('[data-testid="status"]::-p-text(Opened Team Wiki)');
    await wiki.close();
  });

  it('A4/C4: Payroll asks for the code in a step-up tab; a wrong code opens nothing; the right code lands that tab in Payroll with acr MFA', async () => {
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const stepUp = await h.waitForTab(h.portal.issuer);
    await stepUp.waitForSelector('#code');
    const heading = await stepUp.$eval('h1', (el) => el.textContent ?? '');
    expect(heading).toContain('Payroll');
    await h.screenshot(stepUp, 'step-up-page');
    await popup.bringToFront();
    await h.screenshot(popup, 'popup-launching');

    await enterCode(stepUp, '000000' === (await code()) ? '111111' : '000000');
    await stepUp.waitForSelector('#form-error:not(:empty)');
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(0);

    await enterCode(stepUp, await code());
    await expectPayrollOpened(stepUp);
    await stepUp.close();
  });

  it('opening Payroll again within five minutes asks nothing', async () => {
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const payroll = await h.waitForTab(h.portal.demoApps.payroll);
    await payroll.waitForSelector('[data-testid="acr"]');
    expect(await pagesAt(h.portal.issuer)).toHaveLength(0);
    await payroll.close();
  });
});

describe('a user without a second factor', () => {
  it('B7/B11: Payroll leads them to set up an authenticator in the step-up tab (QR code and secret, code, recovery codes once), then opens there with acr MFA', async () => {
    await signOutThroughPopup(h, popup);
    const user = await createTestUser(h.portal, { assign: ['team-wiki', 'payroll'] });
    // No factor: the sign-in asks for the password only.
    ({ popup } = await signInThroughPopup(h, user, { popup }));
    await popup.click('[data-app-id="payroll"]');
    const tab = await h.waitForTab(h.portal.issuer);
    await tab.bringToFront();
    await tab.waitForSelector('[data-testid="totp-secret"]', { timeout: 20_000 });
    expect(await tab.$eval('h1', (el) => el.textContent)).toBe('Set up an authenticator app');
    expect(await tab.$eval('main', (el) => el.textContent ?? '')).toContain(
      'Payroll requires a second factor',
    );
    // The QR code is drawn by the page itself, next to the secret to type.
    expect(await tab.$('img.qr[src^="data:image/svg+xml"]')).not.toBeNull();
    const secret = (await tab.$eval('[data-testid="totp-secret"]', (el) => el.textContent ?? '')).replace(
      /\s/g,
      '',
    );
    await enterCode(tab, await totpGenerator(secret)());
    await tab.waitForSelector('[data-testid="recovery-codes"] li', { timeout: 20_000 });
    expect(await tab.$$eval('[data-testid="recovery-codes"] li', (items) => items.length)).toBe(10);
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(0);
    await tab.click('button[type="submit"]');
    await expectPayrollOpened(tab);
    expect(await tab.$eval('[data-testid="signed-in"]', (el) => el.textContent ?? '')).toContain(
      user.displayName,
    );
    await tab.close();
  });
});

describe('portal offline', () => {
  it('C3: with the portal stopped, the popup still lists the cached apps, says what happened, and keeps the session', async () => {
    await h.portal.close();
    const offline = await h.openPopup();
    await offline.waitForSelector('[role="alert"]::-p-text(did not answer)', { timeout: 30_000 });
    expect(await waitForApps(offline)).toEqual(expect.arrayContaining(['team-wiki', 'payroll']));
    await h.screenshot(offline, 'popup-portal-offline');
    const worker = await h.worker();
    const hasSession = await worker.evaluate(
      async () =>
        'session' in (await (globalThis as unknown as WithChrome).chrome.storage.session.get('session')),
    );
    expect(hasSession).toBe(true);
  });
});
