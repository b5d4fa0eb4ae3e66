/**
 * Integration: `/me/sessions` lists the user's portal sessions, marks the
 * current one (the token's `sid`) and ends others (B13), with their refresh
 * tokens (B4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../../contract/constants.ts';
import { sessionsResponseSchema } from '../../../contract/schemas.ts';
import { callApi } from '../api-helpers.ts';
import { HttpClient } from '../http.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';
import { refresh, signIn } from '../sign-in.ts';

let t: TestPortal;

beforeAll(async () => {
  t = await startTestPortal();
});
afterAll(() => t?.close());

const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const FIREFOX_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

async function signInBob(userAgent: string) {
  const demo = t.demo;
  if (!demo) throw new Error('no demo data');
  return signIn(t, {
    email: demo.bob.email,
    password: demo.bob.password,
    client: new HttpClient({ headers: { 'user-agent': userAgent } }),
  });
}

async function sessions(token: string) {
  const answer = await callApi(t, 'GET', '/me/sessions', { token });
  expect(answer.status).toBe(200);
  return sessionsResponseSchema.parse(answer.json).sessions;
}

describe('sessions', () => {
  it('lists each browser session, marks the current one, and ends one', async () => {
    const laptop = await signInBob(CHROME_UA);
    const desktop = await signInBob(FIREFOX_UA);
    const seenFromLaptop = await sessions(laptop.access_token);
    expect(seenFromLaptop).toHaveLength(2);
    expect(seenFromLaptop.filter((s) => s.current)).toHaveLength(1);
    const current = seenFromLaptop.find((s) => s.current);
    const other = seenFromLaptop.find((s) => !s.current);
    expect([current?.browser, current?.os]).toEqual(['Chrome 126', 'Linux']);
    expect([other?.browser, other?.os]).toEqual(['Firefox 128', 'Windows 10']);

    const ended = await callApi(t, 'DELETE', `/me/sessions/${other?.id}`, {
      token: laptop.access_token,
    });
    expect(ended.status).toBe(204);
    expect((await sessions(laptop.access_token)).map((s) => s.id)).toEqual([current?.id]);
    // B13/B4: the ended session's access token is refused at once, not after its lifetime…
    const refused = await callApi(t, 'GET', '/me', { token: desktop.access_token });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await callApi(t, 'GET', '/me', { token: laptop.access_token })).status).toBe(200);
    // …and its refresh token is dead too.
    const refreshed = await refresh(t, desktop.refresh_token);
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant');
    // Ending it again, or a made-up id, is a 404.
    expect(
      (await callApi(t, 'DELETE', `/me/sessions/${other?.id}`, { token: laptop.access_token })).status,
    ).toBe(404);
  });

  it('DELETE /me/sessions?others=true keeps only the current session', async () => {
    const a = await signInBob(CHROME_UA);
    await signInBob(FIREFOX_UA);
    await signInBob(FIREFOX_UA);
    expect((await sessions(a.access_token)).length).toBeGreaterThanOrEqual(3);
    expect((await callApi(t, 'DELETE', '/me/sessions', { token: a.access_token })).status).toBe(400);
    expect((await callApi(t, 'DELETE', '/me/sessions?others=true', { token: a.access_token })).status).toBe(
      204,
    );
    const left = await sessions(a.access_token);
    expect(left).toHaveLength(1);
    expect(left[0]?.current).toBe(true);
    // The current session's refresh token still works.
    expect((await refresh(t, a.refresh_token)).status).toBe(200);
  });

  it("a user cannot end someone else's session", async () => {
    const bob = await signInBob(CHROME_UA);
    const demo = t.demo;
    if (!demo) throw new Error('no demo data');
    const alice = await signIn(t, { ...demo.alice, acrValues: ACR_MFA });
    const aliceSession = (await sessions(alice.access_token)).find((s) => s.current);
    const answer = await callApi(t, 'DELETE', `/me/sessions/${aliceSession?.id}`, {
      token: bob.access_token,
    });
    expect(answer.status).toBe(404);
    expect((await sessions(alice.access_token)).some((s) => s.id === aliceSession?.id)).toBe(true);
  });
});
