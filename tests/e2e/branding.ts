/**
 * The branding the Chromium and Firefox policy tests deploy, and the one check
 * of what the popup shows for it, so both browsers are held to the same
 * outcome (A11).
 */
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';

/** Brand name and colour written into the test policies. */
export const TEST_BRAND = { name: 'Acme Corporation', color: '#0b5cad' } as const;

/**
 * The popup skipped the first-run screen and offers sign-in at `issuer` under
 * the policy's brand: its name in the header, and its colour as the header
 * background (#0b5cad keeps white text readable, ≥ 4.5:1).
 */
export async function expectBrandedSignInPopup(popup: Page, issuer: string): Promise<void> {
  await popup.waitForSelector('button::-p-text(Sign in)');
  expect(await popup.$('[data-testid="first-run"]')).toBeNull();
  expect(await popup.$eval('main', (el) => el.textContent)).toContain(
    `You will sign in on ${new URL(issuer).host}.`,
  );
  expect(await popup.$eval('header.bar h1', (el) => el.textContent)).toBe(TEST_BRAND.name);
  expect(await popup.$eval('header.bar', (el) => getComputedStyle(el).backgroundColor)).toBe(
    'rgb(11, 92, 173)',
  );
}
