/**
 * Every state change the background makes on its own reaches open pages
 * (issue 16): the launcher tells `onStateChange` after a sign-in finished in
 * its tab (before the tab closes), a step-up finished or failed, a sign-out,
 * a session the portal ended, and a catalog read afresh.
 */
import { describe, expect, it } from 'vitest';
import { useLauncherEnv } from './__tests__/launcher-env.ts';

const env = useLauncherEnv();

describe('state changes are announced to open pages', () => {
  it('a sign-in finished in its tab is announced before that tab closes', async () => {
    const launcher = env.makeLauncher();
    const done = launcher.signIn();
    await env.tabsOpened(1);
    await launcher.completeAuthorization(env.portal.authorize(env.tabs.created[0] as string), 101);
    expect(env.stateChanges[0]).toEqual({ tabsRemoved: 0 });
    expect(env.tabs.removed).toEqual([101]);
    await done;
  });

  it('a sign-out is announced', async () => {
    const launcher = await env.signedIn();
    const before = env.stateChanges.length;
    await launcher.signOut();
    expect(env.stateChanges.length).toBeGreaterThan(before);
  });

  it('a step-up that failed in its tab is announced (the popup shows the reason)', async () => {
    const launcher = await env.signedIn();
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    const before = env.stateChanges.length;
    await launcher.completeAuthorization(
      env.portal.authorize(env.tabs.created[1] as string, {
        acr: 'urn:portal-launcher:acr:pwd',
        amr: ['pwd'],
      }),
      102,
    );
    await expect(launching).rejects.toMatchObject({ code: 'step_up_acr_not_accepted' });
    expect(env.stateChanges.length).toBeGreaterThan(before);
  });

  it('a session the portal ended (refused refresh) is announced', async () => {
    const launcher = await env.signedIn();
    const before = env.stateChanges.length;
    env.portal.state.refreshError = 'invalid_grant';
    await expect(launcher.session.refreshAccessToken()).rejects.toMatchObject({ code: 'signed_out' });
    expect(env.stateChanges.length).toBeGreaterThan(before);
  });

  it('a catalog read afresh that changed is announced; a cached or unchanged read is not (no loop: pages ask again on an announcement)', async () => {
    const launcher = await env.signedIn();
    await launcher.getState(true);
    const before = env.stateChanges.length;
    await launcher.getState(false);
    expect(env.stateChanges.length).toBe(before);
    await launcher.getState(true);
    expect(env.stateChanges.length).toBe(before);
    env.portal.state.apps = env.portal.state.apps.slice(1);
    await launcher.getState(true);
    expect(env.stateChanges.length).toBe(before + 1);
    await launcher.getState(true);
    expect(env.stateChanges.length).toBe(before + 1);
  });
});
