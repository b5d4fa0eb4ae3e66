/**
 * SAML apps through the popup in real Chromium (issue 14, B20): Expenses, the
 * demo SAML app on @node-saml/node-saml, opens IdP-initiated from the
 * launcher and lands signed in; its own Sign in button (SP-initiated) goes
 * through the portal session; with MFA required, the launcher's step-up tab
 * asks for the code and that same tab lands in Expenses with the MFA context.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  enterCode,
  type Harness,
  passwordSessionThenAuthenticator,
  startHarness,
} from './harness.ts';

const MFA = 'https://refeds.org/profile/mfa';
const PASSWORD = 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password';

let h: Harness;
let popup: Page;
let code: () => Promise<string>;

const text = (page: Page, testId: string) =>
  page.$eval(`[data-testid="${testId}"]`, (el) => el.textContent?.trim() ?? '');

beforeAll(async () => {
  h = await startHarness();
  ({ popup, code } = await passwordSessionThenAuthenticator(h));
});

afterAll(async () => {
  await h?.close();
});

describe('SAML apps', () => {
  it('B20: Expenses opens from the popup (IdP-initiated) with bob signed in; the page passes axe', async () => {
    await popup.click('[data-app-id="expenses"]');
    const expenses = await h.waitForTab(h.portal.demoApps.expenses);
    await expenses.waitForSelector('[data-testid="signed-in"]', { timeout: 15_000 });
    expect(await text(expenses, 'signed-in')).toBe('Signed in as Bob Example (bob@example.com)');
    expect(await text(expenses, 'authn-context')).toBe(PASSWORD);
    expect(await accessibilityViolations(expenses)).toEqual([]);
    await popup.waitForSelector('[data-testid="status"]::-p-text(Opened Expenses)');
    await expenses.close();
  });

  it('B20: Expenses’ own Sign in button (SP-initiated) signs bob in through the portal session', async () => {
    const page = await h.browser.newPage();
    // Signed out of Expenses (not of the portal): the app's cookie goes.
    await page.deleteCookie({ name: 'expenses_session', url: h.portal.demoApps.expenses });
    await page.goto(`${h.portal.demoApps.expenses}/`);
    await page.waitForSelector('[data-testid="signed-out"]');
    expect(await accessibilityViolations(page)).toEqual([]);
    await Promise.all([
      page.waitForSelector('[data-testid="signed-in"]', { timeout: 15_000 }),
      page.click('[data-testid="sign-in"]'),
    ]);
    expect(await text(page, 'name-id')).toBe('bob@example.com');
    await page.close();
  });

  it('B20/A4: with MFA required, the step-up tab asks for the code and lands in Expenses with the MFA context', async () => {
    const { repos } = h.portal.context;
    const app = await repos.apps.findById('expenses');
    if (!app) throw new Error('no Expenses');
    await repos.apps.upsert({ ...app, requiresMfa: true, mfaMaxAgeSeconds: 300 });
    await popup.bringToFront();
    await popup.click('[data-app-id="expenses"]');
    const stepUp = await h.waitForTab(h.portal.issuer);
    await stepUp.waitForSelector('#code');
    await enterCode(stepUp, await code());
    await stepUp.waitForFunction(
      (prefix: string) => location.href.startsWith(prefix),
      { timeout: 20_000, polling: 200 },
      h.portal.demoApps.expenses,
    );
    await stepUp.waitForSelector('[data-testid="authn-context"]');
    expect(await text(stepUp, 'authn-context')).toBe(MFA);
    expect(await text(stepUp, 'name-id')).toBe('bob@example.com');
  });
});
