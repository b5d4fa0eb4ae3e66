/**
 * Any OpenID provider, proven: the built extension in real Chromium against
 * Glewlwyd 2.7 (Debian's `glewlwyd` package, a third-party OpenID Provider
 * written in C), set up from scratch by ./glewlwyd/setup.ts on a random
 * loopback port. A machine policy names Glewlwyd's issuer and two apps, pages
 * of a tiny loopback server this test runs: Team Wiki (plain) and Payroll
 * (requires MFA within 300 s).
 *
 * It proves: sign-in through Glewlwyd's own login UI (password, then a TOTP
 * code because `offline_access` needs one); the policy's apps and the profile
 * in the popup; a plain launch landing in the app; the step-up launch under
 * the rule the admin guide gives for Glewlwyd (`amr` alone, no `acr`),
 * refused with the reason Glewlwyd's `auth_time` 0 gives; a real refresh
 * after the access token expired, from a restarted service worker; sign-out
 * (Glewlwyd offers a public client no revocation: the documented caveat); a refresh
 * Glewlwyd refuses (the non-rotating refresh token disabled at Glewlwyd)
 * signs the launcher out, saying the session ended.
 *
 * Needs glewlwyd installed (`apt-get install -y glewlwyd`; .ci/run does it);
 * without it the test fails saying so. Policy files apply to every Chromium
 * on the machine: run it alone or in a private mount namespace (README, "Tests").
 */
import http from 'node:http';
import type net from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../contract/constants.ts';
import { signInAtGlewlwyd } from './glewlwyd/pages.ts';
import { passwordCodeFlow } from './glewlwyd/protocol.ts';
import {
  ACCESS_TOKEN_SECONDS,
  OTP_SESSION_SECONDS,
  type RunningGlewlwyd,
  startGlewlwyd,
} from './glewlwyd/setup.ts';
import { type ExtensionBrowser, launchExtensionBrowser, type WithChrome, waitForApps } from './harness.ts';
import { waitForManagedPortal } from './managed-policy.ts';
import { chromiumPolicyFile, type PolicyFile, waitForNoOtherBrowser } from './policy-files.ts';
import { redeemRefreshToken, totpGenerator } from './portal-pages.ts';
import { expireStoredAccessToken, readStoredSession } from './stored-session.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The two apps: pages that say which app they are, so "landed in the app" is checkable. */
const APPS = { wiki: 'Team Wiki', payroll: 'Payroll' } as const;

interface AppServer {
  url: string;
  /** Paths requested, in order. */
  hits: string[];
  close(): Promise<void>;
}

