/**
 * Passkeys in real Chromium (issue 12, B19), with the DevTools protocol's
 * virtual authenticator (WebAuthn domain): a passkey registered from the
 * options page (the portal tab it opens runs the ceremony, the page continues
 * by itself), then used as the second factor at sign-in after a cancelled
 * try. (Passkey-only sign-in, step-up and removal are proved by the server
 * tests in server/test/passkeys.test.ts for now.)
 *
 * A virtual authenticator belongs to one tab, so each portal tab gets its own,
 * holding the credential the first one created (WebAuthn.getCredentials →
 * addCredential).
 */
import type { CDPSession, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  type Harness,
  openOptionsPage,
  signInThroughPopup,
  startHarness,
  waitForApps,
} from './harness.ts';

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

/** Adds a virtual platform authenticator (UV, resident keys) to `page`'s tab, holding `credentials`. */
async function attachAuthenticator(
  page: Page,
  credentials: VirtualCredential[] = [],
): Promise<{ session: CDPSession; authenticatorId: string }> {
  const session = await page.createCDPSession();
  await session.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await session.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  for (const credential of credentials) {
    await session.send('WebAuthn.addCredential', { authenticatorId, credential });
  }
  return { session, authenticatorId };
}

async function signOutFromPopup(h: Harness): Promise<Page> {
  const popup = await h.openPopup();
  await popup.waitForSelector('[data-testid="account-menu-button"]', { timeout: 20_000 });
  await popup.click('[data-testid="account-menu-button"]');
  await popup.waitForSelector('[role="menu"]');
  await popup.click('[data-menu-item="sign-out"]');
  await popup.waitForSelector('button::-p-text(Sign in)', { timeout: 20_000 });
  return popup;
}

/** Clicks the portal page's passkey button and waits for the tab to leave the page (or close). */
async function usePasskey(tab: Page): Promise<void> {
  await tab.bringToFront();
  await tab.waitForSelector('#passkey-button:not([hidden])', { timeout: 20_000 });
  await Promise.all([
    tab.waitForNavigation({ timeout: 20_000 }).catch(() => undefined),
    tab.click('#passkey-button'),
  ]);
}

describe('passkeys with a virtual authenticator', () => {
  let h: Harness;
  let credential: VirtualCredential;
  const alice = () => {
    const demo = h.portal.demo?.alice;
    if (!demo) throw new Error('no demo data');
    return demo;
  };

  beforeAll(async () => {
    // WebAuthn needs a host name (an IP address is no RP ID): the portal answers at localhost.
    h = await startHarness({ portal: { config: { host: 'localhost', passkeySignIn: true } } });
    await signInThroughPopup(h, alice());
  });
  afterAll(async () => {
    await h?.close();
  });

  it('B19: Add on the options page opens the portal tab, the ceremony runs there, and the page lists the passkey by itself', async () => {
    const page = await openOptionsPage(h, 'mfa');
    await page.waitForSelector('[data-testid="passkeys-empty"]', { timeout: 20_000 });
    await page.click('[data-testid="passkey-add"]');
    const tab = await h.waitForTab(`${h.portal.issuer}/passkeys/register`, 20_000);
    const { session, authenticatorId } = await attachAuthenticator(tab);
    await tab.bringToFront();
    await tab.waitForSelector('#passkey-button:not([hidden])', { timeout: 20_000 });
    expect(await accessibilityViolations(tab, { allImpacts: true })).toEqual([]);
    await tab.$eval('#passkey-name', (input) => {
      (input as HTMLInputElement).value = '';
    });
    await tab.type('#passkey-name', 'Work laptop');
    await tab.click('#passkey-button');
    // The authenticator holds the new credential before the page even posts it.
    const deadline = Date.now() + 20_000;
    let held: VirtualCredential[] = [];
    while (held.length === 0 && Date.now() < deadline) {
      held = (
        (await session.send('WebAuthn.getCredentials', { authenticatorId })) as {
          credentials: VirtualCredential[];
        }
      ).credentials;
    }
    expect(held).toHaveLength(1);
    credential = held[0] as VirtualCredential;
    expect(credential.rpId).toBe('localhost');

    // The options page sees it, closes the portal tab and says so.
    await page.bringToFront();
    await page.waitForSelector('[data-testid="passkey"]', { timeout: 30_000 });
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
    await page.close();
  });

  it('B19: password + passkey at sign-in: offered first; a cancelled try leaves "try again", the second try signs in', async () => {
    const popup = await signOutFromPopup(h);
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    // An authenticator without the credential: the browser finds none and the ceremony ends (like Cancel).
    const { session, authenticatorId } = await attachAuthenticator(tab);
    await tab.bringToFront();
    await tab.waitForSelector('#email');
    await tab.type('#email', alice().email);
    await Promise.all([tab.waitForNavigation(), tab.click('button[type="submit"]:not(.secondary)')]);
    await tab.waitForSelector('#password');
    await tab.type('#password', alice().password);
    await Promise.all([tab.waitForNavigation(), tab.click('button[type="submit"]:not(.secondary)')]);
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
    await tab.click('#passkey-button');
    await tab.waitForFunction(
      () => document.querySelector('#passkey-status')?.textContent?.includes('The passkey was not used.'),
      { timeout: 30_000 },
    );
    expect(await tab.$eval('#passkey-button', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    expect(await tab.$('#code')).not.toBeNull();
    // Try again, now with the passkey on the authenticator.
    await session.send('WebAuthn.addCredential', { authenticatorId, credential });
    await usePasskey(tab);
    expect(await waitForApps(popup)).toEqual(expect.arrayContaining(['payroll']));
  });
});
