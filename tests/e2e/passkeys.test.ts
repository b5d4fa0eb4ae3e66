/**
 * Passkeys at sign-in in real Chromium (issue 12, B19), with the DevTools
 * protocol's virtual authenticator (tests/e2e/virtual-authenticator.ts):
 * alice registers a passkey from the options page (the portal tab it opens
 * runs the ceremony, the page continues by itself), then signs in with
 * password + passkey (offered first; a cancelled try leaves "try again"),
 * with password + code after cancelling the passkey (another factor), and
 * with the passkey alone from the email page, which this portal allows.
 * Step-up to Payroll and removal with step-up: passkeys-step-up.test.ts.
 */
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { en } from '../../server/src/views/i18n/en.ts';
import {
  accessibilityViolations,
  enterCode,
  type Harness,
  signInThroughPopup,
  startHarness,
  waitForApps,
} from './harness.ts';
import {
  addPasskeyFromOptions,
  provenAuthentication,
  signOutFromPopup,
  typeEmailAndPassword,
} from './passkey-flows.ts';
import { createVirtualKeyring, usePasskey, type VirtualKeyring } from './virtual-authenticator.ts';

/** Clicks the passkey button with no passkey on the authenticator: the ceremony ends like a Cancel. */
async function cancelPasskey(tab: Page, expected: string): Promise<void> {
  await tab.bringToFront();
  await tab.waitForSelector('#passkey-button:not([hidden])', { timeout: 20_000 });
  await tab.click('#passkey-button');
  await tab.waitForFunction(
    (text: string) => document.querySelector('#passkey-status')?.textContent === text,
    { timeout: 30_000 },
    expected,
  );
  // Ready for another try, and the focus is back on it.
  expect(await tab.$eval('#passkey-button', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
  expect(await tab.evaluate(() => document.activeElement?.id)).toBe('passkey-button');
}

/** The README's pictures (the passkey card, the portal's prompt) are drawn by this test. */
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');

describe('passkeys at sign-in (alice, passkey-only sign-in allowed)', () => {
  let h: Harness;
  let keyring: VirtualKeyring;
  const alice = () => {
    const demo = h.portal.demo?.alice;
    if (!demo) throw new Error('no demo data');
    return demo;
  };

  beforeAll(async () => {
    // WebAuthn needs a host name (an IP address is no RP ID): the portal answers at localhost.
    h = await startHarness({ portal: { config: { host: 'localhost', passkeySignIn: true } } });
    keyring = createVirtualKeyring();
    await signInThroughPopup(h, alice());
  });
  afterAll(async () => {
    await h?.close();
  });

  it('B19: Add on the options page opens the portal tab, the ceremony runs there, and the page lists the passkey by itself', async () => {
    const { page, credential } = await addPasskeyFromOptions(h, keyring, 'Work laptop', async (tab) => {
      expect(await accessibilityViolations(tab, { allImpacts: true })).toEqual([]);
    });
    // A discoverable credential (this portal allows passkey-only sign-in) for the portal's host.
    expect(credential.rpId).toBe('localhost');
    expect(credential.isResidentCredential).toBe(true);
    // The options page saw it, closed the portal tab and says so.
    const row = await page.$eval('[data-testid="passkey"]', (el) => el.textContent ?? '');
    expect(row).toContain('Work laptop');
    expect(row).toContain('Built into a device');
    expect(row).toContain('Not used yet');
    await page.waitForFunction(
      () => document.querySelector('#passkeys-status')?.textContent?.includes('Passkey “Work laptop” added.'),
      { timeout: 10_000 },
    );
    const stillOpen = (await h.browser.pages()).filter((p) =>
      p.url().startsWith(`${h.portal.issuer}/passkeys`),
    );
    expect(stillOpen).toHaveLength(0);
    expect(await accessibilityViolations(page, { allImpacts: true })).toEqual([]);
    await h.screenshot(page, 'options-passkeys');
    await (await page.$('[data-testid="passkeys"]'))?.screenshot({
      path: path.join(SCREENSHOTS, 'options-passkeys.png') as `${string}.png`,
    });
    await page.close();
  });

  it('B19: password + passkey at sign-in: offered first; a cancelled try leaves "try again", the second try signs in', async () => {
    const popup = await signOutFromPopup(h);
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    // An authenticator without the credential: the browser finds none and the ceremony ends (like Cancel).
    const authenticator = await keyring.attach(tab, { empty: true });
    await typeEmailAndPassword(tab, alice());
    await tab.waitForSelector('#passkey-button:not([hidden])', { timeout: 20_000 });
    // Offered first: the passkey button comes before the code field.
    expect(
      await tab.evaluate(() => {
        const button = document.querySelector('#passkey-button');
        const code = document.querySelector('#code');
        return (
          !!button && !!code && !!(button.compareDocumentPosition(code) & Node.DOCUMENT_POSITION_FOLLOWING)
        );
      }),
    ).toBe(true);
    expect(await accessibilityViolations(tab, { allImpacts: true })).toEqual([]);
    await h.screenshot(tab, 'portal-passkey-prompt');
    await tab.screenshot({ path: path.join(SCREENSHOTS, 'portal-passkey-prompt.png') as `${string}.png` });
    await cancelPasskey(tab, en.passkey.cancelled);
    expect(await tab.$('#code')).not.toBeNull();
    // Try again, now with the passkey on the authenticator.
    await authenticator.addHeld();
    await usePasskey(tab);
    expect(await waitForApps(popup)).toEqual(expect.arrayContaining(['payroll']));
    const proven = await provenAuthentication(h);
    expect(proven.acr).toBe(ACR_MFA);
    expect(proven.amr).toEqual(expect.arrayContaining(['pwd', 'hwk', 'user', 'mfa']));
    expect(proven.amr).not.toContain('otp');
  });

  it('B19: a cancelled passkey leaves the other factor: the code from the authenticator app signs in', async () => {
    const popup = await signOutFromPopup(h);
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    await keyring.attach(tab, { empty: true });
    await typeEmailAndPassword(tab, alice());
    await cancelPasskey(tab, en.passkey.cancelled);
    await enterCode(tab, await h.totp());
    expect(await waitForApps(popup)).toEqual(expect.arrayContaining(['payroll']));
    const proven = await provenAuthentication(h);
    expect(proven.acr).toBe(ACR_MFA);
    expect(proven.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    expect(proven.amr).not.toContain('hwk');
  });

  it('B19: passkey-only sign-in from the email page: no password, acr MFA, amr hwk + user + mfa', async () => {
    const popup = await signOutFromPopup(h);
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    await keyring.attach(tab);
    await tab.bringToFront();
    await tab.waitForSelector('#email');
    const label = await tab.$eval('#passkey-button', (b) => b.textContent ?? '');
    expect(label).toBe(en.passkey.signIn);
    expect(await accessibilityViolations(tab, { allImpacts: true })).toEqual([]);
    await h.screenshot(tab, 'portal-passkey-sign-in');
    await usePasskey(tab);
    expect(await waitForApps(popup)).toEqual(expect.arrayContaining(['payroll']));
    const proven = await provenAuthentication(h);
    expect(proven.acr).toBe(ACR_MFA);
    expect(proven.amr).toEqual(expect.arrayContaining(['hwk', 'user', 'mfa']));
    expect(proven.amr).not.toContain('pwd');
  });
});
