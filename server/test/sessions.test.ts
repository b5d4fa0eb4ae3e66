/**
 * Portal sessions as the API sees them (oidc/sessions.ts): listing with
 * device details, ending one (its refresh tokens die), ending all others,
 * revoking every grant (B4, B11, B13).
 */
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endUserSession, endUserSessions, listUserSessions, revokeUserGrants } from '../src/oidc/sessions.ts';
import { HttpClient } from './http.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { refresh, signIn } from './sign-in.ts';

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal({ demoApps: false });
});
afterAll(() => portal.close());

const chrome =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:153.0) Gecko/20100101 Firefox/153.0';

async function twoDevices() {
  const user = await createTestUser(portal);
  const laptop = await signIn(portal, {
    ...user,
    client: new HttpClient({ headers: { 'user-agent': chrome } }),
  });
  const desktop = await signIn(portal, {
    ...user,
    client: new HttpClient({ headers: { 'user-agent': firefox } }),
  });
  return { user, laptop, desktop };
}

describe('sessions', () => {
  it('lists live sessions with browser, address and which one is current (the access token sid)', async () => {
    const { user, laptop, desktop } = await twoDevices();
    const sid = jose.decodeJwt(laptop.access_token).sid as string;
    const sessions = await listUserSessions(portal.context, user.id, sid);
    expect(sessions).toHaveLength(2);
    expect(sessions.map((s) => `${s.browser} / ${s.os}`).sort()).toEqual([
      'Chrome 156 / Linux',
      'Firefox 153 / Windows 10',
    ]);
    expect(sessions.every((s) => s.ipAddress === '127.0.0.1')).toBe(true);
    expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([sid]);
    expect(jose.decodeJwt(desktop.access_token).sid).not.toBe(sid);
  });

  it('B13: ending one session kills its refresh token and leaves the other device signed in', async () => {
    const { user, laptop, desktop } = await twoDevices();
    const laptopSid = jose.decodeJwt(laptop.access_token).sid as string;
    expect(await endUserSession(portal.context, user.id, laptopSid)).toBe(true);
    expect((await refresh(portal, laptop.refresh_token)).status).toBe(400);
    expect((await refresh(portal, desktop.refresh_token)).status).toBe(200);
    const left = await listUserSessions(portal.context, user.id);
    expect(left.map((s) => s.id)).not.toContain(laptopSid);
    // Someone else's session id is not theirs to end.
    const other = await createTestUser(portal);
    expect(await endUserSession(portal.context, other.id, left[0]?.id as string)).toBe(false);
  });

  it('B11: after a factor change, other sessions can be ended, keeping the current one', async () => {
    const { user, laptop, desktop } = await twoDevices();
    const keep = jose.decodeJwt(desktop.access_token).sid as string;
    expect(await endUserSessions(portal.context, user.id, { except: keep })).toBe(1);
    expect((await listUserSessions(portal.context, user.id)).map((s) => s.id)).toEqual([keep]);
    expect((await refresh(portal, laptop.refresh_token)).status).toBe(400);
  });

  it('B4: revokeUserGrants kills every refresh token of the user', async () => {
    const { user, laptop, desktop } = await twoDevices();
    expect(await revokeUserGrants(portal.context, user.id)).toBeGreaterThanOrEqual(2);
    expect((await refresh(portal, laptop.refresh_token)).status).toBe(400);
    expect((await refresh(portal, desktop.refresh_token)).status).toBe(400);
  });
});
