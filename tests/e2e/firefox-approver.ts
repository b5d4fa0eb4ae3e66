/**
 * Firefox ESR as browser A of the push approval test and bench (issue 13):
 * the launcher signed in from its popup (a tab) and enrolled from its
 * security centre, its event page watched from an extension tab.
 */
import type { Page } from 'puppeteer-core';
import {
  completePortalSignIn,
  connectPortal,
  type FirefoxHarness,
  openExtensionPage,
  waitForApps,
} from './firefox-harness.ts';

/** The popup (a tab) connects to the portal and alice signs in; answers the popup. */
export async function signInFirefoxA(h: FirefoxHarness): Promise<Page> {
  const alice = h.portal.demo?.alice;
  if (!alice) throw new Error('The portal has no demo data.');
  const popup = await h.openPopup();
  await connectPortal(h, popup);
  await popup.click('button::-p-text(Sign in)');
  await completePortalSignIn(await h.waitForTab(h.portal.issuer), alice);
  await waitForApps(popup);
  return popup;
}

/** Enrols Firefox from its security centre under the suggested name; answers that name. */
export async function enrolFirefoxA(h: FirefoxHarness): Promise<string> {
  const options = await openExtensionPage(h, 'options.html#mfa');
  await options.waitForSelector('[data-testid="approver-enrol"]', { timeout: 20_000 });
  const name = await options.$eval('#approver-name', (el) => (el as HTMLInputElement).value);
  await options.click('[data-testid="approver-enrol"] button[type="submit"]');
  await options.waitForSelector('[data-testid="approver-this-browser"]', { timeout: 20_000 });
  await options.close();
  return name;
}

/** Whether Firefox has suspended the event page, asked from an extension tab (null while suspended). */
export const backgroundSuspended = (extensionTab: Page) =>
  extensionTab.evaluate(
    () =>
      (
        globalThis as unknown as { browser: { extension: { getBackgroundPage(): object | null } } }
      ).browser.extension.getBackgroundPage() === null,
  );
