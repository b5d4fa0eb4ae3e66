/**
 * A step-up for an app that did not succeed: the step-up tab gets the app,
 * the reason and the admin contact (policy first, then the portal's public
 * `GET /api/v1/support`), and "Try again" restarts the step-up in that same
 * tab, where the app then opens. A stopped portal fails an MFA launch at
 * once, without a step-up tab (C3).
 */
import { describe, expect, it } from 'vitest';
import { FAKE_REDIRECT_URI } from '../auth/__tests__/fake-portal.ts';
import { launchNoticeItem } from '../storage.ts';
import { useLauncherEnv } from './__tests__/launcher-env.ts';

const env = useLauncherEnv();

/** The redirect the portal sends when the employee pressed Cancel on its step-up page. */
function cancelled(authorizationUrl: string): string {
  const redirect = new URL(FAKE_REDIRECT_URI);
  redirect.searchParams.set('error', 'access_denied');
  redirect.searchParams.set('error_description', 'The user cancelled the verification.');
  redirect.searchParams.set('state', new URL(authorizationUrl).searchParams.get('state') ?? '');
  redirect.searchParams.set('iss', env.portal.issuer);
  return redirect.href;
}

describe('step-up denied or cancelled', () => {
  it('C5: Cancel answers the tab with the app, the reason and the policy contact; the launch is cancelled', async () => {
    await env.signedIn();
    env.portal.state.adminContact = 'https://portal-help.example.test';
    const policyLauncher = env.makeLauncher({ adminContact: 'it-help@example.test' });
    const launching = policyLauncher.launchApp('payroll');
    await env.tabsOpened(2);
    const answer = await policyLauncher.completeAuthorization(cancelled(env.tabs.created[1] as string), 102);
    expect(answer).toMatchObject({
      kind: 'stepUp',
      failure: {
        code: 'cancelled',
        appId: 'payroll',
        appName: 'Payroll',
        contact: { kind: 'email', href: 'mailto:it-help@example.test', text: 'it-help@example.test' },
      },
    });
    expect(answer.failure?.message).toContain('cancelled the verification');
    await expect(launching).rejects.toMatchObject({ code: 'cancelled' });
    expect(await launchNoticeItem.get()).toMatchObject({ appId: 'payroll', outcome: 'cancelled' });
    expect(env.portal.calls.some((call) => call.url.endsWith('/api/v1/support'))).toBe(false);
  });

  it('without a policy contact the portal’s is used; a policy "" and a portal without one show none', async () => {
    const launcher = await env.signedIn();
    env.portal.state.adminContact = 'https://help.example.test/access';
    let launching = launcher.launchApp('payroll').catch(() => undefined);
    await env.tabsOpened(2);
    let answer = await launcher.completeAuthorization(cancelled(env.tabs.created[1] as string), 102);
    expect(answer.failure?.contact).toEqual({
      kind: 'url',
      href: 'https://help.example.test/access',
      text: 'https://help.example.test/access',
    });
    await launching;

    env.portal.state.adminContact = null;
    launching = launcher.launchApp('payroll').catch(() => undefined);
    await env.tabsOpened(3);
    answer = await launcher.completeAuthorization(cancelled(env.tabs.created[2] as string), 103);
    expect(answer.failure?.contact).toBeNull();
    await launching;

    env.portal.state.adminContact = 'https://help.example.test/access';
    const none = env.makeLauncher({ adminContact: null });
    launching = none.launchApp('payroll').catch(() => undefined);
    await env.tabsOpened(4);
    answer = await none.completeAuthorization(cancelled(env.tabs.created[3] as string), 104);
    expect(answer.failure?.contact).toBeNull();
    await launching;
  });

  it('Try again starts the step-up again in the same tab (no new tab), and Payroll then opens there', async () => {
    const launcher = await env.signedIn();
    void launcher.launchApp('payroll').catch(() => undefined);
    await env.tabsOpened(2);
    await launcher.completeAuthorization(cancelled(env.tabs.created[1] as string), 102);

    await launcher.retryStepUp('payroll', 102);
    expect(env.tabs.created).toHaveLength(2);
    const again = env.tabs.updated.at(-1);
    expect(again?.tabId).toBe(102);
    const stepUpUrl = new URL(again?.url as string);
    expect(stepUpUrl.searchParams.get('acr_values')).toBe('urn:portal-launcher:acr:mfa');

    const done = await launcher.completeAuthorization(
      env.portal.authorize(stepUpUrl.href, env.portal.mfaClaims()),
      102,
    );
    expect(done).toEqual({ kind: 'stepUp', message: 'Opening Payroll…' });
    expect(env.tabs.updated.at(-1)).toMatchObject({ tabId: 102 });
    expect(env.tabs.updated.at(-1)?.url).toMatch(/^https:\/\/payroll\.apps\.example\.test\/sso/);
    expect(env.tabs.created).toHaveLength(2);
    // The popup that said "cancelled" now says Payroll opened (the notice it reads next).
    expect(await launchNoticeItem.get()).toMatchObject({
      appId: 'payroll',
      appName: 'Payroll',
      outcome: 'opened',
    });

    // A later launch from the popup that opens clears it: "opened" is said once, for the Try again.
    await launcher.launchApp('wiki');
    expect(await launchNoticeItem.get()).toBeNull();
  });

  it('Try again after the second factor became fresh elsewhere opens the app in that tab at once', async () => {
    const launcher = await env.signedIn(env.portal.mfaClaims());
    await launcher.retryStepUp('payroll', 102);
    expect(env.tabs.updated).toEqual([
      { tabId: 102, url: expect.stringMatching(/^https:\/\/payroll\.apps\.example\.test\/sso/) },
    ]);
    expect(await launchNoticeItem.get()).toMatchObject({ appId: 'payroll', outcome: 'opened' });
  });

  it('C3: with the portal stopped, an MFA launch fails at once with network and opens no step-up tab', async () => {
    const launcher = await env.signedIn();
    env.portal.state.unreachable = true;
    const started = Date.now();
    await expect(launcher.launchApp('payroll')).rejects.toMatchObject({
      code: 'network',
      message: expect.stringContaining('did not answer'),
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(env.tabs.created).toHaveLength(1); // the sign-in tab only
    expect(await launchNoticeItem.get()).toMatchObject({
      appId: 'payroll',
      outcome: 'failed',
      code: 'network',
    });
    await expect(launcher.retryStepUp('payroll', 102)).rejects.toMatchObject({ code: 'network' });
    expect(env.tabs.updated).toEqual([]);
  });
});
