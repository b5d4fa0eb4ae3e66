/**
 * Enterprise policy on Firefox ESR (issue 6, A11): a real policies.json,
 * written before Firefox starts the way an administrator deploys it
 * (docs/admin.md, `3rdparty.Extensions.<gecko id>`), reaches the extension's
 * `storage.managed`: the portal address (no first-run screen), the brand and
 * a pinned app show in the popup, and a value of the wrong type, which
 * Firefox passes through because it applies no schema, is reported on the
 * options page and ignored while every other key still applies.
 *
 * Findings (Firefox ESR 153, Debian 12, headless):
 * - Debian's firefox-esr reads /etc/firefox/policies/policies.json (the
 *   system-wide path Mozilla's Linux builds use, not /etc/firefox-esr); the
 *   test proves it by the policy arriving in the extension.
 * - The extension is installed as a temporary add-on over WebDriver BiDi;
 *   `storage.managed` works for it all the same, keyed by its gecko id.
 * - Firefox reads policies.json once, at start: a changed file applies after
 *   a browser restart (the last test shows a rewrite changes nothing).
 *
 * policies.json applies to every Firefox on the machine: run this through the
 * isolation wrapper (/work/bin/iso), or alone; the file is always removed
 * (./policy-files.ts).
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GECKO_EXTENSION_ID } from '../../contract/constants.ts';
import { expectBrandedSignInPopup, TEST_BRAND } from './branding.ts';
import {
  completePortalSignIn,
  type FirefoxHarness,
  openExtensionPage,
  startFirefoxHarness,
  waitForApps,
} from './firefox-harness.ts';
import { firefoxPolicyFile, type PolicyFile, waitForNoOtherBrowser } from './policy-files.ts';

const BRAND_NAME = TEST_BRAND.name;
const BRAND_COLOR = TEST_BRAND.color;

/** The WebExtension API as seen inside `page.evaluate` (Firefox's promise-based `browser`). */
type WithBrowser = {
  browser: { storage: { managed: { get(): Promise<Record<string, unknown>> } } };
};

describe('A11: enterprise policy from a real Firefox policies.json', () => {
  let policy: PolicyFile | undefined;
  let h: FirefoxHarness;
  let popup: Page;

  beforeAll(async () => {
    await waitForNoOtherBrowser('firefox-esr', 90_000);
    const file = firefoxPolicyFile();
    policy = file;
    h = await startFirefoxHarness({
      beforeBrowser: (portal) =>
        file.write({
          policies: {
            '3rdparty': {
              Extensions: {
                [GECKO_EXTENSION_ID]: {
                  portalUrl: portal.issuer,
                  brandName: BRAND_NAME,
                  brandColor: BRAND_COLOR,
                  pinnedApps: ['payroll'],
                  // Wrong type. Firefox applies no schema, so only the extension can refuse it.
                  idleSignOutMinutes: 'soon',
                },
              },
            },
          },
        }),
    });
  });

  afterAll(async () => {
    policy?.remove();
    await h?.close();
  });

  it('A11: the policies.json values reach storage.managed of the temporary add-on, unfiltered', async () => {
    popup = await h.openPopup();
    const managed = await popup.evaluate(() =>
      (globalThis as unknown as WithBrowser).browser.storage.managed.get(),
    );
    expect(managed).toEqual({
      portalUrl: h.portal.issuer,
      brandName: BRAND_NAME,
      brandColor: BRAND_COLOR,
      pinnedApps: ['payroll'],
      idleSignOutMinutes: 'soon',
    });
  });

  it('A11: no first-run screen: the branded popup offers sign-in at the portal from policy', async () => {
    await expectBrandedSignInPopup(popup, h.portal.issuer);
  });

  it('A11: after sign-in the admin-pinned Payroll comes first, locked', async () => {
    const alice = h.portal.demo?.alice;
    if (!alice) throw new Error('The portal has no demo data.');
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    await completePortalSignIn(tab, alice);
    await popup.bringToFront();
    const apps = await waitForApps(popup);
    expect(apps[0]).toBe('payroll');
    expect(apps).toEqual(expect.arrayContaining(['team-wiki']));
    expect(
      await popup.$eval('button[data-app-id="payroll"]', (button) => {
        const item = button.closest('li') as HTMLElement;
        return [
          item.querySelector('.launcher-pin.is-locked')?.getAttribute('aria-label'),
          item.querySelectorAll('button.launcher-pin').length,
        ];
      }),
    ).toEqual(['Pinned by your administrator', 0]);
  });

  it('A11: the options page reports the mistyped value as ignored, and the valid keys still apply, locked', async () => {
    const page = await openExtensionPage(h, 'options.html#settings');
    await page.waitForSelector('[data-testid="policy-problems"]');
    const problems = await page.$eval('[data-testid="policy-problems"]', (el) => el.textContent ?? '');
    expect(problems).toContain(
      'The policy value for idleSignOutMinutes is invalid and was ignored. It must be a number, not text (a string) ("soon").',
    );

    const row = (key: string) =>
      page.$eval(`[data-policy-key="${key}"]`, (el) => [
        el.querySelector('td code')?.textContent ?? '',
        el.querySelector('td:last-child')?.textContent ?? '',
      ]);
    expect(await row('idleSignOutMinutes')).toEqual(['null', 'You or the default']);
    expect(await row('portalUrl')).toEqual([JSON.stringify(h.portal.issuer), 'Administrator (locked)']);
    expect(await row('brandName')).toEqual([JSON.stringify(BRAND_NAME), 'Administrator (locked)']);
    expect(await row('pinnedApps')).toEqual(['["payroll"]', 'Administrator (locked)']);
    expect(await page.$eval('#portal-url', (el) => (el as HTMLInputElement).readOnly)).toBe(true);
    expect(await page.$eval('#portal-url-hint', (el) => el.textContent)).toContain(
      'Set by your administrator',
    );
    await page.close();
  });

  it('Firefox reads policies.json at start only: a rewritten file changes nothing while it runs', async () => {
    policy?.write({
      policies: {
        '3rdparty': { Extensions: { [GECKO_EXTENSION_ID]: { brandName: 'Changed while running' } } },
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const managed = await popup.evaluate(() =>
      (globalThis as unknown as WithBrowser).browser.storage.managed.get(),
    );
    expect(managed.brandName).toBe(BRAND_NAME);
    expect(managed.portalUrl).toBe(h.portal.issuer);
  });
});
