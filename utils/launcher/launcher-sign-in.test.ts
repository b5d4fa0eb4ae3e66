/**
 * Launcher flows: sign-in (C1, A2, A5), a session the portal ended (B4),
 * identity change (A11, A12) and sign-out (A12), through the whole launcher
 * against the fake portal.
 */
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { FAKE_LOGOUT_URI, FAKE_REDIRECT_URI } from '../auth/__tests__/fake-portal.ts';
import { pendingFlowsItem } from '../storage.ts';
import { useLauncherEnv } from './__tests__/launcher-env.ts';
import { FLOW_MAX_AGE_MS } from './flow-store.ts';

const env = useLauncherEnv();

describe('sign-in', () => {
  it('C1: the pending flow is saved before the tab opens', async () => {
    const launcher = env.makeLauncher();
    let savedBeforeTab = false;
    const original = launcher;
    void original.signIn().catch(() => undefined);
    await env.tabsOpened(1);
    const flows = await pendingFlowsItem.get();
    const state = new URL(env.tabs.created[0] as string).searchParams.get('state') as string;
    savedBeforeTab = flows[state] !== undefined && flows[state].kind === 'signIn';
    expect(savedBeforeTab).toBe(true);
    expect(flows[state]?.tabId).toBe(101);
  });

  it('A2: replaying the same redirect twice fails the second time; the transaction is deleted after first use', async () => {
    const launcher = env.makeLauncher();
    const done = launcher.signIn();
    await env.tabsOpened(1);
    const redirect = env.portal.authorize(env.tabs.created[0] as string);
    await launcher.completeAuthorization(redirect, 101);
    await done;
    const state = new URL(redirect).searchParams.get('state') as string;
    expect(Object.keys(await pendingFlowsItem.get())).not.toContain(state);
    await expect(launcher.completeAuthorization(redirect, 101)).rejects.toMatchObject({
      code: 'invalid_callback',
    });
  });

  it('A2: a redirect with an unknown state is refused', async () => {
    const launcher = env.makeLauncher();
    await expect(
      launcher.completeAuthorization(`${FAKE_REDIRECT_URI}?code=x&state=never-issued-state-value`, 5),
    ).rejects.toMatchObject({ code: 'invalid_callback' });
  });

  it('C1: a restarted worker (new launcher, same storage.session) completes the pending sign-in', async () => {
    const first = env.makeLauncher();
    void first.signIn().catch(() => undefined);
    await env.tabsOpened(1);
    const restarted = env.makeLauncher();
    await restarted.completeAuthorization(env.portal.authorize(env.tabs.created[0] as string), 101);
    const state = await restarted.getState();
    expect(state.status).toBe('signedIn');
    expect(state.user?.name).toBe('Alice Example');
    expect(env.tabs.removed).toEqual([101]);
  });

  it('C1/C5: a flow older than 10 minutes is discarded and a late completion refused', async () => {
    const launcher = env.makeLauncher();
    const done = launcher.signIn();
    await env.tabsOpened(1);
    env.clock += FLOW_MAX_AGE_MS + 1000;
    const redirect = env.portal.authorize(env.tabs.created[0] as string);
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
        issuer: env.portal.issuer,
        maxAge: null,
        acrValues: null,
        createdAt: env.clock,
        tabId: null,
        launchAppIds: [],
      },
    });
    const launcher = env.makeLauncher();
    void launcher.signIn().catch(() => undefined);
    await env.tabsOpened(1);
    expect(Object.keys(await pendingFlowsItem.get())).not.toContain('orphan-state-0123456789');
  });

  it('A5: tokens live in storage.session only, never storage.local', async () => {
    await env.signedIn();
    const local = JSON.stringify(await fakeBrowser.storage.local.get(null));
    const session = JSON.stringify(await fakeBrowser.storage.session.get(null));
    expect(session).toContain('"refreshToken":"rt-');
    expect(local).not.toContain('rt-');
    expect(local).not.toContain('at-');
  });
});

describe('a session the portal ended', () => {
  it('B4: a refused refresh (grant revoked at the portal) signs out and the popup is told why, until the next sign-in', async () => {
    const launcher = await env.signedIn();
    // The password changed elsewhere: the portal refuses the access token and the refresh token.
    env.portal.expireAccessTokens();
    env.portal.state.refreshError = 'invalid_grant';
    const ended = await launcher.getState(true);
    expect(ended).toMatchObject({ status: 'signedOut', sessionEnded: true });
    // A popup opened later still says why.
    expect(await launcher.getState()).toMatchObject({ status: 'signedOut', sessionEnded: true });
    // Signing in again clears it…
    env.portal.state.refreshError = null;
    const tabsBefore = env.tabs.created.length;
    const done = launcher.signIn();
    await env.tabsOpened(tabsBefore + 1);
    await launcher.completeAuthorization(env.portal.authorize(env.tabs.created.at(-1) as string), 101);
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
    const launcher = await env.signedIn();
    const refreshToken = (await launcher.session.load())?.refreshToken;
    expect(refreshToken).toMatch(/^rt-/);
    const callsBefore = env.portal.calls.length;
    env.configuredIssuer = 'https://other-portal.example.test';
    const state = await launcher.getState(true);
    expect(state.status).toBe('signedOut');
    expect(await launcher.session.load()).toBeNull();
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toContain('rt-');
    // The revocation runs after the answer (it must not hold the popup up): wait for it.
    await vi.waitFor(() => expect(env.portal.state.revoked).toEqual([refreshToken]));
    const newCalls = env.portal.calls.slice(callsBefore);
    expect(newCalls.map((call) => new URL(call.url).origin)).not.toContain(
      'https://other-portal.example.test',
    );
    expect(newCalls.map((call) => `${call.method} ${new URL(call.url).pathname}`)).toEqual([
      'POST /token/revocation',
    ]);
    expect(env.portal.state.revoked).toEqual([refreshToken]);
    await expect(launcher.launchApp('wiki')).rejects.toMatchObject({ code: 'signed_out' });
  });

  it('A11: handleIdentityChange (policy watcher) clears the session and cancels waiting launches', async () => {
    const launcher = await env.signedIn();
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    await launcher.handleIdentityChange();
    await expect(launching).rejects.toMatchObject({ code: 'cancelled' });
    expect(await launcher.session.load()).toBeNull();
  });
});

describe('sign-out', () => {
  it('A12: sign-out revokes the refresh token, clears the session and opens the portal logout', async () => {
    const launcher = await env.signedIn();
    const state = await launcher.signOut();
    expect(state.status).toBe('signedOut');
    expect(env.portal.state.revoked).toHaveLength(1);
    expect(env.portal.state.revoked[0]).toMatch(/^rt-/);
    const logout = new URL(env.tabs.created.at(-1) as string);
    expect(logout.pathname).toBe('/session/end');
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(FAKE_LOGOUT_URI);
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toContain('rt-');
    // The logout redirect closes its tab.
    const redirect = `${FAKE_LOGOUT_URI}?state=${logout.searchParams.get('state')}`;
    await expect(launcher.completeAuthorization(redirect, 777)).resolves.toMatchObject({ kind: 'signOut' });
    expect(env.tabs.removed).toContain(777);
  });
});