async function serveApps(): Promise<AppServer> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    const name = APPS[(request.url ?? '/').slice(1).split('?')[0] as keyof typeof APPS];
    hits.push(request.url ?? '/');
    response.writeHead(name ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      name ? `<!doctype html><title>${name}</title><h1 data-testid="app">${name}</h1>` : 'not found',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface StoredSessionView {
  accessToken: string;
  idToken: string | null;
  refreshToken: string | null;
  accessTokenExpiresAt: number;
  authentication: { acr: string | null; amr: string[]; authTime: number | null };
}

let glewlwyd: RunningGlewlwyd;
let apps: AppServer;
let policy: PolicyFile | undefined;
let chromium: ExtensionBrowser;
let popup: Page;
let totp: () => Promise<string>;
/** When Glewlwyd last accepted a TOTP code in the sign-in (its OTP session lasts OTP_SESSION_SECONDS). */
let otpAcceptedAt = 0;

async function storedSession(): Promise<StoredSessionView | null> {
  return readStoredSession<StoredSessionView>(await chromium.worker());
}

/** The next TOTP code, noting when Glewlwyd took it. */
async function codeAtGlewlwyd(): Promise<string> {
  const code = await totp();
  otpAcceptedAt = Date.now();
  return code;
}

/** Glewlwyd asks for the code again only once its OTP session lapsed, and takes one 30 s after the last. */
async function otpSessionLapsed(): Promise<void> {
  const lapse = otpAcceptedAt + (Math.max(OTP_SESSION_SECONDS, 30) + 1) * 1000 - Date.now();
  if (lapse > 0) await sleep(lapse);
}

async function userinfoStatus(accessToken: string): Promise<number> {
  const response = await fetch(`${glewlwyd.issuer}/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return response.status;
}

/** How many ID tokens Glewlwyd has logged issuing. */
function idTokensIssued(): number {
  return glewlwyd.logs.filter((line) => line.includes('id_token generated')).length;
}

/** Polls `check` until it returns something truthy (20 s at most). */
async function waitFor<T>(check: () => T | Promise<T>, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await sleep(200);
  }
}

interface LauncherStateView {
  notice: { appId: string; outcome: string; code?: string; message: string } | null;
  user: { name: string } | null;
}

/** The background's state for the popup, asked as the popup asks it. */
async function launcherState(): Promise<LauncherStateView> {
  const answer = (await popup.evaluate(
    (message) => (globalThis as unknown as WithChrome).chrome.runtime.sendMessage(message),
    { channel: 'portal-launcher/v1', name: 'getState', payload: {} },
  )) as { ok: boolean; value: LauncherStateView };
  if (!answer.ok) throw new Error(`getState failed: ${JSON.stringify(answer)}`);
  return answer.value;
}

type NoticeView = NonNullable<LauncherStateView['notice']>;

/**
 * Records, in `page`, every launch notice the background stores. An open popup
 * learns of the failed launch at once (the background announces it), shows the
 * notice and dismisses it, so asking `getState` afterwards would find none.
 */
async function recordNotices(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Changes = Record<string, { newValue?: { value?: unknown } } | undefined>;
    const g = globalThis as unknown as {
      notices?: unknown[];
      chrome: { storage: { onChanged: { addListener(fn: (changes: Changes, area: string) => void): void } } };
    };
    g.notices = [];
    g.chrome.storage.onChanged.addListener((changes, area) => {
      const value = changes.launchNotice?.newValue?.value;
      if (area === 'session' && value) g.notices?.push(value);
    });
  });
}

async function recordedNotice(page: Page): Promise<NoticeView | null> {
  return page.evaluate(
    () => ((globalThis as unknown as { notices?: NoticeView[] }).notices ?? [])[0] ?? null,
  ) as Promise<NoticeView | null>;
}

function tabsAt(prefix: string): Promise<Page[]> {
  return chromium.browser.pages().then((pages) => pages.filter((page) => page.url().startsWith(prefix)));
}

beforeAll(async () => {
  glewlwyd = await startGlewlwyd();
  totp = totpGenerator(glewlwyd.user.totpSecret);
  apps = await serveApps();
  await waitForNoOtherBrowser('chromium', 90_000);
  const file = chromiumPolicyFile();
  policy = file;
  chromium = await launchExtensionBrowser({
    beforeBrowser: () =>
      file.write({
        '3rdparty': {
          extensions: {
            [CHROME_EXTENSION_ID]: {
              portalUrl: glewlwyd.issuer,
              // docs/admin.md "Step-up assurance": Glewlwyd emits no acr, its factors in amr.
              stepUpAssurance: { [glewlwyd.issuer]: { acceptAmrWithoutAcr: true } },
              apps: [
                { id: 'team-wiki', name: APPS.wiki, url: `${apps.url}/wiki`, category: 'Knowledge' },
                {
                  id: 'payroll',
                  name: APPS.payroll,
                  url: `${apps.url}/payroll`,
                  category: 'HR',
                  requiresMfa: true,
                  mfaMaxAgeSeconds: 300,
                },
              ],
            },
          },
        },
      }),
  });
  await waitForManagedPortal(chromium, glewlwyd.issuer);
}, 120_000);

afterAll(async () => {
  policy?.remove();
  await chromium?.close();
  await apps?.close();
  await glewlwyd?.close();
});

describe('Glewlwyd 2.7 as the OpenID provider (provider-only mode, apps from policy)', () => {
  it("Glewlwyd's discovery: S256 only; no acr, revocation or end-session support advertised", async () => {
    const metadata = (await (
      await fetch(`${glewlwyd.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(glewlwyd.issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.acr_values_supported ?? null).toBeNull();
    expect(metadata.token_endpoint_auth_methods_supported).not.toContain('none');
    expect(metadata).not.toHaveProperty('revocation_endpoint');
    expect(metadata).not.toHaveProperty('end_session_endpoint');
  });

  it("sign-in through Glewlwyd's login UI (password, then TOTP for offline_access) lists the policy apps and the profile", async () => {
    popup = await chromium.openPopup();
    await popup.waitForSelector('button::-p-text(Sign in)');
    await popup.click('button::-p-text(Sign in)');
    const tab = await chromium.waitForTab(glewlwyd.baseUrl);
    const signIn = await signInAtGlewlwyd(tab, glewlwyd.user, codeAtGlewlwyd);
    expect(signIn.steps).toEqual(['password', 'otp', 'continue']);
    await popup.bringToFront();
    expect((await waitForApps(popup)).sort()).toEqual(['payroll', 'team-wiki']);
    await popup.waitForSelector('[data-testid="user-name"]');
    expect(await popup.$eval('[data-testid="user-name"]', (el) => el.textContent?.trim())).toBe(
      glewlwyd.user.name,
    );
    expect(await popup.$eval('[data-testid="user-email"]', (el) => el.textContent?.trim())).toBe(
      glewlwyd.user.email,
    );
    const session = await storedSession();
    // What Glewlwyd proves: the factors, but no assurance level.
    expect(session?.authentication.acr).toBeNull();
    expect(session?.authentication.amr).toEqual(['password', 'otp']);
    expect(session?.refreshToken).toBeTruthy();
  });

  it('launching Team Wiki (no MFA) opens it in a new tab', async () => {
    await popup.bringToFront();
    await popup.click('[data-app-id="team-wiki"]');
    const wiki = await chromium.waitForTab(`${apps.url}/wiki`);
    await wiki.waitForSelector('[data-testid="app"]', { timeout: 20_000 });
    expect(await wiki.$eval('[data-testid="app"]', (el) => el.textContent)).toBe(APPS.wiki);
    await wiki.close();
  });

  it('A4: Payroll (MFA) asks for a fresh TOTP code in a Glewlwyd tab; amr password+otp is accepted without acr, but auth_time 0 proves no freshness: refused with that reason in the popup, app not opened', async () => {
    await otpSessionLapsed();
    const idTokensBefore = idTokensIssued();
    await popup.bringToFront();
    await recordNotices(popup);
    await popup.click('[data-app-id="payroll"]');
    const stepUp = await chromium.waitForTab(glewlwyd.baseUrl);
    // Glewlwyd sends the browser to its login page with the authorization request as callback_url.
    const callback = new URL(new URL(stepUp.url()).searchParams.get('callback_url') ?? '', glewlwyd.baseUrl);
    // The rule has no acr values: none are asked for (Glewlwyd would ignore them anyway).
    expect(callback.searchParams.get('acr_values')).toBeNull();
    expect(callback.searchParams.get('max_age')).toBe('300');
    // login_hint: the person's email (from the ID token, else from userinfo's profile).
    expect(callback.searchParams.get('login_hint')).toBe(glewlwyd.user.email);
    expect(apps.hits.filter((hit) => hit.startsWith('/payroll'))).toEqual([]);
    // The password still counts in Glewlwyd's session; the lapsed TOTP is asked again.
    const signIn = await signInAtGlewlwyd(stepUp, glewlwyd.user, codeAtGlewlwyd);
    expect(signIn.steps).toEqual(['otp', 'continue']);
    // Glewlwyd accepted the code and issued an ID token (amr password+otp, auth_time 0, no acr) …
    await waitFor(() => idTokensIssued() > idTokensBefore, 'Glewlwyd to issue the step-up ID token');
    // … which the launcher refuses: amr names the second factor, but it asked for max_age=300
    // and auth_time 0 says nothing about when (see the next test). The app is not opened and the
    // popup says why, not "try again".
    const notice = await waitFor(() => recordedNotice(popup), 'the launch notice');
    expect(notice).toMatchObject({ appId: 'payroll', outcome: 'failed', code: 'step_up_time_unproven' });
    expect(notice.message).toContain('Payroll was not opened.');
    await popup.bringToFront();
    await popup.waitForFunction(
      () => (document.body.textContent ?? '').includes('The provider did not say when you verified'),
      { timeout: 20_000 },
    );
    // The open popup was told (issue 16: every state change reaches open pages): it showed the
    // notice and dismissed it, so the next popup does not show it again.
    await waitFor(
      async () => (await launcherState()).notice === null,
      'the open popup to dismiss the notice',
    );
    expect(apps.hits.filter((hit) => hit.startsWith('/payroll'))).toEqual([]);
    expect(await tabsAt(`${apps.url}/payroll`)).toHaveLength(0);
    // The session is the sign-in's, unchanged: nothing from the refused answer was kept.
    expect((await storedSession())?.authentication).toEqual({
      acr: null,
      amr: ['password', 'otp'],
      authTime: 0,
    });
  });

  it("why: Glewlwyd's ID token carries auth_time 0 and no acr, which a max_age check refuses (the launcher's own library, no browser)", async () => {
    // Password only, scope openid: no TOTP code spent.
    const flow = await passwordCodeFlow(glewlwyd, { scope: 'openid', maxAge: 300 });
    expect(flow.idTokenClaims.auth_time).toBe(0);
    expect(flow.idTokenClaims).not.toHaveProperty('acr');
    expect(flow.idTokenClaims.amr).toEqual(['password']);
    expect(flow.verification).toEqual({
      ok: false,
      message: 'too much time has elapsed since the last End-User authentication',
    });
  });

  it('refresh: once the access token has expired, a restarted service worker refreshes it at Glewlwyd (same refresh token)', async () => {
    const before = await storedSession();
    if (!before) throw new Error('not signed in');
    // Glewlwyd's access tokens live ACCESS_TOKEN_SECONDS; wait until this one really expired.
    expect(before.accessTokenExpiresAt - Date.now()).toBeLessThanOrEqual(ACCESS_TOKEN_SECONDS * 1000);
    const wait = before.accessTokenExpiresAt + 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    expect(await userinfoStatus(before.accessToken)).toBe(401);
    await (await chromium.worker()).close();
    await popup.close();
    popup = await chromium.openPopup();
    expect((await waitForApps(popup)).sort()).toEqual(['payroll', 'team-wiki']);
    let after = await storedSession();
    for (let i = 0; i < 100 && after?.accessToken === before.accessToken; i++) {
      await sleep(200);
      after = await storedSession();
    }
    expect(after?.accessToken).not.toBe(before.accessToken);
    expect(after?.refreshToken).toBe(before.refreshToken);
    expect(await userinfoStatus(after?.accessToken ?? '')).toBe(200);
    // Glewlwyd's refresh answer has no ID token: the sign-in's is kept (the profile still shows).
    expect(after?.idToken).toBe(before.idToken);
    expect(await popup.$eval('[data-testid="user-name"]', (el) => el.textContent?.trim())).toBe(
      glewlwyd.user.name,
    );
  });

  it('A12 with Glewlwyd: sign-out ends the launcher session; Glewlwyd gives a public client no revocation, so the refresh token outlives it (documented caveat)', async () => {
    const refreshToken = (await storedSession())?.refreshToken;
    expect(refreshToken).toBeTruthy();
    const glewlwydTabsBefore = (await tabsAt(glewlwyd.baseUrl)).length;
    await popup.bringToFront();
    await popup.click('button::-p-text(Sign out)');
    await popup.waitForSelector('button::-p-text(Sign in)');
    expect(await storedSession()).toBeNull();
    expect((await launcherState()).user).toBeNull();
    // No end_session_endpoint: no logout tab at Glewlwyd.
    await sleep(1000);
    expect(await tabsAt(glewlwyd.baseUrl)).toHaveLength(glewlwydTabsBefore);
    // No revocation_endpoint: the refresh token stays valid at Glewlwyd until it expires.
    const response = await redeemRefreshToken(glewlwyd.issuer, refreshToken as string);
    expect(response.status).toBe(200);
  });

  it("a refused refresh with a provider that does not rotate: the person disables the launcher's refresh token on Glewlwyd's profile page; the next refresh signs the launcher out, saying the session ended", async () => {
    await otpSessionLapsed();
    await popup.bringToFront();
    await popup.click('button::-p-text(Sign in)');
    await signInAtGlewlwyd(await chromium.waitForTab(glewlwyd.baseUrl), glewlwyd.user, codeAtGlewlwyd).catch(
      (error: Error) => {
        throw new Error(`${error.message}\nGlewlwyd's log:\n${glewlwyd.logs.slice(-12).join('\n')}`);
      },
    );
    await popup.bringToFront();
    expect((await waitForApps(popup)).sort()).toEqual(['payroll', 'team-wiki']);
    const signedIn = await storedSession();
    if (!signedIn?.refreshToken) throw new Error('no refresh token after the sign-in');

    // Elsewhere, on Glewlwyd's own profile page (its API), the person ends the launcher's session.
    expect(await glewlwyd.disableRefreshTokens()).toBeGreaterThanOrEqual(1);
    // Glewlwyd refuses it with a bare 400: no OAuth error body, so no `invalid_grant` to go by.
    const refused = await redeemRefreshToken(glewlwyd.issuer, signedIn.refreshToken);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toBe('');

    // The access token runs out (as an hour later); a popup opened then makes the launcher refresh.
    await expireStoredAccessToken(await chromium.worker());
    await popup.close();
    popup = await chromium.openPopup();
    await popup.waitForFunction(() => (document.body.textContent ?? '').includes('Your session ended'), {
      timeout: 20_000,
    });
    await popup.waitForSelector('button::-p-text(Sign in)');
    expect(await popup.$('[data-app-id]')).toBeNull();
    expect(await storedSession()).toBeNull();
  });
});
