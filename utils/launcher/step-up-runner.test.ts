/**
 * The one step-up runner: account changes (B11, C4, C5) through the
 * launcher's `withStepUp`.
 */
import { describe, expect, it } from 'vitest';
import { useLauncherEnv } from './__tests__/launcher-env.ts';

const env = useLauncherEnv();

describe('generic step-up (account changes)', () => {
  it('B11/C4: withStepUp runs, verifies on a challenge, and retries exactly once; the tab closes', async () => {
    const { StepUpRequiredError } = await import('../portal/api-client.ts');
    const launcher = await env.signedIn();
    let calls = 0;
    const change = launcher.withStepUp('change the password', async () => {
      calls += 1;
      if (calls === 1) throw new StepUpRequiredError({ acrValues: [], maxAge: 300 });
      return 'changed';
    });
    await env.tabsOpened(2);
    const url = new URL(env.tabs.created[1] as string);
    // max_age only: a plain re-authentication, no acr_values.
    expect(url.searchParams.get('acr_values')).toBeNull();
    expect(url.searchParams.get('max_age')).toBe('300');
    await launcher.completeAuthorization(env.portal.authorize(url.href), 102);
    await expect(change).resolves.toBe('changed');
    expect(calls).toBe(2);
    expect(env.tabs.removed).toContain(102);
  });

  it('C5: closing the verification tab rejects withStepUp with cancelled and does not retry', async () => {
    const { StepUpRequiredError } = await import('../portal/api-client.ts');
    const launcher = await env.signedIn();
    let calls = 0;
    const change = launcher.withStepUp('add an SSH key', async () => {
      calls += 1;
      throw new StepUpRequiredError({ acrValues: ['urn:portal-launcher:acr:mfa'], maxAge: 300 });
    });
    await env.tabsOpened(2);
    await launcher.handleTabRemoved(102);
    await expect(change).rejects.toMatchObject({ code: 'cancelled' });
    expect(calls).toBe(1);
  });
});
