import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { meSchema } from '../../contract/schemas.ts';
import type { PolicyApp } from '../policy/schema.ts';
import type { CatalogCache } from '../storage.ts';
import { pendingFlowsItem } from '../storage.ts';
import {
  FAKE_CLIENT_ID,
  FAKE_LOGOUT_URI,
  FAKE_REDIRECT_URI,
  type FakePortal,
  fakePortal,
} from './__tests__/fake-portal.ts';
import { AuthError } from './errors.ts';
import {
  createLauncher,
  FLOW_MAX_AGE_MS,
  isSafeLaunchUrl,
  type Launcher,
  type LauncherSettings,
} from './launcher.ts';

interface FakeTabs {
  created: string[];
  updated: Array<{ tabId: number; url: string }>;
  removed: number[];
}

let portal: FakePortal;
let tabs: FakeTabs;
let clock: number;
let catalog: CatalogCache | null;
let testNumber = 0;
/** Overrides the configured portal address (A11 tests). */
let configuredIssuer: string | null;
/** Policy `apps` (used when the issuer has no portal API). */
let policyApps: PolicyApp[];

function makeLauncher(overrides: Partial<LauncherSettings> = {}): Launcher {
  return createLauncher({
    redirectUri: FAKE_REDIRECT_URI,
    postLogoutRedirectUri: FAKE_LOGOUT_URI,
    fetch: portal.fetch,
    now: () => clock,
    catalog: {
      get: async () => catalog,
      set: async (value) => {
        catalog = value;
      },
    },
    tabs: {
      create: async (url) => {
        tabs.created.push(url);
        return 100 + tabs.created.length;
      },
      update: async (tabId, url) => {
        tabs.updated.push({ tabId, url });
      },
      remove: async (tabId) => {
        tabs.removed.push(tabId);
      },
    },
    settings: {
      load: async () => ({
        portalUrl: configuredIssuer ?? portal.issuer,
        portalUrlForced: false,
        clientId: FAKE_CLIENT_ID,
        stepUpAcrValue: 'urn:portal-launcher:acr:mfa',
        stepUpMaxAgeSeconds: 300,
        appStepUpMaxAge: {},
        apps: policyApps,
        ...overrides,
      }),
      savePortalUrl: async () => undefined,
    },
  });
}

/** Completes a sign-in with `launcher` (its tab is the first one). */
async function signInWith(launcher: Launcher): Promise<void> {
  const done = launcher.signIn();
  await tabsOpened(1);
  await launcher.completeAuthorization(portal.authorize(tabs.created.at(-1) as string), 101);
  await done;
}

/** Waits until the launcher opened `count` tabs (flows open their tab asynchronously). */
async function tabsOpened(count: number): Promise<void> {
  for (let i = 0; i < 200 && tabs.created.length < count; i++) await new Promise((r) => setTimeout(r, 5));
  expect(tabs.created.length).toBeGreaterThanOrEqual(count);
}

/** Signs in through the launcher with the given claims; returns the launcher. */
async function signedIn(claims: Record<string, unknown> = {}): Promise<Launcher> {
  const launcher = makeLauncher();
  const done = launcher.signIn();
  await tabsOpened(1);
  const authorizationUrl = tabs.created.at(-1) as string;
  await launcher.completeAuthorization(portal.authorize(authorizationUrl, claims), 101);
  await done;
  return launcher;
}

function apiCalls(path: string): number {
  return portal.calls.filter((call) => new URL(call.url).pathname === path).length;
}

beforeEach(async () => {
  fakeBrowser.reset();
  // reset() does not empty every area in this fake-browser version: start from nothing.
  await fakeBrowser.storage.session.clear();
  await fakeBrowser.storage.local.clear();
  // A distinct issuer per test: fake-browser's storage can carry a write from a previous test's
  // still-running flow across reset(), and flows are keyed by issuer.
  testNumber += 1;
  portal = await fakePortal({ now: () => clock, issuer: `https://portal-${testNumber}.example.test` });
  tabs = { created: [], updated: [], removed: [] };
  clock = Date.now();
  catalog = null;
  configuredIssuer = null;
  policyApps = [];
});

