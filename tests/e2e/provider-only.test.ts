/**
 * Provider-only mode end to end (issue 6 item 4), in real Chromium with the
 * built extension: the reference portal runs as a plain OpenID Provider (its
 * portal API switched off, `startPortal({ portalApi: false })`, as
 * `--no-api`), and a real machine policy file, written before the browser
 * starts, gives the launcher the portal address and its apps: Team Wiki (no
 * MFA) and Payroll (MFA within 300 s, pinned), whose URLs are the demo apps'
 * own sign-in start (`/login?iss=…`, their OpenID client against the portal).
 *
 * It proves: sign-in through the popup lists the policy apps and the profile
 * from the ID token; Team Wiki opens in a new tab; Payroll opens a step-up tab
 * that asks for the code and then lands in Payroll (which shows acr MFA);
 * the portal never receives a request under /api/v1 (recorded by the portal
 * itself, so the service worker's fetches count too) nor any `resource`
 * parameter; the options page hides the sections that need the API.
 *
 * Policy files apply to every Chromium on the machine: run this through the
 * isolation wrapper (/work/bin/iso), or alone; the file is always removed.
 */

import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA, CHROME_EXTENSION_ID } from '../../contract/constants.ts';
import {
  completePortalSignIn,
  EXTENSION_ORIGIN,
  enterCode,
  type Harness,
  startHarness,
  type WithChrome,
  waitForApps,
} from './harness.ts';
import { waitForManagedPortal } from './managed-policy.ts';
import { chromiumPolicyFile, type PolicyFile, waitForNoOtherBrowser } from './policy-files.ts';
import { redeemRefreshToken, STEP_UP_ONLY_PORTAL } from './portal-pages.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every request the portal received (method and path with query), in order. */
const portalRequests: Array<{ method: string; url: string }> = [];

let h: Harness;
let policy: PolicyFile | undefined;
let popup: Page;

function pagesAt(prefix: string): Promise<Page[]> {
  return h.browser.pages().then((pages) => pages.filter((page) => page.url().startsWith(prefix)));
}

beforeAll(async () => {
  await waitForNoOtherBrowser('chromium', 90_000);
  const file = chromiumPolicyFile();
  policy = file;
  h = await startHarness({
    // Only the policy names the portal: no user setting.
    configurePortal: false,
    portal: {
      ...STEP_UP_ONLY_PORTAL,
      portalApi: false,
      onRequest: (request) => portalRequests.push(request),
    },
    beforeBrowser: (portal) => {
      const iss = encodeURIComponent(portal.issuer);
      file.write({
        '3rdparty': {
          extensions: {
            [CHROME_EXTENSION_ID]: {
              portalUrl: portal.issuer,
              pinnedApps: ['payroll'],
              apps: [
                {
                  id: 'team-wiki',
                  name: 'Team Wiki',
                  url: `${portal.demoApps.wiki}/login?iss=${iss}`,
                  description: 'Company handbook and how-tos',
                  category: 'Knowledge',
                },
                {
                  id: 'payroll',
                  name: 'Payroll',
                  url: `${portal.demoApps.payroll}/login?iss=${iss}`,
                  description: 'Payslips and tax forms',
                  category: 'HR',
                  requiresMfa: true,
                  mfaMaxAgeSeconds: 300,
                },
              ],
            },
          },
        },
      });
    },
  });
  await waitForManagedPortal(h, h.portal.issuer);
}, 120_000);

afterAll(async () => {
  policy?.remove();
  await h?.close();
});

