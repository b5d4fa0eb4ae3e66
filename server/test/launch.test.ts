/**
 * SSO launch: launch tickets (B14), third-party-initiated login into the demo
 * apps, and Payroll's MFA rule — followed through real redirects with a
 * cookie jar, like a browser.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACR_MFA, ACR_PASSWORD } from '../../contract/constants.ts';
import { createLaunchTicket, isRegisteredTarget, LaunchError } from '../src/services/launch.ts';
import { enrollConfirmedTotp, generateTotpSecret } from '../src/services/totp.ts';
import { HttpClient, parseForms, textByTestId } from './http.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { enrolmentSecret, pageKind, recoveryCodesOn, signIn } from './sign-in.ts';

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(() => portal.close());
afterEach(() => {
  vi.useRealTimers();
});

const aliceId = async () => (await portal.context.repos.users.findByEmail('alice@example.com'))?.id as string;
const bobId = async () => (await portal.context.repos.users.findByEmail('bob@example.com'))?.id as string;

describe('B14: launch tickets', () => {
  it('B14: a ticket URL redirects once to the app initiate_login_uri with iss, login_hint and target_link_uri', async () => {
    const { url, expiresAt } = await createLaunchTicket(portal.context, await bobId(), 'team-wiki');
    expect(url).toMatch(new RegExp(`^${portal.issuer}/launch/[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    const client = new HttpClient();
    const first = await client.get(url);
    expect(first.status).toBe(302);
    const target = new URL(first.location as string);
    expect(`${target.origin}${target.pathname}`).toBe(`${portal.demoApps.wiki}/login`);
    expect(target.searchParams.get('iss')).toBe(portal.issuer);
    expect(target.searchParams.get('login_hint')).toBe('bob@example.com');
    expect(target.searchParams.get('target_link_uri')).toBe(`${portal.demoApps.wiki}/`);
    const replay = await client.get(url);
    expect(replay.status).toBe(410);
    expect(replay.location).toBeUndefined();
    expect(replay.body).toContain('expired or was already used');
    expect(replay.headers.get('x-frame-options')).toBe('DENY');
  });

  it('B14: a ticket older than 60 s is refused (controllable clock)', async () => {
    const { url } = await createLaunchTicket(portal.context, await bobId(), 'team-wiki');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    const late = await new HttpClient().get(url);
    expect(late.status).toBe(410);
  });

  it('B14: a foreign target_link_uri is refused (no open redirect)', async () => {
    const app = await portal.context.repos.apps.findById('team-wiki');
    if (!app) throw new Error('no app');
    for (const foreign of [
      'https://evil.example/',
      `${portal.demoApps.payroll}/`,
      `${portal.demoApps.wiki.replace('http:', 'javascript:')}/`,
      `http://user@${new URL(portal.demoApps.wiki).host}/`,
      'not a url',
    ]) {
      expect(isRegisteredTarget(app, foreign), foreign).toBe(false);
      await expect(createLaunchTicket(portal.context, await bobId(), 'team-wiki', foreign)).rejects.toThrow(
        LaunchError,
      );
    }
    expect(isRegisteredTarget(app, `${portal.demoApps.wiki}/pages/handbook?x=1`)).toBe(true);
  });

  it('B14: unassigned and unknown apps get no ticket; guessed tickets are refused', async () => {
    const stranger = await createTestUser(portal);
    await expect(createLaunchTicket(portal.context, stranger.id, 'payroll')).rejects.toThrow(
      expect.objectContaining({ code: 'not_assigned' }),
    );
    await expect(createLaunchTicket(portal.context, await bobId(), 'nope')).rejects.toThrow(
      expect.objectContaining({ code: 'unknown_app' }),
    );
    const guessed = await new HttpClient().get(`${portal.issuer}/launch/${'A'.repeat(43)}`);
    expect(guessed.status).toBe(410);
  });
});

describe('demo apps', () => {
  it('launching Payroll with a fresh MFA session lands on the Payroll page showing alice with acr MFA', async () => {
    const alice = portal.demo?.alice;
    if (!alice) throw new Error('no demo');
    // The launcher's browser: alice signed in with MFA.
    const session = await signIn(portal, { ...alice, acrValues: ACR_MFA });
    const { url } = await createLaunchTicket(portal.context, await aliceId(), 'payroll');
    const landed = await session.client.follow(url);
    expect(landed.url).toBe(`${portal.demoApps.payroll}/`);
    expect(landed.status).toBe(200);
    expect(textByTestId(landed.body, 'signed-in')).toBe('Signed in as Alice Example (alice@example.com)');
    expect(textByTestId(landed.body, 'acr')).toBe(ACR_MFA);
    expect(textByTestId(landed.body, 'amr')).toBe('pwd otp mfa');
    expect(Number(textByTestId(landed.body, 'auth_time'))).toBe(session.claims.auth_time);
    expect(session.client.jar.names()).toContain('payroll_session');
  });

  it('launching Payroll from a password-only session asks only for the second factor, naming Payroll', async () => {
    // A password-only session, then an authenticator set up in the security centre.
    const user = await createTestUser(portal, { assign: ['payroll'] });
    const session = await signIn(portal, { email: user.email, password: user.password });
    expect(session.claims.acr).toBe(ACR_PASSWORD);
    const totpSecret = generateTotpSecret();
    await enrollConfirmedTotp(portal.context, user.id, totpSecret);
    const { url } = await createLaunchTicket(portal.context, user.id, 'payroll');
    const page = await session.client.follow(url);
    expect(pageKind(page)).toBe('second-factor');
    expect(page.body).toContain('Verify it&#39;s you to open Payroll');
    const form = parseForms(page.body, page.url).find((f) => f.action.endsWith('/second-factor'));
    const { TOTP, Secret } = await import('otpauth');
    const code = new TOTP({ secret: Secret.fromBase32(totpSecret) }).generate();
    const landed = await session.client.continue(
      await session.client.postForm(form?.action as string, { ...form?.fields, code }),
    );
    expect(landed.url).toBe(`${portal.demoApps.payroll}/`);
    expect(textByTestId(landed.body, 'acr')).toBe(ACR_MFA);
  });

  it('Team Wiki opens with a password-only session and shows who signed in', async () => {
    const session = await signIn(portal, { email: 'bob@example.com', password: 'bob-demo-password' });
    const { url } = await createLaunchTicket(portal.context, await bobId(), 'team-wiki');
    const landed = await session.client.follow(url);
    expect(textByTestId(landed.body, 'signed-in')).toBe('Signed in as Bob Example (bob@example.com)');
    expect(textByTestId(landed.body, 'acr')).toBe(ACR_PASSWORD);
    expect(textByTestId(landed.body, 'amr')).toBe('pwd');
    expect(session.client.jar.names()).toContain('team_wiki_session');
  });

  it('B7: launching Payroll without a second factor sets one up at the portal, then lands in Payroll with MFA', async () => {
    const user = await createTestUser(portal, { assign: ['payroll'] });
    const session = await signIn(portal, { email: user.email, password: user.password });
    const { url } = await createLaunchTicket(portal.context, user.id, 'payroll');
    const page = await session.client.follow(url);
    expect(pageKind(page)).toBe('enrol');
    expect(page.body).toContain('Payroll requires a second factor');
    const { TOTP, Secret } = await import('otpauth');
    const code = new TOTP({ secret: Secret.fromBase32(enrolmentSecret(page.body)) }).generate();
    const enrol = parseForms(page.body, page.url).find((f) => f.action.endsWith('/enrol'));
    const codes = await session.client.continue(
      await session.client.postForm(enrol?.action as string, { ...enrol?.fields, code }),
    );
    expect(recoveryCodesOn(codes.body)).toHaveLength(10);
    const saved = parseForms(codes.body, codes.url).find((f) => f.action.endsWith('/enrolment-done'));
    const landed = await session.client.continue(
      await session.client.postForm(saved?.action as string, saved?.fields ?? {}),
    );
    expect(landed.url).toBe(`${portal.demoApps.payroll}/`);
    expect(textByTestId(landed.body, 'acr')).toBe(ACR_MFA);
    expect(textByTestId(landed.body, 'amr')).toBe('pwd otp mfa');
  });

  it('Payroll shows a clear page, never a signed-in one, when the user cancels instead of giving MFA', async () => {
    // Payroll always asks for MFA; a user without an authenticator who cancels the set-up ends
    // with access_denied, and Payroll shows its refusal instead of signing anyone in.
    const session = await signIn(portal, { email: 'bob@example.com', password: 'bob-demo-password' });
    const { url } = await createLaunchTicket(portal.context, await bobId(), 'payroll');
    const page = await session.client.follow(url);
    expect(pageKind(page)).toBe('enrol');
    const form = parseForms(page.body, page.url).find((f) => f.action.endsWith('/abort'));
    const end = await session.client.continue(
      await session.client.postForm(form?.action as string, form?.fields ?? {}),
    );
    expect(end.url.startsWith(`${portal.demoApps.payroll}/callback`)).toBe(true);
    expect(end.status).toBe(400);
    expect(textByTestId(end.body, 'signed-in')).toBeUndefined();
  });

  it('B14: a launch for alice in a browser signed in as bob asks to sign in as alice, never opens as bob', async () => {
    const session = await signIn(portal, { email: 'bob@example.com', password: 'bob-demo-password' });
    const { url } = await createLaunchTicket(portal.context, await aliceId(), 'team-wiki');
    const page = await session.client.follow(url);
    expect(pageKind(page)).toBe('email');
    expect(page.body).toContain('value="alice@example.com"');
    expect(textByTestId(page.body, 'signed-in')).toBeUndefined();
  });

  it('C6: two apps opened together, each for the first time, both land signed in (no consent step renews the session under the other)', async () => {
    const user = await createTestUser(portal, { totp: true, assign: ['team-wiki', 'payroll'] });
    const session = await signIn(portal, {
      email: user.email,
      password: user.password,
      totpSecret: user.totpSecret,
      acrValues: ACR_MFA,
    });
    // The second tab set off with the cookies of this moment, before the first tab's answers arrived.
    const secondTab = new HttpClient({ jar: session.client.jar.clone() });
    const sessionCookie = session.client.jar.get('portal_session');
    expect(sessionCookie).toBeTruthy();

    const wikiHops: string[] = [];
    const wiki = await session.client.follow(
      (await createLaunchTicket(portal.context, user.id, 'team-wiki')).url,
      (location) => {
        wikiHops.push(location);
        return false;
      },
    );
    expect(textByTestId(wiki.body, 'signed-in')).toContain(`(${user.email})`);
    // First-party consent is implicit: no interaction page, and the portal session keeps its id.
    expect(wikiHops.filter((hop) => hop.includes('/interaction/'))).toEqual([]);
    expect(session.client.jar.get('portal_session')).toBe(sessionCookie);

    const payroll = await secondTab.follow(
      (await createLaunchTicket(portal.context, user.id, 'payroll')).url,
    );
    expect(payroll.url).toBe(`${portal.demoApps.payroll}/`);
    expect(textByTestId(payroll.body, 'acr')).toBe(ACR_MFA);
  });

  it('a demo app refuses a login initiated by another issuer', async () => {
    const answer = await new HttpClient().get(
      `${portal.demoApps.wiki}/login?iss=${encodeURIComponent('https://evil.example')}`,
    );
    expect(answer.status).toBe(400);
    expect(answer.location).toBeUndefined();
  });
});
