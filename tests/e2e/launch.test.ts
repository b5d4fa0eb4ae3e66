/**
 * App launch through the popup against a real portal. Bob signs in with his
 * password (no authenticator yet), then sets one up (as in the security
 * centre), so Payroll needs a step-up: Team Wiki opens directly; Payroll asks
 * for the code in a tab that then lands in Payroll; a second Payroll launch
 * within five minutes asks nothing.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { enrollConfirmedTotp, generateTotpSecret } from '../../server/src/services/totp.ts';
import {
  enterCode,
  type Harness,
  signInThroughPopup,
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

beforeAll(async () => {
  h = await startHarness();
  const bob = h.portal.demo?.bob;
  if (!bob) throw new Error('no demo data');
  ({ popup } = await signInThroughPopup(h, bob));
  // A password-only session; then bob sets up an authenticator.
  const secret = generateTotpSecret();
  await enrollConfirmedTotp(
    h.portal.context,
    (await h.portal.context.repos.users.findByEmail(bob.email))?.id as string,
    secret,
  );
  code = totpGenerator(secret);
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
    await stepUp.waitForFunction(
      (prefix: string) => location.href.startsWith(prefix),
      { timeout: 15_000, polling: 200 },
      h.portal.demoApps.payroll,
    );
    await stepUp.waitForSelector('[data-testid="acr"]');
    expect(await stepUp.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(ACR_MFA);
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(1);
    await popup.waitForSelector('[data-testid="status"]::-p-text(Opened Payroll)');
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
