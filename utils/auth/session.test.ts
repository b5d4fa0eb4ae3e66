import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  FAKE_CLIENT_ID,
  FAKE_LOGOUT_URI,
  FAKE_REDIRECT_URI,
  type FakePortal,
  fakePortal,
} from './__tests__/fake-portal.ts';
import { createOidcClient } from './oidc.ts';
import { createSessionManager, type SessionManager } from './session.ts';

let portal: FakePortal;
let clock: number;
let ended: number;
let session: SessionManager;
let oidc: ReturnType<typeof createOidcClient>;

beforeEach(async () => {
  fakeBrowser.reset();
  await fakeBrowser.storage.session.clear();
  clock = Date.now();
  ended = 0;
  portal = await fakePortal({ now: () => clock });
  oidc = createOidcClient({
    issuer: portal.issuer,
    clientId: FAKE_CLIENT_ID,
    redirectUri: FAKE_REDIRECT_URI,
    postLogoutRedirectUri: FAKE_LOGOUT_URI,
    fetch: portal.fetch,
  });
  session = createSessionManager({
    oidcFor: () => oidc,
    now: () => clock,
    onEnded: () => {
      ended += 1;
    },
  });
  const { url, transaction } = await oidc.createAuthorizationRequest();
  const { tokens, claims } = await oidc.completeAuthorization(transaction, portal.authorize(url));
  await session.establish(portal.issuer, FAKE_CLIENT_ID, tokens, claims);
});

function tokenRequests(grant: string): number {
  return portal.calls.filter(
    (call) => call.url.endsWith('/token') && new URLSearchParams(call.body).get('grant_type') === grant,
  ).length;
}

describe('session', () => {
  it('C2: ten parallel calls with an expired access token make exactly one token request', async () => {
    clock += 10 * 60 * 1000; // the 300 s access token is long expired
    const tokens = await Promise.all(Array.from({ length: 10 }, () => session.getAccessToken()));
    expect(tokenRequests('refresh_token')).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('C2: ten parallel forced refreshes share one request', async () => {
    await Promise.all(Array.from({ length: 10 }, () => session.refreshAccessToken()));
    expect(tokenRequests('refresh_token')).toBe(1);
  });

  it('C2: a valid access token is used without a refresh', async () => {
    await session.getAccessToken();
    expect(tokenRequests('refresh_token')).toBe(0);
  });

  it('C2: invalid_grant ends the session once; the next call does not retry the refresh (no loop)', async () => {
    portal.state.refreshError = 'invalid_grant';
    clock += 10 * 60 * 1000;
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => session.getAccessToken()));
    expect(
      results.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'signed_out'),
    ).toBe(true);
    expect(tokenRequests('refresh_token')).toBe(1);
    expect(ended).toBe(1);
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'signed_out' });
    expect(tokenRequests('refresh_token')).toBe(1);
    expect(await session.load()).toBeNull();
  });

  it('C3: a network failure during refresh keeps the session', async () => {
    portal.state.refreshError = null;
    const broken = createSessionManager({
      oidcFor: () =>
        createOidcClient({
          issuer: portal.issuer,
          clientId: FAKE_CLIENT_ID,
          redirectUri: FAKE_REDIRECT_URI,
          postLogoutRedirectUri: FAKE_LOGOUT_URI,
          fetch: async () => {
            throw new TypeError('Failed to fetch');
          },
        }),
      now: () => clock,
    });
    clock += 10 * 60 * 1000;
    await expect(broken.getAccessToken()).rejects.toMatchObject({ code: 'network' });
    expect(await broken.load()).not.toBeNull();
  });

  it('A4: a refresh keeps the proven authentication from the code flow', async () => {
    const before = await session.authentication();
    clock += 10 * 60 * 1000;
    await session.getAccessToken();
    expect(await session.authentication()).toEqual(before);
  });

  it('A12: a refresh answer without an ID token keeps the sign-in ID token (the logout hint)', async () => {
    const idToken = (await session.load())?.idToken;
    expect(idToken).toBeTruthy();
    clock += 10 * 60 * 1000;
    await session.getAccessToken();
    expect(tokenRequests('refresh_token')).toBe(1);
    session.forgetMemory();
    expect((await session.load())?.idToken).toBe(idToken);
  });

  it('A5: a restarted worker reads the session back from storage.session', async () => {
    session.forgetMemory();
    expect((await session.load())?.user.sub).toBe('user-alice');
    const local = JSON.stringify(await fakeBrowser.storage.local.get(null));
    expect(local).not.toContain('rt-');
  });

  it('a session saved while a restarted worker is still reading the stored one is not undone by that read', async () => {
    // A woken worker reads the session at start (issue 15) while, say, a sign-in completes.
    await session.clear();
    session.forgetMemory();
    const { url, transaction } = await oidc.createAuthorizationRequest();
    const { tokens, claims } = await oidc.completeAuthorization(transaction, portal.authorize(url));
    let answer: (value: Record<string, unknown>) => void = () => undefined;
    const get = vi
      .spyOn(fakeBrowser.storage.session, 'get')
      .mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const reading = session.load();
    await vi.waitFor(() => expect(get).toHaveBeenCalled());
    await session.establish(portal.issuer, FAKE_CLIENT_ID, tokens, claims);
    answer({}); // what was stored when the read was served: no session
    expect((await reading)?.user.sub).toBe('user-alice');
    expect((await session.load())?.user.sub).toBe('user-alice');
    get.mockRestore();
  });
});
