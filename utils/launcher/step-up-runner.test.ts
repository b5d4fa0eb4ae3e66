/**
 * The one step-up runner: on its own (request parameters, C6 joining, A4
 * checks, C5 cancellation) and for account changes (B11, C4, C5) through the
 * launcher's `withStepUp`.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ACR_MFA } from '../../contract/constants.ts';
import { AuthError } from '../auth/errors.ts';
import type { AuthorizationRequestOptions, OidcClient } from '../auth/oidc.ts';
import { createSessionManager } from '../auth/session.ts';
import { defaultAssuranceRule } from '../auth/step-up.ts';
import { pendingFlowsItem, type StoredSession, sessionItem } from '../storage.ts';
import { useLauncherEnv } from './__tests__/launcher-env.ts';
import { createFlowStore } from './flow-store.ts';
import { createStepUpRunner, type StepUpRunnerOptions } from './step-up-runner.ts';

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

describe('step-up runner on its own', () => {
  const ISSUER = 'https://runner.example.test';
  const stored: StoredSession = {
    issuer: ISSUER,
    clientId: 'portal-launcher',
    accessToken: 'at-1',
    accessTokenExpiresAt: Date.now() + 600_000,
    refreshToken: 'rt-1',
    idToken: null,
    user: { sub: 'alice', name: 'Alice', email: 'alice@example.com' },
    authentication: { acr: 'urn:portal-launcher:acr:pwd', amr: ['pwd'], authTime: 1 },
  };
  const tokens = {
    accessToken: 'at-2',
    accessTokenExpiresAt: Date.now() + 600_000,
    refreshToken: null,
    idToken: null,
  };
  let requests: AuthorizationRequestOptions[];
  let tabsOpened: string[];
  let runNumber = 0;

  function runner(extra: Partial<StepUpRunnerOptions> = {}) {
    const client = {
      createAuthorizationRequest: async (request: AuthorizationRequestOptions = {}) => {
        requests.push(request);
        const state = `runner-${runNumber}-${requests.length}-0123456789`;
        return {
          url: `${ISSUER}/auth?state=${state}`,
          transaction: {
            state,
            nonce: 'n',
            codeVerifier: 'v',
            maxAge: request.maxAge ?? null,
            acrValues: request.acrValues ?? null,
          },
        };
      },
    } as unknown as OidcClient;
    const flows = createFlowStore({
      now: Date.now,
      openTab: async (url) => {
        tabsOpened.push(url);
        return 300 + tabsOpened.length;
      },
      onAbandoned: async () => undefined,
    });
    const session = createSessionManager({ oidcFor: () => client, now: Date.now });
    return createStepUpRunner({
      flows,
      session,
      oidcFor: () => client,
      requireSession: async () => ({ session: stored, clientId: stored.clientId }),
      now: Date.now,
      log: () => undefined,
      ...extra,
    });
  }

  beforeEach(async () => {
    fakeBrowser.reset();
    await pendingFlowsItem.remove();
    await sessionItem.set(stored);
    requests = [];
    tabsOpened = [];
    runNumber += 1;
  });

  it('asks for the requirement with a login hint; names the app only where the portal understands it', async () => {
    const stepUps = runner();
    await stepUps.open(
      stored,
      stored.clientId,
      { acrValues: [ACR_MFA], maxAge: 120 },
      { appId: 'payroll', nameToPortal: true },
    );
    expect(requests).toEqual([
      { acrValues: ACR_MFA, maxAge: 120, loginHint: 'alice@example.com', launchApp: 'payroll' },
    ]);
    await pendingFlowsItem.remove();
    await stepUps.open(
      stored,
      stored.clientId,
      { acrValues: [], maxAge: null },
      { appId: 'wiki', nameToPortal: false },
    );
    expect(requests[1]).toEqual({ loginHint: 'alice@example.com' });
  });

  it("login_hint: the email from userinfo (the profile) when the ID token carried none; the ID token's wins; none known, no hint", async () => {
    const noEmail: StoredSession = { ...stored, user: { sub: 'alice', name: 'Alice', email: null } };
    const asked: string[] = [];
    const fromUserinfo = runner({
      knownEmail: async (session) => {
        asked.push(session.user.sub);
        return 'alice@userinfo.example';
      },
    });
    await fromUserinfo.open(noEmail, stored.clientId, { acrValues: [], maxAge: 300 });
    expect(requests[0]).toEqual({ maxAge: 300, loginHint: 'alice@userinfo.example' });
    expect(asked).toEqual(['alice']);
    await pendingFlowsItem.remove();
    await fromUserinfo.open(stored, stored.clientId, { acrValues: [], maxAge: 300 });
    expect(requests[1]).toEqual({ maxAge: 300, loginHint: 'alice@example.com' });
    await pendingFlowsItem.remove();
    await runner({ knownEmail: async () => null }).open(noEmail, stored.clientId, {
      acrValues: [],
      maxAge: 300,
    });
    expect(requests[2]).toEqual({ maxAge: 300 });
    await pendingFlowsItem.remove();
    await runner({ knownEmail: async () => Promise.reject(new Error('cache unreadable')) }).open(
      noEmail,
      stored.clientId,
      { acrValues: [], maxAge: 300 },
    );
    expect(requests[3]).toEqual({ maxAge: 300 });
  });

  it('an app that needs a new authentication every time (max_age 0) also asks prompt=login; any other max_age does not', async () => {
    // Some providers read max_age=0 as "no limit" (issue 16): prompt=login says it in a way they honour.
    const stepUps = runner();
    await stepUps.open(stored, stored.clientId, { acrValues: [ACR_MFA], maxAge: 0 });
    expect(requests[0]).toEqual({
      acrValues: ACR_MFA,
      maxAge: 0,
      prompt: 'login',
      loginHint: 'alice@example.com',
    });
    await pendingFlowsItem.remove();
    await stepUps.open(stored, stored.clientId, { acrValues: [ACR_MFA], maxAge: 1 });
    expect(requests[1]).not.toHaveProperty('prompt');
  });

  it('C6: a verification and a launch at the same issuer share one tab', async () => {
    const stepUps = runner();
    const first = await stepUps.open(
      stored,
      stored.clientId,
      { acrValues: [ACR_MFA], maxAge: 300 },
      { appId: 'payroll', nameToPortal: true },
    );
    const verifying = stepUps.verify({ acrValues: [ACR_MFA], maxAge: 300 });
    await expect.poll(async () => Object.keys(await pendingFlowsItem.get())).toEqual([first]);
    expect(tabsOpened).toHaveLength(1);
    stepUps.fail(first, new AuthError('cancelled', 'The verification tab was closed.'));
    await expect(verifying).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('A4: a result without the required level neither upgrades the session nor wakes the caller; a proper one does', async () => {
    const stepUps = runner();
    const verifying = stepUps.verify({ acrValues: [ACR_MFA], maxAge: 300 });
    await expect.poll(() => tabsOpened.length).toBe(1);
    const flow = Object.values(await pendingFlowsItem.get())[0];
    if (!flow) throw new Error('no flow saved');
    const now = Math.floor(Date.now() / 1000);
    const weak = {
      sub: 'alice',
      name: null,
      email: null,
      acr: 'urn:portal-launcher:acr:pwd',
      amr: ['pwd'],
      authTime: now,
    };
    await expect(stepUps.complete(flow, tokens, weak, defaultAssuranceRule())).rejects.toMatchObject({
      code: 'step_up_acr_not_accepted',
      params: ['urn:portal-launcher:acr:pwd', ACR_MFA],
    });
    expect((await sessionItem.get())?.accessToken).toBe('at-1');
    const someoneElse = { ...weak, sub: 'mallory', acr: ACR_MFA, amr: ['pwd', 'otp'] };
    await expect(stepUps.complete(flow, tokens, someoneElse, defaultAssuranceRule())).rejects.toMatchObject({
      code: 'step_up_insufficient',
    });
    const strong = { ...weak, acr: ACR_MFA, amr: ['pwd', 'otp'] };
    const upgraded = await stepUps.complete(flow, tokens, strong, defaultAssuranceRule());
    expect(upgraded.authentication).toEqual({ acr: ACR_MFA, amr: ['pwd', 'otp'], authTime: now });
    await expect(verifying).resolves.toBeUndefined();
  });

  it('C5: when the session ends, every verification waiting is cancelled', async () => {
    const stepUps = runner();
    const verifying = stepUps.verify({ acrValues: [], maxAge: 60 });
    await expect.poll(() => tabsOpened.length).toBe(1);
    stepUps.failAll(new AuthError('cancelled', 'You were signed out.'));
    await expect(verifying).rejects.toMatchObject({ code: 'cancelled', message: 'You were signed out.' });
  });

  it('B11: withStepUp passes other errors through without opening a tab', async () => {
    const stepUps = runner();
    await expect(
      stepUps.withStepUp('change the password', async () => {
        throw new AuthError('network', 'offline');
      }),
    ).rejects.toMatchObject({ code: 'network' });
    expect(tabsOpened).toEqual([]);
    await expect(stepUps.withStepUp('read', async () => 'plain')).resolves.toBe('plain');
  });
});
