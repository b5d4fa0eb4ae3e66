/**
 * Passkeys and security keys (WebAuthn): registration through the portal's
 * page, use as a second factor and alone, and every refusal B19 names, with a
 * software authenticator that signs for real (soft-authenticator.ts). B21:
 * the per-user limit.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACR_MFA, MAX_PASSKEYS_PER_USER } from '../../contract/constants.ts';
import type { ConfigOverrides } from '../src/config.ts';
import { callApi, signInAliceWithMfa } from './api-helpers.ts';
import { HttpClient, parseForms } from './http.ts';
import {
  answerPasskey,
  claimsAfter,
  isRedirectUri,
  registerPasskey,
  toSecondFactor,
} from './passkey-helpers.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { buildAuthorizationUrl, discover, exchangeCode, signIn } from './sign-in.ts';
import { passkeyDataOn, SoftAuthenticator } from './soft-authenticator.ts';

describe('passkeys (WebAuthn) with the default settings', () => {
  let t: TestPortal;
  beforeAll(async () => {
    // WebAuthn needs a host name: an IP address is no RP ID.
    t = await startTestPortal({ config: { host: 'localhost' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('B19: a passkey is registered through the portal page (ticket single-use) and listed with its kind', async () => {
    const user = await createTestUser(t);
    const { access_token } = await signIn(t, { email: user.email, password: user.password });
    const authenticator = new SoftAuthenticator(t.issuer, { backupEligible: true });
    const ticket = await callApi(t, 'POST', '/me/passkeys/registrations', { token: access_token });
    expect(ticket.status).toBe(201);
    const url = (ticket.json as { url: string }).url;
    const client = new HttpClient();
    const first = await client.get(url);
    expect(first.status).toBe(303);
    expect(first.location).toBe(`${t.issuer}/passkeys/register`);
    // The ticket is used up: another browser (or a reload of the link) gets nothing.
    expect((await new HttpClient().get(url)).status).toBe(410);
    const page = await client.follow(first.location as string);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const data = passkeyDataOn(page.body);
    expect((data.options.rp as { id: string }).id).toBe('localhost');
    const done = await client.postForm(`${t.issuer}/passkeys/register`, {
      name: '  Work laptop  ',
      response: JSON.stringify(authenticator.register(data.options as never)),
    });
    expect(done.status, done.body).toBe(201);
    const list = await callApi(t, 'GET', '/me/passkeys', { token: access_token });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({
      allowed: true,
      limit: MAX_PASSKEYS_PER_USER,
      passkeys: [{ name: 'Work laptop', kind: 'platform', syncable: true, synced: true, lastUsedAt: null }],
    });
  });

  test('B19: the registration challenge is single-use; a wrong origin or RP ID is refused', async () => {
    const user = await createTestUser(t);
    const { access_token } = await signIn(t, { email: user.email, password: user.password });
    const authenticator = new SoftAuthenticator(t.issuer);
    for (const bend of [
      { origin: 'https://evil.example' },
      { rpId: 'evil.example' },
      { origin: `${t.issuer}:1` },
    ]) {
      const refused = await registerPasskey(t, access_token, authenticator, { bend });
      expect(refused.status, JSON.stringify(bend)).toBe(400);
    }
    // Replay: the same answer posted twice in one ceremony is stored once.
    const ticket = await callApi(t, 'POST', '/me/passkeys/registrations', { token: access_token });
    const client = new HttpClient();
    const page = await client.follow((ticket.json as { url: string }).url);
    const answer = JSON.stringify(authenticator.register(passkeyDataOn(page.body).options as never));
    expect(
      (await client.postForm(`${t.issuer}/passkeys/register`, { name: 'a', response: answer })).status,
    ).toBe(201);
    expect(
      (await client.postForm(`${t.issuer}/passkeys/register`, { name: 'a', response: answer })).status,
    ).toBe(410);
    const list = await callApi(t, 'GET', '/me/passkeys', { token: access_token });
    expect((list.json as { passkeys: unknown[] }).passkeys).toHaveLength(1);
  });

  test('B19: password + passkey signs in with acr MFA and a passkey amr; the sign-in page offers the passkey first', async () => {
    const user = await createTestUser(t, { totp: true });
    const fresh = await signIn(t, {
      email: user.email,
      password: user.password,
      totpSecret: user.totpSecret,
    });
    const authenticator = new SoftAuthenticator(t.issuer);
    expect((await registerPasskey(t, fresh.access_token, authenticator)).status).toBe(201);

    const { client, page, started } = await toSecondFactor(t, user);
    expect(page.body.indexOf('passkey-button')).toBeLessThan(page.body.indexOf('name="code"'));
    const { result } = await answerPasskey(client, page, authenticator);
    const claims = await claimsAfter(t, client, result, started);
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
    const list = await callApi(t, 'GET', '/me/passkeys', { token: fresh.access_token });
    expect(
      (list.json as { passkeys: { lastUsedAt: string | null }[] }).passkeys[0]?.lastUsedAt,
    ).not.toBeNull();
  });

  test('B19: an authentication challenge is single-use and bound to its interaction; a wrong origin or RP ID is refused', async () => {
    const user = await createTestUser(t, { totp: true });
    const fresh = await signIn(t, {
      email: user.email,
      password: user.password,
      totpSecret: user.totpSecret,
    });
    const authenticator = new SoftAuthenticator(t.issuer);
    await registerPasskey(t, fresh.access_token, authenticator);

    // A broken signature uses the challenge up: the right answer to it afterwards is refused.
    const a = await toSecondFactor(t, user);
    const options = passkeyDataOn(a.page.body).options;
    const form = parseForms(a.page.body, a.page.url).find((f) => f.action.endsWith('/passkey'));
    if (!form) throw new Error('no passkey form');
    const broken = authenticator.authenticate(options as never, { breakSignature: true });
    const good = authenticator.authenticate(options as never);
    const first = await a.client.postForm(form.action, { ...form.fields, response: JSON.stringify(broken) });
    expect(first.status).toBe(401);
    expect(first.body).toContain('That passkey was not accepted');
    const replay = await a.client.postForm(form.action, { ...form.fields, response: JSON.stringify(good) });
    expect(replay.status).toBe(401);
    const reasons = () =>
      t.logs
        .filter((l) => l.includes(user.id) && l.includes('mfa_failed'))
        .map((l) => /"reason":"(\w+)"/.exec(l)?.[1]);
    // The refusal showed the page again with a new challenge: the old one is gone, so the
    // answer that signed it is refused although its signature is sound.
    expect(reasons()).toEqual(['not_verified', 'not_verified']);
    expect(passkeyDataOn(first.body).options.challenge).not.toBe(options.challenge);

    // An answer for one interaction's challenge does not open another.
    const b = await toSecondFactor(t, user);
    const formB = parseForms(b.page.body, b.page.url).find((f) => f.action.endsWith('/passkey'));
    if (!formB) throw new Error('no passkey form');
    const foreign = authenticator.authenticate(options as never);
    expect(
      (await b.client.postForm(formB.action, { ...formB.fields, response: JSON.stringify(foreign) })).status,
    ).toBe(401);

    for (const bend of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const c = await toSecondFactor(t, user);
      const { result } = await answerPasskey(c.client, c.page, authenticator, bend);
      expect(result.status, JSON.stringify(bend)).toBe(401);
    }
    expect(reasons()).toHaveLength(5);
  });

  test('B19: a signature counter that did not grow is refused', async () => {
    const user = await createTestUser(t, { totp: true });
    const fresh = await signIn(t, {
      email: user.email,
      password: user.password,
      totpSecret: user.totpSecret,
    });
    const authenticator = new SoftAuthenticator(t.issuer);
    await registerPasskey(t, fresh.access_token, authenticator);
    const ok = await toSecondFactor(t, user);
    const { result } = await answerPasskey(ok.client, ok.page, authenticator, { counter: 5 });
    expect(result.status).toBe(303);
    for (const counter of [5, 3]) {
      const again = await toSecondFactor(t, user);
      const refused = await answerPasskey(again.client, again.page, authenticator, { counter });
      expect(refused.result.status, `counter ${counter}`).toBe(401);
    }
    expect(
      t.logs.filter((line) => line.includes(user.id) && /mfa_failed.*"reason":"counter"/.test(line)),
    ).toHaveLength(2);
  });

  test("B19: another user's credential is refused, even when it signs correctly", async () => {
    const alice = await createTestUser(t, { totp: true });
    const mallory = await createTestUser(t, { totp: true });
    const aliceKey = new SoftAuthenticator(t.issuer);
    const malloryKey = new SoftAuthenticator(t.issuer);
    for (const [who, key] of [
      [alice, aliceKey],
      [mallory, malloryKey],
    ] as const) {
      const fresh = await signIn(t, { email: who.email, password: who.password, totpSecret: who.totpSecret });
      expect((await registerPasskey(t, fresh.access_token, key)).status).toBe(201);
    }
    const { client, page } = await toSecondFactor(t, alice);
    const [malloryCredential] = malloryKey.credentials.keys();
    const { result } = await answerPasskey(client, page, malloryKey, { credentialId: malloryCredential });
    expect(result.status).toBe(401);
    expect(t.logs.join('\n')).toMatch(/sign_in\.mfa_failed.*unknown_credential/);
  });

  test('B11/B19: removing a passkey needs a fresh second factor; the last factor of an account that must have MFA stays', async () => {
    const user = await createTestUser(t);
    const signedIn = await signIn(t, { email: user.email, password: user.password });
    const authenticator = new SoftAuthenticator(t.issuer);
    expect((await registerPasskey(t, signedIn.access_token, authenticator)).status).toBe(201);
    const [id] = authenticator.credentials.keys();
    // The token predates the passkey and carries no MFA: step-up first.
    const stale = await callApi(t, 'DELETE', `/me/passkeys/${id}`, { token: signedIn.access_token });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toContain('insufficient_user_authentication');

    const { client, page, started } = await toSecondFactor(t, user, ACR_MFA);
    expect(page.body).not.toContain('name="code"');
    const { result } = await answerPasskey(client, page, authenticator);
    const redirect = await client.continue(result, isRedirectUri);
    const fresh = await exchangeCode(t, await discover(t.issuer), redirect.location as string, started);
    expect(fresh.claims.acr).toBe(ACR_MFA);

    await t.context.repos.users.setRequireMfa(user.id, true);
    const last = await callApi(t, 'DELETE', `/me/passkeys/${id}`, { token: fresh.access_token });
    expect(last.status).toBe(409);
    expect(last.json).toMatchObject({ code: 'last_factor' });
    await t.context.repos.users.setRequireMfa(user.id, false);

    const renamed = await callApi(t, 'PATCH', `/me/passkeys/${id}`, {
      token: fresh.access_token,
      body: { name: 'Desk key' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: 'Desk key' });
    expect((await callApi(t, 'DELETE', `/me/passkeys/${id}`, { token: fresh.access_token })).status).toBe(
      204,
    );
    expect((await callApi(t, 'DELETE', `/me/passkeys/${id}`, { token: fresh.access_token })).status).toBe(
      404,
    );
  });

  test('B21: passkeys per user are limited; at the limit the list still answers 200', async () => {
    const user = await createTestUser(t);
    const { access_token } = await signIn(t, { email: user.email, password: user.password });
    const authenticator = new SoftAuthenticator(t.issuer);
    expect((await registerPasskey(t, access_token, authenticator)).status).toBe(201);
    const [template] = await t.context.repos.passkeys.list(user.id);
    if (!template) throw new Error('no passkey stored');
    for (let n = 1; n < MAX_PASSKEYS_PER_USER; n++) {
      expect(
        await t.context.repos.passkeys.insert(
          { ...template, id: `${template.id}x${n}` },
          MAX_PASSKEYS_PER_USER,
        ),
      ).toBe('ok');
    }
    expect(
      await t.context.repos.passkeys.insert({ ...template, id: `${template.id}over` }, MAX_PASSKEYS_PER_USER),
    ).toBe('limit');
    // Now the account has a factor: a fresh one first (the stale token is sent to step-up) …
    expect((await callApi(t, 'POST', '/me/passkeys/registrations', { token: access_token })).status).toBe(
      401,
    );
    const { client, page, started } = await toSecondFactor(t, user, ACR_MFA);
    const { result } = await answerPasskey(client, page, authenticator);
    const redirect = await client.continue(result, isRedirectUri);
    const fresh = await exchangeCode(t, await discover(t.issuer), redirect.location as string, started);
    // … and then one more is refused with a clear 409.
    const full = await callApi(t, 'POST', '/me/passkeys/registrations', { token: fresh.access_token });
    expect(full.status).toBe(409);
    expect(full.json).toMatchObject({ code: 'collection_limit' });
    const list = await callApi(t, 'GET', '/me/passkeys', { token: access_token });
    expect(list.status).toBe(200);
    expect((list.json as { passkeys: unknown[] }).passkeys).toHaveLength(MAX_PASSKEYS_PER_USER);
  });

  test('passkey-only sign-in is off by default: the email page offers none and the step is refused', async () => {
    const started = await buildAuthorizationUrl(t);
    const client = new HttpClient();
    const page = await client.continue(await client.get(started.url));
    expect(page.body).not.toContain('passkey-data');
    expect(page.headers.get('content-security-policy')).not.toContain('script-src');
  });

  test('the passkey scripts are served from the portal itself', async () => {
    for (const script of ['/assets/webauthn-browser.js', '/assets/passkey.js']) {
      const answer = await fetch(`${t.issuer}${script}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('javascript');
      expect((await answer.text()).length).toBeGreaterThan(500);
    }
  });

  test('alice (demo) still signs in with her code: the TOTP path is unchanged', async () => {
    const signed = await signInAliceWithMfa(t);
    expect(signed.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});

describe('passkeys with user verification required and passkey-only sign-in on', () => {
  let t: TestPortal;
  const config: ConfigOverrides = {
    host: 'localhost',
    passkeyUserVerification: 'required',
    passkeySignIn: true,
  };
  beforeAll(async () => {
    t = await startTestPortal({ config });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('B19: user verification is enforced when configured, at registration and at sign-in', async () => {
    const user = await createTestUser(t, { totp: true });
    const fresh = await signIn(t, {
      email: user.email,
      password: user.password,
      totpSecret: user.totpSecret,
    });
    const authenticator = new SoftAuthenticator(t.issuer);
    const refused = await registerPasskey(t, fresh.access_token, authenticator, {
      bend: { userVerified: false },
    });
    expect(refused.status).toBe(400);
    expect((await registerPasskey(t, fresh.access_token, authenticator)).status).toBe(201);
    authenticator.credentials.delete([...authenticator.credentials.keys()][0] as string);
    const { client, page } = await toSecondFactor(t, user);
    const data = passkeyDataOn(page.body);
    expect(data.options.userVerification).toBe('required');
    const { result } = await answerPasskey(client, page, authenticator, { userVerified: false });
    expect(result.status).toBe(401);
  });

  test('B19: a passkey alone signs in (acr MFA, amr without pwd); a user handle naming someone else is refused', async () => {
    const user = await createTestUser(t, { totp: true });
    const fresh = await signIn(t, {
      email: user.email,
      password: user.password,
      totpSecret: user.totpSecret,
    });
    const authenticator = new SoftAuthenticator(t.issuer, { backupEligible: true });
    expect((await registerPasskey(t, fresh.access_token, authenticator)).status).toBe(201);

    const other = await createTestUser(t);
    const mismatch = await (async () => {
      const started = await buildAuthorizationUrl(t);
      const client = new HttpClient();
      const page = await client.continue(await client.get(started.url));
      return answerPasskey(
        client,
        page,
        authenticator,
        { userHandle: Buffer.from(other.id).toString('base64url') },
        'passkey-sign-in',
      );
    })();
    expect(mismatch.result.status).toBe(400);

    const started = await buildAuthorizationUrl(t);
    const client = new HttpClient();
    const page = await client.continue(await client.get(started.url));
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const data = passkeyDataOn(page.body);
    expect(data.options.allowCredentials ?? []).toEqual([]);
    const { result } = await answerPasskey(client, page, authenticator, {}, 'passkey-sign-in');
    const claims = await claimsAfter(t, client, result, started);
    expect(claims.sub).toBe(user.id);
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.amr).toEqual(['swk', 'user', 'mfa']);
  });
});

describe('passkeys on a portal addressed by IP', () => {
  test('an IP-address issuer offers no passkeys (WebAuthn refuses an IP as the RP ID) and says so in the list', async () => {
    const t = await startTestPortal();
    try {
      const user = await createTestUser(t);
      const { access_token } = await signIn(t, { email: user.email, password: user.password });
      const list = await callApi(t, 'GET', '/me/passkeys', { token: access_token });
      expect(list.json).toMatchObject({ allowed: false, passkeys: [] });
      const refused = await callApi(t, 'POST', '/me/passkeys/registrations', { token: access_token });
      expect(refused.status).toBe(409);
      expect(refused.json).toMatchObject({ code: 'passkeys_disabled' });
    } finally {
      await t.close();
    }
  });
});