describe('sign-in', () => {
  it('C1: the pending flow is saved before the tab opens', async () => {
    const launcher = makeLauncher();
    let savedBeforeTab = false;
    const original = launcher;
    void original.signIn().catch(() => undefined);
    await tabsOpened(1);
    const flows = await pendingFlowsItem.get();
    const state = new URL(tabs.created[0] as string).searchParams.get('state') as string;
    savedBeforeTab = flows[state] !== undefined && flows[state].kind === 'signIn';
    expect(savedBeforeTab).toBe(true);
    expect(flows[state]?.tabId).toBe(101);
  });

  it('A2: replaying the same redirect twice fails the second time; the transaction is deleted after first use', async () => {
    const launcher = makeLauncher();
    const done = launcher.signIn();
    await tabsOpened(1);
    const redirect = portal.authorize(tabs.created[0] as string);
    await launcher.completeAuthorization(redirect, 101);
    await done;
    const state = new URL(redirect).searchParams.get('state') as string;
    expect(Object.keys(await pendingFlowsItem.get())).not.toContain(state);
    await expect(launcher.completeAuthorization(redirect, 101)).rejects.toMatchObject({
      code: 'invalid_callback',
    });
  });

  it('A2: a redirect with an unknown state is refused', async () => {
    const launcher = makeLauncher();
    await expect(
      launcher.completeAuthorization(`${FAKE_REDIRECT_URI}?code=x&state=never-issued-state-value`, 5),
    ).rejects.toMatchObject({ code: 'invalid_callback' });
  });

  it('C1: a restarted worker (new launcher, same storage.session) completes the pending sign-in', async () => {
    const first = makeLauncher();
    void first.signIn().catch(() => undefined);
    await tabsOpened(1);
    const restarted = makeLauncher();
    await restarted.completeAuthorization(portal.authorize(tabs.created[0] as string), 101);
    const state = await restarted.getState();
    expect(state.status).toBe('signedIn');
    expect(state.user?.name).toBe('Alice Example');
    expect(tabs.removed).toEqual([101]);
  });

  it('C1/C5: a flow older than 10 minutes is discarded and a late completion refused', async () => {
    const launcher = makeLauncher();
    const done = launcher.signIn();
    await tabsOpened(1);
    clock += FLOW_MAX_AGE_MS + 1000;
    const redirect = portal.authorize(tabs.created[0] as string);
    await expect(launcher.completeAuthorization(redirect, 101)).rejects.toMatchObject({
      code: 'invalid_callback',
    });
    await expect(done).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('C1: an orphaned sign-in flow (its tab never recorded) does not block a new sign-in', async () => {
    await pendingFlowsItem.set({
      ['orphan-state-0123456789']: {
        kind: 'signIn',
        state: 'orphan-state-0123456789',
        nonce: 'n',
        codeVerifier: 'v',
        issuer: portal.issuer,
        maxAge: null,
        acrValues: null,
        createdAt: clock,
        tabId: null,
        launchAppIds: [],
      },
    });
    const launcher = makeLauncher();
    void launcher.signIn().catch(() => undefined);
    await tabsOpened(1);
    expect(Object.keys(await pendingFlowsItem.get())).not.toContain('orphan-state-0123456789');
  });

  it('A5: tokens live in storage.session only, never storage.local', async () => {
    await signedIn();
    const local = JSON.stringify(await fakeBrowser.storage.local.get(null));
    const session = JSON.stringify(await fakeBrowser.storage.session.get(null));
    expect(session).toContain('"refreshToken":"rt-');
    expect(local).not.toContain('rt-');
    expect(local).not.toContain('at-');
  });
});

describe('launch', () => {
  it('opens an app that needs no MFA with one launch call', async () => {
    const launcher = await signedIn();
    const result = await launcher.launchApp('wiki');
    expect(result).toEqual({ outcome: 'opened', appId: 'wiki' });
    expect(tabs.created.at(-1)).toMatch(/^https:\/\/wiki\.apps\.example\.test\/sso/);
    expect(apiCalls('/api/v1/apps/wiki/launch')).toBe(1);
  });

  it('A9: an unknown app id is refused without a launch call', async () => {
    const launcher = await signedIn();
    await expect(launcher.launchApp('not-assigned')).rejects.toMatchObject({ code: 'launch_refused' });
    expect(portal.calls.some((call) => call.url.includes('/launch'))).toBe(false);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'http://wiki.example.test/sso',
    'file:///etc/passwd',
  ])('A9: a launch URL %s from the portal is not opened', async (url) => {
    const launcher = await signedIn();
    portal.state.launch.set('wiki', { url });
    const opened = tabs.created.length;
    await expect(launcher.launchApp('wiki')).rejects.toBeInstanceOf(Error);
    expect(tabs.created.length).toBe(opened);
  });

  it('C4: an expired token mid-launch makes one refresh and one retry', async () => {
    const launcher = await signedIn();
    portal.expireAccessTokens();
    const before = portal.refreshCount;
    await launcher.launchApp('wiki');
    expect(portal.refreshCount - before).toBe(1);
    expect(apiCalls('/api/v1/apps/wiki/launch')).toBe(2);
  });

  it('C4: a token still refused after the refresh stops after one retry (no loop)', async () => {
    const launcher = await signedIn();
    portal.expireAccessTokens();
    // Every token the portal issues from now on is refused too.
    portal.state.validAccessTokens.add = () => portal.state.validAccessTokens;
    await expect(launcher.launchApp('wiki')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(apiCalls('/api/v1/apps/wiki/launch')).toBe(2);
    expect(portal.refreshCount).toBe(1);
  });

  it('C4/RFC 9470: a 401 insufficient_user_authentication opens the step-up tab instead of retrying', async () => {
    const launcher = await signedIn();
    portal.state.launch.set('wiki', 'stepUp');
    const launching = launcher.launchApp('wiki');
    await tabsOpened(2);
    const stepUpUrl = new URL(tabs.created[1] as string);
    expect(stepUpUrl.searchParams.get('acr_values')).toBe('urn:portal-launcher:acr:mfa');
    expect(stepUpUrl.searchParams.get('max_age')).toBe('300');
    expect(stepUpUrl.searchParams.get('launch_app')).toBe('wiki');
    expect(stepUpUrl.searchParams.get('login_hint')).toBe('alice@example.com');
    expect(apiCalls('/api/v1/apps/wiki/launch')).toBe(1);
    portal.state.launch.set('wiki', 'ok');
    await launcher.completeAuthorization(portal.authorize(stepUpUrl.href, portal.mfaClaims()), 102);
    await expect(launching).resolves.toEqual({ outcome: 'opened', appId: 'wiki' });
    expect(apiCalls('/api/v1/apps/wiki/launch')).toBe(2);
    expect(tabs.updated).toHaveLength(1);
    expect(tabs.updated[0]?.tabId).toBe(102);
  });

  it('the catalog says Payroll needs MFA and the session has none: the step-up tab opens at once, no wasted launch call', async () => {
    const launcher = await signedIn();
    void launcher.launchApp('payroll').catch(() => undefined);
    await tabsOpened(2);
    expect(new URL(tabs.created[1] as string).searchParams.get('launch_app')).toBe('payroll');
    expect(apiCalls('/api/v1/apps/payroll/launch')).toBe(0);
  });

  it('A4: a step-up answered with password-only acr does not launch; the notice keeps the reason code for the popup', async () => {
    const launcher = await signedIn();
    const launching = launcher.launchApp('payroll');
    await tabsOpened(2);
    const result = launcher.completeAuthorization(
      portal.authorize(tabs.created[1] as string, { acr: 'urn:portal-launcher:acr:pwd', amr: ['pwd'] }),
      102,
    );
    await expect(result).rejects.toMatchObject({ code: 'step_up_insufficient' });
    await expect(launching).rejects.toMatchObject({ code: 'step_up_insufficient' });
    expect(apiCalls('/api/v1/apps/payroll/launch')).toBe(0);
    expect(tabs.updated).toHaveLength(0);
    const { notice } = await launcher.getState();
    expect(notice).toMatchObject({ appId: 'payroll', outcome: 'failed', code: 'step_up_insufficient' });
  });

  it('A4: a step-up with MFA acr but without a second-factor amr does not launch', async () => {
    const launcher = await signedIn();
    const launching = launcher.launchApp('payroll');
    await tabsOpened(2);
    const claims = { ...portal.mfaClaims(), amr: ['pwd'] };
    await expect(
      launcher.completeAuthorization(portal.authorize(tabs.created[1] as string, claims), 102),
    ).rejects.toMatchObject({ code: 'step_up_insufficient' });
    await expect(launching).rejects.toBeInstanceOf(Error);
    expect(apiCalls('/api/v1/apps/payroll/launch')).toBe(0);
  });

  it('A4: a step-up whose auth_time is stale does not launch', async () => {
    const launcher = await signedIn();
    const launching = launcher.launchApp('payroll');
    await tabsOpened(2);
    // The ID token itself passes max_age (issued "now"), but the launcher's clock has moved on.
    const redirect = portal.authorize(tabs.created[1] as string, portal.mfaClaims());
    clock += 400_000;
    await expect(launcher.completeAuthorization(redirect, 102)).rejects.toBeInstanceOf(AuthError);
    await expect(launching).rejects.toBeInstanceOf(Error);
    expect(tabs.updated).toHaveLength(0);
  });

  it('A4: a refresh never counts as a step-up', async () => {
    const launcher = await signedIn();
    await launcher.session.refreshAccessToken();
    void launcher.launchApp('payroll').catch(() => undefined);
    await tabsOpened(2);
    expect(new URL(tabs.created[1] as string).searchParams.get('acr_values')).toBe(
      'urn:portal-launcher:acr:mfa',
    );
  });

  it('after a step-up, Payroll within five minutes opens without another tab', async () => {
    const launcher = await signedIn();
    const launching = launcher.launchApp('payroll');
    await tabsOpened(2);
    await launcher.completeAuthorization(
      portal.authorize(tabs.created[1] as string, portal.mfaClaims()),
      102,
    );
    await launching;
    clock += 60_000;
    await launcher.launchApp('payroll');
    expect(tabs.created).toHaveLength(3); // sign-in, step-up, the second Payroll
    expect(tabs.created[2]).toMatch(/payroll\.apps\.example\.test/);
  });

  it('C6: concurrent launches share one step-up tab; each app opens exactly once; a double click opens once', async () => {
    const launcher = await signedIn();
    const launches = [
      launcher.launchApp('payroll'),
      launcher.launchApp('payroll'),
      launcher.launchApp('crm'),
    ];
    await tabsOpened(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tabs.created).toHaveLength(2); // sign-in + ONE step-up tab
    await launcher.completeAuthorization(
      portal.authorize(tabs.created[1] as string, portal.mfaClaims()),
      102,
    );
    const results = await Promise.all(launches);
    expect(results.map((r) => r.appId)).toEqual(['payroll', 'payroll', 'crm']);
    expect(apiCalls('/api/v1/apps/payroll/launch')).toBe(1);
    expect(apiCalls('/api/v1/apps/crm/launch')).toBe(1);
    // Payroll lands in the step-up tab, CRM in one new tab.
    expect(tabs.updated).toEqual([{ tabId: 102, url: expect.stringMatching(/payroll/) }]);
    expect(tabs.created.slice(2)).toEqual([expect.stringMatching(/crm/)]);
  });

  it('C5: closing the step-up tab cancels the launch; nothing opens; the notice says cancelled', async () => {
    const launcher = await signedIn();
    const launching = launcher.launchApp('payroll');
    await tabsOpened(2);
    const redirect = portal.authorize(tabs.created[1] as string, portal.mfaClaims());
    await launcher.handleTabRemoved(102);
    await expect(launching).rejects.toMatchObject({ code: 'cancelled' });
    const state = await launcher.getState();
    expect(state.notice?.outcome).toBe('cancelled');
    expect(state.notice?.message).toContain('Payroll');
    // A late completion is refused.
    await expect(launcher.completeAuthorization(redirect, 102)).rejects.toMatchObject({
      code: 'invalid_callback',
    });
    expect(tabs.updated).toHaveLength(0);
    expect(apiCalls('/api/v1/apps/payroll/launch')).toBe(0);
  });

  it('C1: a worker restarted during step-up still opens the app in the step-up tab', async () => {
    const launcher = await signedIn();
    void launcher.launchApp('payroll').catch(() => undefined);
    await tabsOpened(2);
    const restarted = makeLauncher();
    const result = await restarted.completeAuthorization(
      portal.authorize(tabs.created[1] as string, portal.mfaClaims()),
      102,
    );
    expect(result.kind).toBe('stepUp');
    expect(tabs.updated).toEqual([{ tabId: 102, url: expect.stringMatching(/payroll/) }]);
  });
});

describe('a session the portal ended', () => {
  it('B4: a refused refresh (grant revoked at the portal) signs out and the popup is told why, until the next sign-in', async () => {
    const launcher = await signedIn();
    // The password changed elsewhere: the portal refuses the access token and the refresh token.
    portal.expireAccessTokens();
    portal.state.refreshError = 'invalid_grant';
    const ended = await launcher.getState(true);
    expect(ended).toMatchObject({ status: 'signedOut', sessionEnded: true });
    // A popup opened later still says why.
    expect(await launcher.getState()).toMatchObject({ status: 'signedOut', sessionEnded: true });
    // Signing in again clears it…
    portal.state.refreshError = null;
    const tabsBefore = tabs.created.length;
    const done = launcher.signIn();
    await tabsOpened(tabsBefore + 1);
    await launcher.completeAuthorization(portal.authorize(tabs.created.at(-1) as string), 101);
    await done;
    expect((await launcher.getState()).sessionEnded).toBeUndefined();
    // …and a sign-out by the person is not "ended by the portal".
    await launcher.signOut();
    expect(await launcher.getState()).toMatchObject({ status: 'signedOut' });
    expect((await launcher.getState()).sessionEnded).toBeUndefined();
  });
});

describe('identity change', () => {
  it('A11/A12: when the portal address changes, the old session is dropped, its refresh token revoked at the old portal, and nothing is sent to the new portal', async () => {
    const launcher = await signedIn();
    const refreshToken = (await launcher.session.load())?.refreshToken;
    expect(refreshToken).toMatch(/^rt-/);
    const callsBefore = portal.calls.length;
    configuredIssuer = 'https://other-portal.example.test';
    const state = await launcher.getState(true);
    expect(state.status).toBe('signedOut');
    expect(await launcher.session.load()).toBeNull();
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toContain('rt-');
    // The revocation runs after the answer (it must not hold the popup up): wait for it.
    await vi.waitFor(() => expect(portal.state.revoked).toEqual([refreshToken]));
    const newCalls = portal.calls.slice(callsBefore);
    expect(newCalls.map((call) => new URL(call.url).origin)).not.toContain(
      'https://other-portal.example.test',
    );
    expect(newCalls.map((call) => `${call.method} ${new URL(call.url).pathname}`)).toEqual([
      'POST /token/revocation',
    ]);
    expect(portal.state.revoked).toEqual([refreshToken]);
    await expect(launcher.launchApp('wiki')).rejects.toMatchObject({ code: 'signed_out' });
  });

  it('A11: handleIdentityChange (policy watcher) clears the session and cancels waiting launches', async () => {
    const launcher = await signedIn();
    const launching = launcher.launchApp('payroll');
    await tabsOpened(2);
    await launcher.handleIdentityChange();
    await expect(launching).rejects.toMatchObject({ code: 'cancelled' });
    expect(await launcher.session.load()).toBeNull();
  });
});

describe('generic step-up (account changes)', () => {
  it('B11/C4: withStepUp runs, verifies on a challenge, and retries exactly once; the tab closes', async () => {
    const { StepUpRequiredError } = await import('../portal/api-client.ts');
    const launcher = await signedIn();
    let calls = 0;
    const change = launcher.withStepUp('change the password', async () => {
      calls += 1;
      if (calls === 1) throw new StepUpRequiredError({ acrValues: [], maxAge: 300 });
      return 'changed';
    });
    await tabsOpened(2);
    const url = new URL(tabs.created[1] as string);
    // max_age only: a plain re-authentication, no acr_values.
    expect(url.searchParams.get('acr_values')).toBeNull();
    expect(url.searchParams.get('max_age')).toBe('300');
    await launcher.completeAuthorization(portal.authorize(url.href), 102);
    await expect(change).resolves.toBe('changed');
    expect(calls).toBe(2);
    expect(tabs.removed).toContain(102);
  });

  it('C5: closing the verification tab rejects withStepUp with cancelled and does not retry', async () => {
    const { StepUpRequiredError } = await import('../portal/api-client.ts');
    const launcher = await signedIn();
    let calls = 0;
    const change = launcher.withStepUp('add an SSH key', async () => {
      calls += 1;
      throw new StepUpRequiredError({ acrValues: ['urn:portal-launcher:acr:mfa'], maxAge: 300 });
    });
    await tabsOpened(2);
    await launcher.handleTabRemoved(102);
    await expect(change).rejects.toMatchObject({ code: 'cancelled' });
    expect(calls).toBe(1);
  });
});

describe('sign-out', () => {
  it('A12: sign-out revokes the refresh token, clears the session and opens the portal logout', async () => {
    const launcher = await signedIn();
    const state = await launcher.signOut();
    expect(state.status).toBe('signedOut');
    expect(portal.state.revoked).toHaveLength(1);
    expect(portal.state.revoked[0]).toMatch(/^rt-/);
    const logout = new URL(tabs.created.at(-1) as string);
    expect(logout.pathname).toBe('/session/end');
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(FAKE_LOGOUT_URI);
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toContain('rt-');
    // The logout redirect closes its tab.
    const redirect = `${FAKE_LOGOUT_URI}?state=${logout.searchParams.get('state')}`;
    await expect(launcher.completeAuthorization(redirect, 777)).resolves.toMatchObject({ kind: 'signOut' });
    expect(tabs.removed).toContain(777);
  });
});

describe('provider-only mode (an issuer without the portal API)', () => {
  const wikiUrl = 'https://wiki.example.test/login?iss=x';
  const payrollUrl = 'https://payroll.example.test/login';
  function usePlainProvider(): void {
    portal.state.portalApi = false;
    portal.state.userInfo = {
      name: 'Alice Example',
      email: 'alice@example.com',
      given_name: 'Alice',
      job_title: 'Payroll lead',
    };
    policyApps = [
      {
        id: 'wiki',
        name: 'Team Wiki',
        url: wikiUrl,
        iconUrl: null,
        requiresMfa: false,
        mfaMaxAgeSeconds: null,
        detailsUrl: null,
        description: 'Docs',
        category: 'Knowledge',
      },
      {
        id: 'payroll',
        name: 'Payroll',
        url: payrollUrl,
        iconUrl: null,
        requiresMfa: true,
        mfaMaxAgeSeconds: 120,
        detailsUrl: null,
        description: null,
        category: null,
      },
    ];
  }
  const apiRequests = () => portal.calls.filter((call) => new URL(call.url).pathname.startsWith('/api/'));

  it('lists the policy apps (without their URLs) and the profile from userinfo; nothing goes to /api/v1', async () => {
    usePlainProvider();
    const launcher = await signedIn();
    expect(new URL(tabs.created[0] as string).searchParams.has('resource')).toBe(false);
    const state = await launcher.getState(true);
    expect(state.status).toBe('signedIn');
    expect(state.capabilities).toEqual({ portalApi: false });
    expect(state.apps?.map((app) => app.id)).toEqual(['wiki', 'payroll']);
    expect(JSON.stringify(state.apps)).not.toContain('wiki.example.test');
    expect(state.apps?.[1]).toMatchObject({ requiresMfa: true, mfaMaxAgeSeconds: 120 });
    expect(state.user).toMatchObject({ name: 'Alice Example', email: 'alice@example.com', initials: 'AE' });
    expect(catalog?.me).toMatchObject({ jobTitle: 'Payroll lead', displayName: 'Alice Example' });
    expect(apiRequests()).toEqual([]);
  });

  it('the portal API keeps working as before: capabilities say so and the catalog comes from /me/apps', async () => {
    const launcher = await signedIn();
    const state = await launcher.getState(true);
    expect(state.capabilities).toEqual({ portalApi: true });
    expect(state.apps?.map((app) => app.id)).toEqual(['wiki', 'payroll', 'crm']);
    expect(new URL(tabs.created[0] as string).searchParams.get('resource')).toBe(`${portal.issuer}/api/v1`);
  });

  it('a policy change shows at once: the list follows the current policy', async () => {
    usePlainProvider();
    const launcher = await signedIn();
    await launcher.getState(true);
    policyApps = policyApps.slice(1);
    expect((await launcher.getState()).apps?.map((app) => app.id)).toEqual(['payroll']);
    await expect(launcher.launchApp('wiki')).rejects.toMatchObject({ code: 'launch_refused' });
  });

  it('an empty policy list is explained, not shown as a silent empty launcher', async () => {
    usePlainProvider();
    policyApps = [];
    const launcher = await signedIn();
    const state = await launcher.getState(true);
    expect(state.apps).toEqual([]);
    expect(state.appsProblem?.code).toBe('no_policy_apps');
  });

  it('the profile falls back to the ID token when the provider has no userinfo endpoint', async () => {
    usePlainProvider();
    portal.state.userInfo = null;
    const launcher = await signedIn();
    const state = await launcher.getState(true);
    expect(state.user).toMatchObject({ name: 'Alice Example', email: 'alice@example.com' });
    expect(catalog?.me?.jobTitle).toBeNull();
  });

  it('A9: an app without MFA opens its policy URL in a new tab; an unknown id opens nothing', async () => {
    usePlainProvider();
    const launcher = await signedIn();
    await expect(launcher.launchApp('wiki')).resolves.toEqual({ outcome: 'opened', appId: 'wiki' });
    expect(tabs.created.at(-1)).toBe(wikiUrl);
    await expect(launcher.launchApp('crm')).rejects.toMatchObject({ code: 'launch_refused' });
    expect(tabs.created).toHaveLength(2);
    expect(apiRequests()).toEqual([]);
  });

  it('A4: an MFA app opens the step-up tab with the policy acr and the app max_age, then lands that tab in the app', async () => {
    usePlainProvider();
    const launcher = await signedIn();
    const launching = launcher.launchApp('payroll');
    await tabsOpened(2);
    const request = new URL(tabs.created[1] as string).searchParams;
    expect(request.get('acr_values')).toBe('urn:portal-launcher:acr:mfa');
    expect(request.get('max_age')).toBe('120');
    expect(request.has('resource')).toBe(false);
    expect(request.has('launch_app')).toBe(false);
    await launcher.completeAuthorization(
      portal.authorize(tabs.created[1] as string, portal.mfaClaims()),
      102,
    );
    await expect(launching).resolves.toEqual({ outcome: 'opened', appId: 'payroll' });
    expect(tabs.updated).toEqual([{ tabId: 102, url: payrollUrl }]);
    // Fresh now: a second launch opens directly.
    await launcher.launchApp('payroll');
    expect(tabs.created.at(-1)).toBe(payrollUrl);
    expect(tabs.created).toHaveLength(3);
    expect(apiRequests()).toEqual([]);
  });

  it("A4/C6: an app that joins another app's step-up tab still gets its own freshness checked", async () => {
    usePlainProvider();
    policyApps.push({
      id: 'vault',
      name: 'Vault',
      url: 'https://vault.apps.example.test/',
      iconUrl: null,
      requiresMfa: true,
      mfaMaxAgeSeconds: 30,
      detailsUrl: null,
      description: null,
      category: null,
    });
    const launcher = await signedIn();
    const payroll = launcher.launchApp('payroll'); // max_age 120: opens the step-up tab
    await tabsOpened(2);
    const vault = launcher.launchApp('vault'); // max_age 30: joins that tab
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tabs.created).toHaveLength(2);
    // The provider proves a second factor from 60 s ago: enough for Payroll, not for Vault.
    const sixtySecondsAgo = Math.floor(clock / 1000) - 60;
    await launcher.completeAuthorization(
      portal.authorize(tabs.created[1] as string, portal.mfaClaims(sixtySecondsAgo)),
      102,
    );
    await expect(payroll).resolves.toEqual({ outcome: 'opened', appId: 'payroll' });
    await expect(vault).rejects.toMatchObject({ code: 'step_up_insufficient' });
    expect(tabs.updated).toEqual([{ tabId: 102, url: payrollUrl }]);
    expect(tabs.created).toHaveLength(2); // Vault opened nowhere
  });

  it('A4: a step-up answered with password-only acr does not open the app', async () => {
    usePlainProvider();
    const launcher = await signedIn();
    const launching = launcher.launchApp('payroll');
    await tabsOpened(2);
    await expect(
      launcher.completeAuthorization(portal.authorize(tabs.created[1] as string), 102),
    ).rejects.toMatchObject({ code: 'step_up_insufficient' });
    await expect(launching).rejects.toMatchObject({ code: 'step_up_insufficient' });
    expect(tabs.updated).toEqual([]);
  });

  it('policy appStepUpMaxAge wins over the app freshness', async () => {
    usePlainProvider();
    const launcher = makeLauncher({ appStepUpMaxAge: { payroll: 60 } });
    await signInWith(launcher);
    void launcher.launchApp('payroll').catch(() => undefined);
    await tabsOpened(2);
    expect(new URL(tabs.created[1] as string).searchParams.get('max_age')).toBe('60');
  });

  it('a custom step-up acr (policy stepUpAcrValue) is asked for and required in the answer', async () => {
    usePlainProvider();
    const launcher = makeLauncher({ stepUpAcrValue: 'urn:acme:loa:2' });
    await signInWith(launcher);
    const first = launcher.launchApp('payroll');
    await tabsOpened(2);
    expect(new URL(tabs.created[1] as string).searchParams.get('acr_values')).toBe('urn:acme:loa:2');
    await expect(
      launcher.completeAuthorization(portal.authorize(tabs.created[1] as string, portal.mfaClaims()), 102),
    ).rejects.toMatchObject({ code: 'step_up_insufficient' });
    await expect(first).rejects.toMatchObject({ code: 'step_up_insufficient' });
    const second = launcher.launchApp('payroll');
    await tabsOpened(3);
    await launcher.completeAuthorization(
      portal.authorize(tabs.created[2] as string, { acr: 'urn:acme:loa:2', amr: ['pwd', 'otp'] }),
      103,
    );
    await expect(second).resolves.toMatchObject({ outcome: 'opened' });
    expect(tabs.updated).toEqual([{ tabId: 103, url: payrollUrl }]);
  });

  it('C6/C5: concurrent launches share one step-up tab, a double click opens once; closing the tab cancels', async () => {
    usePlainProvider();
    policyApps.push({
      ...(policyApps[1] as PolicyApp),
      id: 'crm',
      name: 'CRM',
      url: 'https://crm.example.test/',
    });
    const launcher = await signedIn();
    const launches = [
      launcher.launchApp('payroll'),
      launcher.launchApp('payroll'),
      launcher.launchApp('crm'),
    ];
    await tabsOpened(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tabs.created).toHaveLength(2);
    await launcher.completeAuthorization(
      portal.authorize(tabs.created[1] as string, portal.mfaClaims()),
      102,
    );
    expect((await Promise.all(launches)).map((result) => result.appId)).toEqual([
      'payroll',
      'payroll',
      'crm',
    ]);
    expect(tabs.updated).toEqual([{ tabId: 102, url: payrollUrl }]);
    expect(tabs.created.slice(2)).toEqual(['https://crm.example.test/']);

    clock += 10 * 60_000; // MFA no longer fresh
    const cancelled = launcher.launchApp('payroll');
    await tabsOpened(4);
    await launcher.handleTabRemoved(104);
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    expect(tabs.updated).toHaveLength(1);
  });

  it('the options page profile is answered from the claims, read-only; other account calls send nothing', async () => {
    usePlainProvider();
    const launcher = await signedIn();
    const me = await launcher.portalRequest('GET', '/me', meSchema);
    expect(me.displayName).toBe('Alice Example');
    expect(me.sections.flatMap((section) => section.fields).every((field) => !field.editable)).toBe(true);
    await expect(launcher.portalRequest('GET', '/me/ssh-keys', meSchema)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(apiRequests()).toEqual([]);
  });

  it('A12: sign-out revokes and ends the session when the provider offers both; otherwise it only forgets', async () => {
    usePlainProvider();
    const launcher = await signedIn();
    await launcher.signOut();
    expect(portal.state.revoked).toHaveLength(1);
    expect(new URL(tabs.created.at(-1) as string).pathname).toBe('/session/end');

    portal.state.minimalDiscovery = true;
    const bare = makeLauncher(); // fresh client: re-reads discovery
    tabs.created.length = 0;
    const done = bare.signIn();
    await tabsOpened(1);
    await bare.completeAuthorization(portal.authorize(tabs.created[0] as string), 101);
    await done;
    const state = await bare.signOut();
    expect(state.status).toBe('signedOut');
    expect(portal.state.revoked).toHaveLength(1);
    expect(tabs.created).toHaveLength(1);
  });
});

describe('helpers', () => {
  it.each([
    ['https://app.example.com/sso?t=1', true],
    ['http://127.0.0.1:8080/login', true],
    ['http://localhost:3000/', true],
    ['http://app.example.com/', false],
    ['javascript:alert(1)', false],
    ['data:text/html,hi', false],
    ['https://user:pass@app.example.com/', false],
    ['not a url', false],
  ])('A9: isSafeLaunchUrl(%s) = %s', (url, safe) => {
    expect(isSafeLaunchUrl(url)).toBe(safe);
  });
});
