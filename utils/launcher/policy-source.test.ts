/**
 * Provider-only mode: the policy catalog source, through the whole launcher
 * against a fake provider without the portal API.
 */
import { describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { meSchema } from '../../contract/schemas.ts';
import type { PolicyApp } from '../policy/schema.ts';
import { useLauncherEnv } from './__tests__/launcher-env.ts';

const env = useLauncherEnv();

describe('provider-only mode (an issuer without the portal API)', () => {
  const wikiUrl = 'https://wiki.example.test/login?iss=x';
  const payrollUrl = 'https://payroll.example.test/login';
  function usePlainProvider(): void {
    env.portal.state.portalApi = false;
    env.portal.state.userInfo = {
      name: 'Alice Example',
      email: 'alice@example.com',
      given_name: 'Alice',
      job_title: 'Payroll lead',
    };
    env.policyApps = [
      {
        id: 'wiki',
        name: 'Team Wiki',
        kind: 'oidc',
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
        kind: 'oidc',
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
  const apiRequests = () => env.portal.calls.filter((call) => new URL(call.url).pathname.startsWith('/api/'));

  it('lists the policy apps (without their URLs) and the profile from userinfo; nothing goes to /api/v1', async () => {
    usePlainProvider();
    const launcher = await env.signedIn();
    expect(new URL(env.tabs.created[0] as string).searchParams.has('resource')).toBe(false);
    const state = await launcher.getState(true);
    expect(state.status).toBe('signedIn');
    expect(state.capabilities).toEqual({ portalApi: false });
    expect(state.apps?.map((app) => app.id)).toEqual(['wiki', 'payroll']);
    expect(JSON.stringify(state.apps)).not.toContain('wiki.example.test');
    expect(state.apps?.[1]).toMatchObject({ requiresMfa: true, mfaMaxAgeSeconds: 120 });
    expect(state.user).toMatchObject({ name: 'Alice Example', email: 'alice@example.com', initials: 'AE' });
    expect(env.catalog?.me).toMatchObject({ jobTitle: 'Payroll lead', displayName: 'Alice Example' });
    expect(apiRequests()).toEqual([]);
  });

  it('the portal API keeps working as before: capabilities say so and the catalog comes from /me/apps', async () => {
    const launcher = await env.signedIn();
    const state = await launcher.getState(true);
    expect(state.capabilities).toEqual({ portalApi: true });
    expect(state.apps?.map((app) => app.id)).toEqual(['wiki', 'payroll', 'crm']);
    expect(new URL(env.tabs.created[0] as string).searchParams.get('resource')).toBe(
      `${env.portal.issuer}/api/v1`,
    );
  });

  it('a policy change shows at once: the list follows the current policy', async () => {
    usePlainProvider();
    const launcher = await env.signedIn();
    await launcher.getState(true);
    env.policyApps = env.policyApps.slice(1);
    expect((await launcher.getState()).apps?.map((app) => app.id)).toEqual(['payroll']);
    await expect(launcher.launchApp('wiki')).rejects.toMatchObject({ code: 'launch_refused' });
  });

  it('an empty policy list is explained, not shown as a silent empty launcher', async () => {
    usePlainProvider();
    env.policyApps = [];
    const launcher = await env.signedIn();
    const state = await launcher.getState(true);
    expect(state.apps).toEqual([]);
    expect(state.appsProblem?.code).toBe('no_policy_apps');
  });

  it('the profile falls back to the ID token when the provider has no userinfo endpoint', async () => {
    usePlainProvider();
    env.portal.state.userInfo = null;
    const launcher = await env.signedIn();
    const state = await launcher.getState(true);
    expect(state.user).toMatchObject({ name: 'Alice Example', email: 'alice@example.com' });
    expect(env.catalog?.me?.jobTitle).toBeNull();
  });

  it('A9: an app without MFA opens its policy URL in a new tab; an unknown id opens nothing', async () => {
    usePlainProvider();
    const launcher = await env.signedIn();
    await expect(launcher.launchApp('wiki')).resolves.toEqual({ outcome: 'opened', appId: 'wiki' });
    expect(env.tabs.created.at(-1)).toBe(wikiUrl);
    await expect(launcher.launchApp('crm')).rejects.toMatchObject({ code: 'launch_refused' });
    expect(env.tabs.created).toHaveLength(2);
    expect(apiRequests()).toEqual([]);
  });

  it('A4: an MFA app opens the step-up tab with the policy acr and the app max_age, then lands that tab in the app', async () => {
    usePlainProvider();
    const launcher = await env.signedIn();
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    const request = new URL(env.tabs.created[1] as string).searchParams;
    expect(request.get('acr_values')).toBe('urn:portal-launcher:acr:mfa');
    expect(request.get('max_age')).toBe('120');
    expect(request.has('resource')).toBe(false);
    expect(request.has('launch_app')).toBe(false);
    await launcher.completeAuthorization(
      env.portal.authorize(env.tabs.created[1] as string, env.portal.mfaClaims()),
      102,
    );
    await expect(launching).resolves.toEqual({ outcome: 'opened', appId: 'payroll' });
    expect(env.tabs.updated).toEqual([{ tabId: 102, url: payrollUrl }]);
    // Fresh now: a second launch opens directly.
    await launcher.launchApp('payroll');
    expect(env.tabs.created.at(-1)).toBe(payrollUrl);
    expect(env.tabs.created).toHaveLength(3);
    expect(apiRequests()).toEqual([]);
  });

  it("A4/C6: an app that joins another app's step-up tab still gets its own freshness checked", async () => {
    usePlainProvider();
    env.policyApps.push({
      id: 'vault',
      name: 'Vault',
      kind: 'oidc',
      url: 'https://vault.apps.example.test/',
      iconUrl: null,
      requiresMfa: true,
      mfaMaxAgeSeconds: 30,
      detailsUrl: null,
      description: null,
      category: null,
    });
    const launcher = await env.signedIn();
    const payroll = launcher.launchApp('payroll'); // max_age 120: opens the step-up tab
    await env.tabsOpened(2);
    const vault = launcher.launchApp('vault'); // max_age 30: joins that tab
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(env.tabs.created).toHaveLength(2);
    // The provider proves a second factor from 60 s ago: enough for Payroll, not for Vault.
    const sixtySecondsAgo = Math.floor(env.clock / 1000) - 60;
    await launcher.completeAuthorization(
      env.portal.authorize(env.tabs.created[1] as string, env.portal.mfaClaims(sixtySecondsAgo)),
      102,
    );
    await expect(payroll).resolves.toEqual({ outcome: 'opened', appId: 'payroll' });
    await expect(vault).rejects.toMatchObject({ code: 'step_up_insufficient' });
    expect(env.tabs.updated).toEqual([{ tabId: 102, url: payrollUrl }]);
    expect(env.tabs.created).toHaveLength(2); // Vault opened nowhere
  });

  it('A4: a step-up answered with password-only acr does not open the app', async () => {
    usePlainProvider();
    const launcher = await env.signedIn();
    const launching = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    await expect(
      launcher.completeAuthorization(env.portal.authorize(env.tabs.created[1] as string), 102),
    ).resolves.toMatchObject({ failure: { code: 'step_up_acr_not_accepted' } });
    await expect(launching).rejects.toMatchObject({ code: 'step_up_acr_not_accepted' });
    expect(env.tabs.updated).toEqual([]);
  });

  it('policy appStepUpMaxAge wins over the app freshness', async () => {
    usePlainProvider();
    const launcher = env.makeLauncher({ appStepUpMaxAge: { payroll: 60 } });
    await env.signInWith(launcher);
    void launcher.launchApp('payroll').catch(() => undefined);
    await env.tabsOpened(2);
    expect(new URL(env.tabs.created[1] as string).searchParams.get('max_age')).toBe('60');
  });

  it('a custom step-up acr (policy stepUpAcrValue) is asked for and required in the answer', async () => {
    usePlainProvider();
    const launcher = env.makeLauncher({ stepUpAcrValue: 'urn:acme:loa:2' });
    await env.signInWith(launcher);
    const first = launcher.launchApp('payroll');
    await env.tabsOpened(2);
    expect(new URL(env.tabs.created[1] as string).searchParams.get('acr_values')).toBe('urn:acme:loa:2');
    await expect(
      launcher.completeAuthorization(
        env.portal.authorize(env.tabs.created[1] as string, env.portal.mfaClaims()),
        102,
      ),
    ).resolves.toMatchObject({
      failure: { code: 'step_up_acr_not_accepted', params: [ACR_MFA, 'urn:acme:loa:2'] },
    });
    await expect(first).rejects.toMatchObject({ code: 'step_up_acr_not_accepted' });
    const second = launcher.launchApp('payroll');
    await env.tabsOpened(3);
    await launcher.completeAuthorization(
      env.portal.authorize(env.tabs.created[2] as string, { acr: 'urn:acme:loa:2', amr: ['pwd', 'otp'] }),
      103,
    );
    await expect(second).resolves.toMatchObject({ outcome: 'opened' });
    expect(env.tabs.updated).toEqual([{ tabId: 103, url: payrollUrl }]);
  });

  it('C6/C5: concurrent launches share one step-up tab, a double click opens once; closing the tab cancels', async () => {
    usePlainProvider();
    env.policyApps.push({
      ...(env.policyApps[1] as PolicyApp),
      id: 'crm',
      name: 'CRM',
      url: 'https://crm.example.test/',
    });
    const launcher = await env.signedIn();
    const launches = [
      launcher.launchApp('payroll'),
      launcher.launchApp('payroll'),
      launcher.launchApp('crm'),
    ];
    await env.tabsOpened(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.tabs.created).toHaveLength(2);
    await launcher.completeAuthorization(
      env.portal.authorize(env.tabs.created[1] as string, env.portal.mfaClaims()),
      102,
    );
    expect((await Promise.all(launches)).map((result) => result.appId)).toEqual([
      'payroll',
      'payroll',
      'crm',
    ]);
    expect(env.tabs.updated).toEqual([{ tabId: 102, url: payrollUrl }]);
    expect(env.tabs.created.slice(2)).toEqual(['https://crm.example.test/']);

    env.clock += 10 * 60_000; // MFA no longer fresh
    const cancelled = launcher.launchApp('payroll');
    await env.tabsOpened(4);
    await launcher.handleTabRemoved(104);
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    expect(env.tabs.updated).toHaveLength(1);
  });

  it('the options page profile is answered from the claims, read-only; other account calls send nothing', async () => {
    usePlainProvider();
    const launcher = await env.signedIn();
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
    const launcher = await env.signedIn();
    await launcher.signOut();
    expect(env.portal.state.revoked).toHaveLength(1);
    expect(new URL(env.tabs.created.at(-1) as string).pathname).toBe('/session/end');

    env.portal.state.minimalDiscovery = true;
    const bare = env.makeLauncher(); // fresh client: re-reads discovery
    env.tabs.created.length = 0;
    const done = bare.signIn();
    await env.tabsOpened(1);
    await bare.completeAuthorization(env.portal.authorize(env.tabs.created[0] as string), 101);
    await done;
    const state = await bare.signOut();
    expect(state.status).toBe('signedOut');
    expect(env.portal.state.revoked).toHaveLength(1);
    expect(env.tabs.created).toHaveLength(1);
  });
});
