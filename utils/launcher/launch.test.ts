/**
 * Launcher flows: app launches with the portal API (A9, C4, A4, C5, C6, C1),
 * through the whole launcher against the fake portal.
 */
import { describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { useLauncherEnv } from './__tests__/launcher-env.ts';

const env = useLauncherEnv();

describe('launch', () => {
  it('opens an app that needs no MFA with one launch call', async () => {
    const launcher = await env.signedIn();
    const result = await launcher.launchApp('wiki');
    expect(result).toEqual({ outcome: 'opened', appId: 'wiki' });
    expect(env.tabs.created.at(-1)).toMatch(/^https:\/\/wiki\.apps\.example\.test\/sso/);
    expect(env.apiCalls('/api/v1/apps/wiki/launch')).toBe(1);
  });

  it('A9: an unknown app id is refused without a launch call', async () => {
    const launcher = await env.signedIn();
    await expect(launcher.launchApp('not-assigned')).rejects.toMatchObject({ code: 'launch_refused' });
    expect(env.portal.calls.some((call) => call.url.includes('/launch'))).toBe(false);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'data:text/html,<script>alert(1)</script>',
    'http://wiki.example.test/sso',
    'file:///etc/passwd',
  ])('A9: a launch URL %s from the portal is not opened', async (url) => {
    const launcher = await env.signedIn();
    env.portal.state.launch.set('wiki', { url });
    const opened = env.tabs.created.length;
    await expect(launcher.launchApp('wiki')).rejects.toBeInstanceOf(Error);
    expect(env.tabs.created.length).toBe(opened);
  });

  it('C4: an expired token mid-launch makes one refresh and one retry', async () => {
    const launcher = await env.signedIn();
    env.portal.expireAccessTokens();
    const before = env.portal.refreshCount;
    await launcher.launchApp('wiki');
    expect(env.portal.refreshCount - before).toBe(1);
    expect(env.apiCalls('/api/v1/apps/wiki/launch')).toBe(2);
  });

  it('C4: a token still refused after the refresh stops after one retry (no loop)', async () => {
    const launcher = await env.signedIn();
    env.portal.expireAccessTokens();
    // Every token the portal issues from now on is refused too.
    env.portal.state.validAccessTokens.add = () => env.portal.state.validAccessTokens;
    await expect(launcher.launchApp('wiki')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(env.apiCalls('/api/v1/apps/wiki/launch')).toBe(2);
    expect(env.portal.refreshCount).toBe(1);
  });

  it('C4/RFC 9470: a 401 insufficient_user_authentication opens the step-up tab instead of retrying', async () => {
    const launcher = await env.signedIn();
    env.portal.state.launch.set('wiki', 'stepUp');
    const launching = launcher.launchApp('wiki');
    await env.tabsOpened(2);
    const stepUpUrl = new URL(env.tabs.created[1] as string);
    expect(stepUpUrl.searchParams.get('acr_values')).toBe('urn:portal-launcher:acr:mfa');
    expect(stepUpUrl.searchParams.get('max_age')).toBe('300');
    expect(stepUpUrl.searchParams.get('launch_app')).toBe('wiki');
    expect(stepUpUrl.searchParams.get('login_hint')).toBe('alice@example.com');
    expect(env.apiCalls('/api/v1/apps/wiki/launch')).toBe(1);
    env.portal.state.launch.set('wiki', 'ok');
    await launcher.completeAuthorization(env.portal.authorize(stepUpUrl.href, env.portal.mfaClaims()), 102);
    await expect(launching).resolves.toEqual({ outcome: 'opened', appId: 'wiki' });
    expect(env.apiCalls('/api/v1/apps/wiki/launch')).toBe(2);
    expect(env.tabs.updated).toHaveLength(1);
    expect(env.tabs.updated[0]?.tabId).toBe(102);
  });

  it('the catalog says Payroll needs MFA and the session has none: the step-up tab opens at once, no wasted launch call', async () => {
    const launcher = await env.signedIn();
    void launcher.launchApp('payroll').catch(() => undefined);
    await env.tabsOpened(2);
    expect(new URL(env.tabs.created[1] as string).searchParams.get('launch_app')).toBe('payroll');
    expect(env.apiCalls('/api/v1/apps/payroll/launch')).toBe(0);
  });

  it('A4: a step-up answered with password-only acr does not launch; the notice keeps the reason code for the popup', async () => {
    const launcher = await env.signedIn();
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    const result = launcher.completeAuthorization(
      env.portal.authorize(env.tabs.created[1] as string, {
        acr: 'urn:portal-launcher:acr:pwd',
        amr: ['pwd'],
      }),
      102,
    );
    const reason = { code: 'step_up_acr_not_accepted', params: ['urn:portal-launcher:acr:pwd', ACR_MFA] };
    await expect(result).resolves.toMatchObject({
      kind: 'stepUp',
      failure: { ...reason, appId: 'payroll', appName: 'Payroll', contact: null },
    });
    await expect(launching).rejects.toMatchObject(reason);
    expect(env.apiCalls('/api/v1/apps/payroll/launch')).toBe(0);
    expect(env.tabs.updated).toHaveLength(0);
    const { notice } = await launcher.getState();
    expect(notice).toMatchObject({ appId: 'payroll', outcome: 'failed', ...reason });
  });

  it('A4: a step-up with MFA acr but without a second-factor amr does not launch', async () => {
    const launcher = await env.signedIn();
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    const claims = { ...env.portal.mfaClaims(), amr: ['pwd'] };
    await expect(
      launcher.completeAuthorization(env.portal.authorize(env.tabs.created[1] as string, claims), 102),
    ).resolves.toMatchObject({ failure: { code: 'step_up_no_second_factor', params: ['pwd'] } });
    await expect(launching).rejects.toBeInstanceOf(Error);
    expect(env.apiCalls('/api/v1/apps/payroll/launch')).toBe(0);
  });

  it('A4: a step-up whose auth_time is stale does not launch', async () => {
    const launcher = await env.signedIn();
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    // The ID token itself passes max_age (issued "now"), but the launcher's clock has moved on.
    const redirect = env.portal.authorize(env.tabs.created[1] as string, env.portal.mfaClaims());
    env.clock += 400_000;
    await expect(launcher.completeAuthorization(redirect, 102)).resolves.toMatchObject({
      failure: { code: 'step_up_too_old', params: ['400', '300'] },
    });
    await expect(launching).rejects.toBeInstanceOf(Error);
    expect(env.tabs.updated).toHaveLength(0);
  });

  it('A4: a refresh never counts as a step-up', async () => {
    const launcher = await env.signedIn();
    await launcher.session.refreshAccessToken();
    void launcher.launchApp('payroll').catch(() => undefined);
    await env.tabsOpened(2);
    expect(new URL(env.tabs.created[1] as string).searchParams.get('acr_values')).toBe(
      'urn:portal-launcher:acr:mfa',
    );
  });

  it('after a step-up, Payroll within five minutes opens without another tab', async () => {
    const launcher = await env.signedIn();
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    await launcher.completeAuthorization(
      env.portal.authorize(env.tabs.created[1] as string, env.portal.mfaClaims()),
      102,
    );
    await launching;
    env.clock += 60_000;
    await launcher.launchApp('payroll');
    expect(env.tabs.created).toHaveLength(3); // sign-in, step-up, the second Payroll
    expect(env.tabs.created[2]).toMatch(/payroll\.apps\.example\.test/);
  });

  it('C6: concurrent launches share one step-up tab; each app opens exactly once; a double click opens once', async () => {
    const launcher = await env.signedIn();
    const launches = [
      launcher.launchApp('payroll'),
      launcher.launchApp('payroll'),
      launcher.launchApp('crm'),
    ];
    await env.tabsOpened(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.tabs.created).toHaveLength(2); // sign-in + ONE step-up tab
    await launcher.completeAuthorization(
      env.portal.authorize(env.tabs.created[1] as string, env.portal.mfaClaims()),
      102,
    );
    const results = await Promise.all(launches);
    expect(results.map((r) => r.appId)).toEqual(['payroll', 'payroll', 'crm']);
    expect(env.apiCalls('/api/v1/apps/payroll/launch')).toBe(1);
    expect(env.apiCalls('/api/v1/apps/crm/launch')).toBe(1);
    // Payroll lands in the step-up tab, CRM in one new tab.
    expect(env.tabs.updated).toEqual([{ tabId: 102, url: expect.stringMatching(/payroll/) }]);
    expect(env.tabs.created.slice(2)).toEqual([expect.stringMatching(/crm/)]);
  });

  it('C5: closing the step-up tab cancels the launch; nothing opens; the notice says cancelled', async () => {
    const launcher = await env.signedIn();
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    const redirect = env.portal.authorize(env.tabs.created[1] as string, env.portal.mfaClaims());
    await launcher.handleTabRemoved(102);
    await expect(launching).rejects.toMatchObject({ code: 'cancelled' });
    const state = await launcher.getState();
    expect(state.notice?.outcome).toBe('cancelled');
    expect(state.notice?.message).toContain('Payroll');
    // A late completion is refused.
    await expect(launcher.completeAuthorization(redirect, 102)).rejects.toMatchObject({
      code: 'invalid_callback',
    });
    expect(env.tabs.updated).toHaveLength(0);
    expect(env.apiCalls('/api/v1/apps/payroll/launch')).toBe(0);
  });

  it('C1: a worker restarted during step-up still opens the app in the step-up tab', async () => {
    const launcher = await env.signedIn();
    void launcher.launchApp('payroll').catch(() => undefined);
    await env.tabsOpened(2);
    const restarted = env.makeLauncher();
    const result = await restarted.completeAuthorization(
      env.portal.authorize(env.tabs.created[1] as string, env.portal.mfaClaims()),
      102,
    );
    expect(result.kind).toBe('stepUp');
    expect(env.tabs.updated).toEqual([{ tabId: 102, url: expect.stringMatching(/payroll/) }]);
  });

  it('the launch hook (recents) hears of each app launchApp opened, after a step-up too, and of nothing else', async () => {
    const launcher = await env.signedIn();
    await launcher.launchApp('wiki');
    await expect(launcher.launchApp('not-assigned')).rejects.toMatchObject({ code: 'launch_refused' });
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(3);
    await launcher.completeAuthorization(
      env.portal.authorize(env.tabs.created[2] as string, env.portal.mfaClaims()),
      103,
    );
    await launching;
    expect(env.launched).toEqual(['wiki', 'payroll']);
  });

  it('a failing launch hook does not fail the launch', async () => {
    const launcher = await env.signedIn();
    env.onLaunched = () => {
      throw new Error('storage full');
    };
    await expect(launcher.launchApp('wiki')).resolves.toEqual({ outcome: 'opened', appId: 'wiki' });
  });
});
