/**
 * Passkeys on Firefox ESR (issue 12, B19): Firefox's own virtual WebAuthn
 * authenticator, reached through Marionette next to puppeteer's WebDriver
 * BiDi (marionette.ts), holds the passkey alice adds from the options page
 * (the ceremony runs in the portal tab the page opens, which it closes by
 * itself), and she then signs in with password + that passkey: `acr` MFA and
 * a passkey `amr` in what the launcher stored.
 *
 * Fails, never skips, when Firefox or its Marionette server is missing.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import {
  completePortalSignIn,
  connectPortal,
  type FirefoxHarness,
  openExtensionPage,
  startFirefoxHarness,
  waitForApps,
} from './firefox-harness.ts';

/** What the launcher proved at its last sign-in, read from an extension page (Firefox's `browser`). */
function provenAuthentication(page: Page): Promise<{ acr: string | null; amr: string[] }> {
  return page.evaluate(async () => {
    const api = (
      globalThis as unknown as {
        browser: { storage: { session: { get(key: string): Promise<Record<string, unknown>> } } };
      }
    ).browser;
    const stored = (await api.storage.session.get('session')).session as {
      value: { authentication: { acr: string | null; amr: string[] } };
    };
    return stored.value.authentication;
  });
}

describe('passkeys on Firefox ESR (virtual authenticator through Marionette)', () => {
  let h: FirefoxHarness;
  let popup: Page;
  const alice = () => {
    const demo = h.portal.demo?.alice;
    if (!demo) throw new Error('The portal has no demo data.');
    return demo;
  };

  beforeAll(async () => {
    // WebAuthn needs a host name (an IP address is no RP ID): the portal answers at localhost.
    h = await startFirefoxHarness({ portal: { config: { host: 'localhost' } }, virtualAuthenticator: true });
    popup = await h.openPopup();
    await connectPortal(h, popup);
    await popup.click('button::-p-text(Sign in)');
    await completePortalSignIn(await h.waitForTab(h.portal.issuer), alice());
    await waitForApps(popup);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('B19: Add on the options page runs the ceremony in the portal tab; the authenticator holds the passkey and the page lists it', async () => {
    const page = await openExtensionPage(h, 'options.html#mfa');
    await page.waitForSelector('[data-testid="passkey-add"]:not([disabled])', { timeout: 20_000 });
    await page.click('[data-testid="passkey-add"]');
    const tab = await h.waitForTab(`${h.portal.issuer}/passkeys/register`, 20_000);
    await tab.bringToFront();
    await tab.waitForSelector('#passkey-button:not([hidden])', { timeout: 20_000 });
    await tab.$eval('#passkey-name', (input) => {
      (input as HTMLInputElement).value = '';
    });
    await tab.type('#passkey-name', 'Firefox laptop');
    await tab.click('#passkey-button');

    await page.bringToFront();
    await page.waitForSelector('[data-testid="passkey"]', { timeout: 30_000 });
    expect(await page.$eval('[data-testid="passkey"] .passkey-name', (el) => el.textContent)).toBe(
      'Firefox laptop',
    );
    const held = (await h.authenticator?.credentials()) ?? [];
    expect(held).toHaveLength(1);
    expect(held[0]?.rpId).toBe('localhost');
    await page.close();
  });

  it('B19: after signing out, password + the passkey signs in: acr MFA, amr pwd + hwk + user + mfa', async () => {
    // A new popup tab: BiDi never reports a moz-extension:// reload (firefox-harness.ts).
    popup = await h.openPopup();
    await popup.waitForSelector('[data-testid="account-menu-button"]', { timeout: 20_000 });
    await popup.click('[data-testid="account-menu-button"]');
    await popup.waitForSelector('[role="menu"]');
    await popup.click('[data-menu-item="sign-out"]');
    await popup.waitForSelector('button::-p-text(Sign in)', { timeout: 20_000 });

    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    await tab.bringToFront();
    await tab.waitForSelector('#email');
    await tab.type('#email', alice().email);
    await Promise.all([tab.waitForNavigation(), tab.click('button[type="submit"]:not(.secondary)')]);
    await tab.waitForSelector('#password');
    await tab.type('#password', alice().password);
    await Promise.all([tab.waitForNavigation(), tab.click('button[type="submit"]:not(.secondary)')]);
    // Offered first; the code field stays below it.
    await tab.waitForSelector('#passkey-button:not([hidden])', { timeout: 20_000 });
    expect(await tab.$('#code')).not.toBeNull();
    await tab.click('#passkey-button');

    expect(await waitForApps(popup)).toEqual(expect.arrayContaining(['payroll']));
    const proven = await provenAuthentication(popup);
    expect(proven.acr).toBe(ACR_MFA);
    expect(proven.amr).toEqual(expect.arrayContaining(['pwd', 'hwk', 'user', 'mfa']));
    expect(proven.amr).not.toContain('otp');
    expect((await h.authenticator?.credentials())?.[0]?.signCount).toBeGreaterThan(0);
  });
});