describe('provider-only mode: a plain OpenID provider, apps from policy', () => {
  it('the portal really has no API: discovery does not advertise it and /api/v1 answers 404', async () => {
    const metadata = (await (
      await fetch(`${h.portal.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(metadata).not.toHaveProperty('portal_api_endpoint');
    expect((await fetch(`${h.portal.issuer}/api/v1/me/apps`)).status).toBe(404);
    portalRequests.length = 0; // from here on, only what the browser and the extension ask
  });

  it('sign-in through the popup lists the policy apps (pinned Payroll first) and the profile from the OpenID claims', async () => {
    const alice = h.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    popup = await h.openPopup();
    await popup.waitForSelector('button::-p-text(Sign in)');
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    expect(new URL(tab.url()).searchParams.has('resource')).toBe(false);
    await completePortalSignIn(h, tab, alice);
    await popup.bringToFront();
    expect(await waitForApps(popup)).toEqual(['payroll', 'team-wiki']);
    await popup.waitForSelector('[data-testid="user-name"]');
    expect(await popup.$eval('[data-testid="user-name"]', (el) => el.textContent?.trim())).toBe(
      'Alice Example',
    );
    expect(await popup.$eval('[data-testid="user-email"]', (el) => el.textContent?.trim())).toBe(alice.email);
    const state = (await popup.evaluate(
      (message) => (globalThis as unknown as WithChrome).chrome.runtime.sendMessage(message),
      { channel: 'portal-launcher/v1', name: 'getState', payload: {} },
    )) as {
      ok: boolean;
      value: { capabilities?: { portalApi: boolean }; apps: Array<Record<string, unknown>> };
    };
    expect(state.ok).toBe(true);
    expect(state.value.capabilities).toEqual({ portalApi: false });
    // A9: the popup gets app ids and names, never the URLs.
    expect(JSON.stringify(state.value.apps)).not.toContain('/login?iss=');
  });

  it('launching Team Wiki opens it in a new tab, signed in as alice', async () => {
    await popup.bringToFront();
    await popup.click('[data-app-id="team-wiki"]');
    const wiki = await h.waitForTab(h.portal.demoApps.wiki);
    await wiki.waitForSelector('[data-testid="signed-in"]', { timeout: 20_000 });
    expect(await wiki.$eval('[data-testid="signed-in"]', (el) => el.textContent ?? '')).toContain(
      'Alice Example',
    );
    await wiki.close();
  });

  it('A4: launching Payroll opens a step-up tab asking for the code, which then lands in Payroll with acr MFA', async () => {
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const stepUp = await h.waitForTab(h.portal.issuer);
    // The tab has moved on to the code page by now; the portal saw the authorization request.
    const authorization = portalRequests.filter((entry) => entry.url.startsWith('/auth?')).at(-1);
    const request = new URL(authorization?.url ?? '/', h.portal.issuer).searchParams;
    expect(request.get('acr_values')).toBe(ACR_MFA);
    expect(request.get('max_age')).toBe('300');
    expect(request.has('resource')).toBe(false);
    await stepUp.bringToFront();
    await stepUp.waitForSelector('#code');
    // Nothing opened before the code.
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(0);
    await enterCode(stepUp, await h.totp());
    await stepUp.waitForFunction(
      (prefix: string) => location.href.startsWith(prefix),
      { timeout: 20_000, polling: 200 },
      h.portal.demoApps.payroll,
    );
    await stepUp.waitForSelector('[data-testid="acr"]', { timeout: 20_000 });
    expect(await stepUp.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(ACR_MFA);
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(1);
    await stepUp.close();
  });

  it('opening Payroll again within five minutes asks nothing', async () => {
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const payroll = await h.waitForTab(h.portal.demoApps.payroll);
    await payroll.waitForSelector('[data-testid="acr"]', { timeout: 20_000 });
    expect(await payroll.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(ACR_MFA);
    expect(await pagesAt(h.portal.issuer)).toHaveLength(0);
    await payroll.close();
  });

  it('the options page shows only the read-only profile and Settings & about, and says what the provider is', async () => {
    const page = await h.browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(`${EXTENSION_ORIGIN}/options.html#profile`);
    await page.waitForSelector('nav [data-nav]');
    const nav = await page.$$eval('nav [data-nav]', (links) =>
      links.map((link) => link.getAttribute('data-nav')),
    );
    expect(nav).toEqual(['profile', 'settings']);
    // The profile comes from the provider's claims and cannot be edited here.
    await page.waitForSelector('[data-profile-section="details"]', { timeout: 20_000 });
    const profile = await page.$eval('#content', (el) => el.textContent ?? '');
    expect(profile).toContain('Alice Example');
    expect(profile).toContain('Managed by your identity provider');
    expect(await page.$$('[data-profile-section] button')).toHaveLength(0);
    // A section the API would serve is not reachable by address either: the profile shows instead.
    await page.goto(`${EXTENSION_ORIGIN}/options.html#ssh-keys`);
    await page.reload();
    await page.waitForSelector('[data-profile-section="details"]', { timeout: 20_000 });
    expect(await page.$('#ssh-keys-title')).toBeNull();
    await page.goto(`${EXTENSION_ORIGIN}/options.html#settings`);
    await page.reload();
    await page.waitForSelector('[data-testid="provider-kind"]', { timeout: 20_000 });
    expect(await page.$eval('[data-testid="provider-kind"]', (el) => el.textContent?.trim())).toBe(
      'Provider: standard OpenID Connect (no portal API)',
    );
    await page.close();
  });

  it('A12: sign-out revokes the refresh token and ends the provider session (RP-initiated logout)', async () => {
    const worker = await h.worker();
    const refreshToken = await worker.evaluate(async () => {
      const stored = (await (globalThis as unknown as WithChrome).chrome.storage.session.get('session')) as {
        session?: { value?: { refreshToken?: string } };
      };
      return stored.session?.value?.refreshToken ?? null;
    });
    expect(refreshToken).toBeTruthy();
    await popup.bringToFront();
    await popup.waitForSelector('button::-p-text(Sign out)');
    await popup.click('button::-p-text(Sign out)');
    await popup.waitForSelector('button::-p-text(Sign in)');
    const response = await redeemRefreshToken(h.portal.issuer, refreshToken as string);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
    // The logout went to the provider's end_session_endpoint.
    for (let i = 0; i < 50 && !portalRequests.some((entry) => entry.url.startsWith('/session/end')); i++) {
      await sleep(100);
    }
    expect(portalRequests.some((entry) => entry.url.startsWith('/session/end'))).toBe(true);
  });

  it('no request reached /api/v1, and none carried the API resource indicator', () => {
    expect(portalRequests.length).toBeGreaterThan(10);
    expect(portalRequests.filter((request) => request.url.startsWith('/api/'))).toEqual([]);
    expect(portalRequests.filter((request) => request.url.includes('resource='))).toEqual([]);
    // The launcher did read the profile from userinfo (oidc-provider serves it at /me).
    expect(portalRequests.some((request) => request.url === '/me')).toBe(true);
  });
});
