/**
 * Any OpenID provider, proven: the built extension in real Chromium against
 * Glewlwyd 2.7 (Debian's `glewlwyd` package, a third-party OpenID Provider
 * written in C), set up from scratch by ./glewlwyd/setup.ts on a random
 * loopback port. A machine policy names Glewlwyd's issuer and two apps, pages
 * of a tiny loopback server this test runs: Team Wiki (plain) and Payroll
 * (requires MFA within 300 s).
 *
 * The steps are ./glewlwyd/flow.ts, shared with the same test in Firefox
 * (./glewlwyd-firefox.test.ts). It proves: sign-in through Glewlwyd's own login UI (password, then a TOTP
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
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../contract/constants.ts';
import { type AppServer, glewlwydLauncherPolicy, serveApps } from './glewlwyd/apps.ts';
import { GlewlwydFlow } from './glewlwyd/flow.ts';
import { passwordCodeFlow } from './glewlwyd/protocol.ts';
import { type RunningGlewlwyd, startGlewlwyd } from './glewlwyd/setup.ts';
import { type ExtensionBrowser, launchExtensionBrowser } from './harness.ts';
import { waitForManagedPortal } from './managed-policy.ts';
import { chromiumPolicyFile, type PolicyFile, waitForNoOtherBrowser } from './policy-files.ts';
import { redeemRefreshToken } from './portal-pages.ts';
import { expireStoredAccessToken } from './stored-session.ts';

let glewlwyd: RunningGlewlwyd;
let apps: AppServer;
let policy: PolicyFile | undefined;
let chromium: ExtensionBrowser;
let flow: GlewlwydFlow;

beforeAll(async () => {
  glewlwyd = await startGlewlwyd();
  apps = await serveApps();
  await waitForNoOtherBrowser('chromium', 90_000);
  const file = chromiumPolicyFile();
  policy = file;
  chromium = await launchExtensionBrowser({
    beforeBrowser: () =>
      file.write({
        '3rdparty': {
          extensions: { [CHROME_EXTENSION_ID]: glewlwydLauncherPolicy(glewlwyd.issuer, apps) },
        },
      }),
  });
  await waitForManagedPortal(chromium, glewlwyd.issuer);
  flow = new GlewlwydFlow(glewlwyd, apps, {
    ...chromium,
    // The service worker stops, as when Chromium lets an idle one go.
    restartBackground: async () => (await chromium.worker()).close(),
  });
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
    await flow.firstSignIn();
  });

  it('launching Team Wiki (no MFA) opens it in a new tab', async () => {
    await flow.plainLaunch();
  });

  it('A4: Payroll (MFA) asks for a fresh TOTP code in a Glewlwyd tab; amr password+otp is accepted without acr, but auth_time 0 proves no freshness: refused with that reason in the popup, app not opened', async () => {
    await flow.stepUpLaunchRefused();
  });

  it("why: Glewlwyd's ID token carries auth_time 0 and no acr, which a max_age check refuses (the launcher's own library, no browser)", async () => {
    // Password only, scope openid: no TOTP code spent.
    const result = await passwordCodeFlow(glewlwyd, { scope: 'openid', maxAge: 300 });
    expect(result.idTokenClaims.auth_time).toBe(0);
    expect(result.idTokenClaims).not.toHaveProperty('acr');
    expect(result.idTokenClaims.amr).toEqual(['password']);
    expect(result.verification).toEqual({
      ok: false,
      message: 'too much time has elapsed since the last End-User authentication',
    });
  });

  it('refresh: once the access token has expired, a restarted service worker refreshes it at Glewlwyd (same refresh token)', async () => {
    await flow.refreshAfterExpiry();
  });

  it('A12 with Glewlwyd: sign-out ends the launcher session; Glewlwyd gives a public client no revocation, so the refresh token outlives it (documented caveat)', async () => {
    await flow.signOut();
  });

  it("a refused refresh with a provider that does not rotate: the person disables the launcher's refresh token on Glewlwyd's profile page; the next refresh signs the launcher out, saying the session ended", async () => {
    await flow.otpSessionLapsed();
    await flow.signIn();
    const signedIn = await flow.storedSession();
    if (!signedIn?.refreshToken) throw new Error('no refresh token after the sign-in');

    // Elsewhere, on Glewlwyd's own profile page (its API), the person ends the launcher's session.
    expect(await glewlwyd.disableRefreshTokens()).toBeGreaterThanOrEqual(1);
    // Glewlwyd refuses it with a bare 400: no OAuth error body, so no `invalid_grant` to go by.
    const refused = await redeemRefreshToken(glewlwyd.issuer, signedIn.refreshToken);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toBe('');

    // The access token runs out (as an hour later); a popup opened then makes the launcher refresh.
    await expireStoredAccessToken(await chromium.worker());
    await flow.popup.close();
    const popup: Page = await chromium.openPopup();
    flow.popup = popup;
    await popup.waitForFunction(() => (document.body.textContent ?? '').includes('Your session ended'), {
      timeout: 20_000,
    });
    await popup.waitForSelector('button::-p-text(Sign in)');
    expect(await popup.$('[data-app-id]')).toBeNull();
    expect(await flow.storedSession()).toBeNull();
  });
});
