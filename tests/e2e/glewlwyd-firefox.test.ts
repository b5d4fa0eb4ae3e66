/**
 * Any OpenID provider, proven in Firefox too: the built Firefox extension
 * (`wxt build -b firefox --mv3`) in Debian's Firefox ESR against Glewlwyd 2.7,
 * set up from scratch by ./glewlwyd/setup.ts on a random loopback port, with
 * the same policy (a real policies.json) and the same steps
 * (./glewlwyd/flow.ts) as the Chromium test (./glewlwyd.test.ts): sign-in
 * through Glewlwyd's login UI, the policy's apps, a plain launch, the step-up
 * launch with a fresh TOTP code refused for Glewlwyd's `auth_time` 0, a refresh
 * after the access token expired, from a woken event page, and sign-out.
 * Firefox's redirect URI (`https://<sha1 of the gecko id>.extensions.allizom.org/callback`)
 * is caught in the browser: nothing is sent there.
 *
 * Needs glewlwyd and firefox-esr installed (.ci/run installs both); without
 * them the test fails saying so. policies.json applies to every Firefox on the
 * machine: run it alone or in a private mount namespace (README, "Tests").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIREFOX_REDIRECT_URI, GECKO_EXTENSION_ID } from '../../contract/constants.ts';
import { type FirefoxExtensionBrowser, launchFirefoxExtension } from './firefox-harness.ts';
import { type AppServer, glewlwydLauncherPolicy, serveApps } from './glewlwyd/apps.ts';
import { GlewlwydFlow, waitFor } from './glewlwyd/flow.ts';
import { type RunningGlewlwyd, startGlewlwyd } from './glewlwyd/setup.ts';
import { firefoxPolicyFile, type PolicyFile, waitForNoOtherBrowser } from './policy-files.ts';

/** The WebExtension API as seen inside `page.evaluate`. */
type WithBrowser = {
  browser: {
    extension: { getBackgroundPage(): object | null };
    permissions: { contains(permissions: { origins: string[] }): Promise<boolean> };
  };
};

/**
 * Firefox suspends an event page idle this long (ms). Real Firefox waits 30 s; 10 s lets the refresh
 * step see a suspended page soon after the access token expired, and is longer than any step of the
 * sign-in, so no flow is cut by it (the suspension mid-flow is firefox.test.ts's subject).
 */
const IDLE_TIMEOUT_MS = 10_000;

let glewlwyd: RunningGlewlwyd;
let apps: AppServer;
let policy: PolicyFile | undefined;
let firefox: FirefoxExtensionBrowser;
let flow: GlewlwydFlow;
const startedAt = Date.now();

function redirectHostRequests(): unknown[] {
  const redirectHost = new URL(FIREFOX_REDIRECT_URI).host;
  return firefox.proxied.filter((request) => request.target.includes(redirectHost));
}

beforeAll(async () => {
  glewlwyd = await startGlewlwyd();
  apps = await serveApps();
  await waitForNoOtherBrowser('firefox-esr', 90_000);
  const file = firefoxPolicyFile();
  policy = file;
  firefox = await launchFirefoxExtension({
    prefs: { 'extensions.background.idle.timeout': IDLE_TIMEOUT_MS },
    beforeBrowser: () =>
      file.write({
        policies: {
          '3rdparty': {
            Extensions: { [GECKO_EXTENSION_ID]: glewlwydLauncherPolicy(glewlwyd.issuer, apps) },
          },
        },
      }),
  });
  flow = new GlewlwydFlow(glewlwyd, apps, {
    ...firefox,
    // Firefox's event page cannot be stopped from outside: wait until Firefox suspends it.
    restartBackground: (page) =>
      waitFor(
        () =>
          page.evaluate(
            () => (globalThis as unknown as WithBrowser).browser.extension.getBackgroundPage() === null,
          ),
        'Firefox to suspend the idle event page',
      ).then(() => undefined),
  });
}, 120_000);

afterAll(async () => {
  policy?.remove();
  await firefox?.close();
  await apps?.close();
  await glewlwyd?.close();
  console.info(
    `Glewlwyd Firefox e2e: build ${firefox?.timings.buildMs} ms, Firefox start ${firefox?.timings.firefoxStartMs} ms, file ${Date.now() - startedAt} ms`,
  );
});

describe('Glewlwyd 2.7 as the OpenID provider in Firefox ESR (provider-only mode, apps from policies.json)', () => {
  it("sign-in through Glewlwyd's login UI (password, then TOTP for offline_access) lists the policy apps and the profile; the redirect URI never hits the network", async () => {
    await flow.firstSignIn();
    expect(redirectHostRequests()).toEqual([]);
  });

  it("B12: Glewlwyd answers the launcher's per-profile moz-extension origin with CORS, so the Sign in click asked for no host permission and none was needed", async () => {
    const { protocol, hostname } = new URL(glewlwyd.issuer);
    expect(
      await flow.popup.evaluate(
        (pattern) =>
          (globalThis as unknown as WithBrowser).browser.permissions.contains({ origins: [pattern] }),
        `${protocol}//${hostname}/*`,
      ),
    ).toBe(false);
  });

  it('launching Team Wiki (no MFA) opens it in a new tab', async () => {
    await flow.plainLaunch();
  });

  it('A4: Payroll (MFA) asks for a fresh TOTP code in a Glewlwyd tab; amr password+otp is accepted without acr, but auth_time 0 proves no freshness: refused with that reason in the popup, app not opened', async () => {
    await flow.stepUpLaunchRefused();
    expect(redirectHostRequests()).toEqual([]);
  });

  it('C1 refresh: once the access token has expired and Firefox suspended the event page, the woken page refreshes it at Glewlwyd (same refresh token)', async () => {
    await flow.refreshAfterExpiry();
  });

  it('A12 with Glewlwyd: sign-out ends the launcher session; Glewlwyd gives a public client no revocation, so the refresh token outlives it (documented caveat)', async () => {
    await flow.signOut();
  });
});
