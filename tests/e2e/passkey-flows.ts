/**
 * Steps the passkey e2e files share (passkeys.test.ts,
 * passkeys-step-up.test.ts): adding a passkey the way an employee does (the
 * options page's Add, the ceremony in the portal tab it opens), signing out
 * through the popup, and reading what the launcher proved at its last
 * sign-in or step-up.
 */
import type { Page } from 'puppeteer-core';
import type { Harness, WithChrome } from './harness.ts';
import { openOptionsPage } from './harness.ts';
import { type VirtualCredential, type VirtualKeyring, waitForCredentials } from './virtual-authenticator.ts';

const SUBMIT = 'button[type="submit"]:not(.secondary)';

/** Types the email and the password on the portal's pages in `tab`. */
export async function typeEmailAndPassword(
  tab: Page,
  account: { email: string; password: string },
): Promise<void> {
  await tab.bringToFront();
  await tab.waitForSelector('#email');
  await tab.type('#email', account.email);
  await Promise.all([tab.waitForNavigation(), tab.click(SUBMIT)]);
  await tab.waitForSelector('#password');
  await tab.type('#password', account.password);
  await Promise.all([tab.waitForNavigation(), tab.click(SUBMIT)]);
}

/** Signs out through the popup's account menu; returns the popup, showing Sign in. */
export async function signOutFromPopup(h: Harness): Promise<Page> {
  const popup = await h.openPopup();
  await popup.waitForSelector('[data-testid="account-menu-button"]', { timeout: 20_000 });
  await popup.click('[data-testid="account-menu-button"]');
  await popup.waitForSelector('[role="menu"]');
  await popup.click('[data-menu-item="sign-out"]');
  await popup.waitForSelector('button::-p-text(Sign in)', { timeout: 20_000 });
  return popup;
}

/** What the launcher proved at its last sign-in or step-up (its stored session, A4). */
export async function provenAuthentication(
  h: Harness,
): Promise<{ acr: string | null; amr: string[]; authTime: number | null }> {
  const worker = await h.worker();
  return worker.evaluate(async () => {
    const stored = await (globalThis as unknown as WithChrome).chrome.storage.session.get('session');
    const session = stored.session as {
      value: { authentication: { acr: string | null; amr: string[]; authTime: number | null } };
    };
    return session.value.authentication;
  });
}

/**
 * Options page → Multi-factor authentication → Add: the portal tab opens, gets
 * an authenticator from `keyring`, and creates a passkey named `name`
 * (`beforeCreate` runs on the ceremony page first); resolves once the options
 * page lists it, with that page (still open) and the new credential.
 */
export async function addPasskeyFromOptions(
  h: Harness,
  keyring: VirtualKeyring,
  name: string,
  beforeCreate?: (tab: Page) => Promise<void>,
): Promise<{ page: Page; credential: VirtualCredential }> {
  const page = await openOptionsPage(h, 'mfa');
  await page.waitForSelector('[data-testid="passkey-add"]:not([disabled])', { timeout: 20_000 });
  const before = keyring.credentials().length;
  await page.click('[data-testid="passkey-add"]');
  const tab = await h.waitForTab(`${h.portal.issuer}/passkeys/register`, 20_000);
  await keyring.attach(tab);
  await tab.bringToFront();
  await tab.waitForSelector('#passkey-button:not([hidden])', { timeout: 20_000 });
  await beforeCreate?.(tab);
  await tab.$eval('#passkey-name', (input) => {
    (input as HTMLInputElement).value = '';
  });
  await tab.type('#passkey-name', name);
  await tab.click('#passkey-button');
  // The authenticator holds the new credential before the page even posts it.
  const credential = (await waitForCredentials(keyring, before + 1)).at(-1) as VirtualCredential;
  await page.bringToFront();
  await page.waitForFunction(
    (wanted: string) =>
      [...document.querySelectorAll('[data-testid="passkey"] .passkey-name')].some(
        (el) => el.textContent === wanted,
      ),
    { timeout: 30_000 },
    name,
  );
  return { page, credential };
}
