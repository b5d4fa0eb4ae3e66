/**
 * The account menu in the security centre's header (the same component as
 * the popup's, tests/e2e/popup.test.ts drives that one with the keyboard),
 * and signing out from it: the person answered "Sign out" in the launcher, so
 * the portal does not ask "Sign out of …?" a second time — the launcher's ID
 * token of this session lets it end the session at once (B13).
 */
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  completePortalSignIn,
  openOptionsPage,
  signInThroughPopup,
  useHarness,
} from './harness.ts';

const h = useHarness();

function alice() {
  const account = h.portal.demo?.alice;
  if (!account) throw new Error('no demo data');
  return account;
}

async function openMenu(page: Page): Promise<void> {
  await page.click('[data-testid="account-menu-button"]');
  await page.waitForSelector('[role="menu"]');
}

describe('account menu', () => {
  it('security centre header: the initials open the account menu (name, email, Profile, Sign out); no axe violations open, light and dark', async () => {
    await signInThroughPopup(h, alice());
    const page = await openOptionsPage(h, 'password');
    await page.waitForSelector('[data-testid="account-menu-button"]');
    expect(
      await page.$eval('[data-testid="account-menu-button"]', (el) => [
        el.getAttribute('aria-haspopup'),
        el.getAttribute('aria-expanded'),
      ]),
    ).toEqual(['menu', 'false']);
    await openMenu(page);
    expect(await page.$eval('[data-testid="account-menu"]', (el) => el.textContent)).toContain(alice().email);
    expect(await page.$$eval('[role="menuitem"]', (items) => items.map((i) => i.textContent))).toEqual([
      'Profile',
      'Sign out',
    ]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-menu-item'))).toBe('profile');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      expect(await accessibilityViolations(page, { allImpacts: true })).toEqual([]);
    }
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await h.screenshot(page, 'options-account-menu');
    // Profile goes to the profile section; the menu closes and focus returns to the button.
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-section="profile"]');
    expect(await page.$('[role="menu"]')).toBeNull();
    await page.close();
  });

  it('B13: Sign out from the popup’s account menu ends the portal session without the portal asking again', async () => {
    const popup = await h.openPopup();
    await popup.waitForSelector('[data-testid="account-menu-button"]');
    await openMenu(popup);
    await popup.click('[data-menu-item="sign-out"]');
    await popup.waitForSelector('button::-p-text(Sign in)');
    // Nobody answers anything on the portal. Had it asked "Sign out of …?", its session would still
    // be alive and Sign in would complete at once; it ended, so Sign in asks for the password.
    // (The logout tab does its round trip and closes too fast to be watched reliably.)
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    await tab.waitForSelector('#email, #password', { timeout: 20_000 });
    await completePortalSignIn(h, tab, alice());
    await popup.waitForSelector('[data-testid="account-menu-button"]', { timeout: 20_000 });
  });

  it('Sign out from the security centre’s account menu shows the signed-out page, and the popup is signed out too', async () => {
    const page = await openOptionsPage(h, 'profile');
    await page.waitForSelector('[data-testid="account-menu-button"]');
    await openMenu(page);
    await page.click('[data-menu-item="sign-out"]');
    await page.waitForSelector('[data-testid="signed-out"]', { timeout: 20_000 });
    expect(await page.$('[data-testid="account-menu-button"]')).toBeNull();
    const popup = await h.openPopup();
    await popup.waitForSelector('button::-p-text(Sign in)');
    await page.close();
  });
});
