/**
 * A passkey as the second factor set up during sign-in (issue 12; B11, B19):
 * a user who must have MFA and has none is offered, next to the authenticator
 * app, a passkey created right on the set-up page. The ceremony's challenge
 * is bound to the interaction and its user and used once; the sign-in then
 * completes with MFA and a passkey `amr`, and the next sign-in asks for that
 * passkey. Where passkeys are not allowed the page offers none and the step
 * is refused. The software authenticator signs for real (soft-authenticator.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { hasActiveTotp } from '../src/services/totp.ts';
import { en } from '../src/views/i18n/en.ts';
import { decodeEntities, HttpClient, type HttpResult, parseForms } from './http.ts';
import { answerPasskey, claimsAfter, isRedirectUri, toSecondFactor } from './passkey-helpers.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { buildAuthorizationUrl, pageKind } from './sign-in.ts';
import { passkeyDataOn, SoftAuthenticator } from './soft-authenticator.ts';

/** Posts `answer` (the authenticator's, to the page's ceremony or another) in the set-up page's passkey form. */
async function createOnPage(
  client: HttpClient,
  page: HttpResult,
  answer: Record<string, unknown>,
  name = 'Work laptop',
): Promise<HttpResult> {
  const form = parseForms(page.body, page.url).find((f) => f.action.endsWith('/enrol-passkey'));
  if (!form) throw new Error(`no passkey set-up form on the page (${pageKind(page)})`);
  return client.postForm(form.action, { ...form.fields, name, response: JSON.stringify(answer) });
}

function alertText(page: HttpResult): string {
  return decodeEntities(/<div id="form-error"[^>]*>([\s\S]*?)<\/div>/.exec(page.body)?.[1]?.trim() ?? '');
}

describe('passkey set-up during a sign-in that requires MFA (passkeys allowed)', () => {
  let t: TestPortal;
  beforeAll(async () => {
    // WebAuthn needs a host name: an IP address is no RP ID.
    t = await startTestPortal({ demoApps: false, config: { host: 'localhost', requireMfa: true } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const refusals = (userId: string) =>
    t.logs.filter((l) => l.includes(userId) && /mfa_enrolment_failed.*"factor":"passkey"/.test(l));

  test('B11/B19: a user who must have MFA and has none creates a passkey on the set-up page instead of the app; acr MFA, amr pwd + hwk; the next sign-in asks for it', async () => {
    const user = await createTestUser(t);
    const { client, page, started } = await toSecondFactor(t, user);
    // The authenticator app's set-up stays first; the passkey is offered next to it.
    expect(pageKind(page)).toBe('enrol');
    expect(page.body).toContain(en.passkey.enrolHeading);
    expect(page.body.indexOf('name="code"')).toBeLessThan(page.body.indexOf('passkey-button'));
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const data = passkeyDataOn(page.body);
    expect(data.mode).toBe('register');
    expect(data.options).toMatchObject({ rp: { id: 'localhost' }, user: { name: user.email } });

    const authenticator = new SoftAuthenticator(t.issuer);
    const result = await createOnPage(client, page, authenticator.register(data.options as never));
    // No recovery codes page: the sign-in goes straight on.
    expect(result.status).toBe(303);
    const claims = await claimsAfter(t, client, result, started);
    expect(claims.acr).toBe(ACR_MFA);
    expect(claims.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
    const stored = await t.context.repos.passkeys.list(user.id);
    expect(stored.map((p) => p.name)).toEqual(['Work laptop']);
    expect(await hasActiveTotp(t.context, user.id)).toBe(false);
    expect(t.logs.join('\n')).toMatch(new RegExp(`passkey\\.added.*${user.id}`));

    // The next sign-in asks for that passkey like any second factor.
    const next = await toSecondFactor(t, user);
    expect(pageKind(next.page)).toBe('passkey');
    const { result: used } = await answerPasskey(next.client, next.page, authenticator);
    expect((await claimsAfter(t, next.client, used, next.started)).amr).toEqual([
      'pwd',
      'hwk',
      'user',
      'mfa',
    ]);
  });

  test('B19: the set-up challenge is bound to its sign-in and used once: an answer to another sign-in, a wrong origin or RP ID, and a late answer are refused; nothing is stored until one passes', async () => {
    const user = await createTestUser(t);
    const authenticator = new SoftAuthenticator(t.issuer);
    const a = await toSecondFactor(t, user);
    const b = await toSecondFactor(t, user);
    const optionsA = passkeyDataOn(a.page.body).options;

    // An answer to sign-in A's challenge does not set up sign-in B.
    const foreign = await createOnPage(b.client, b.page, authenticator.register(optionsA as never));
    expect(foreign.status).toBe(400);
    expect(alertText(foreign)).toBe(en.passkey.addFailed);

    let page = a.page;
    for (const bend of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const refused = await createOnPage(
        a.client,
        page,
        authenticator.register(passkeyDataOn(page.body).options as never, bend),
      );
      expect(refused.status, JSON.stringify(bend)).toBe(400);
      page = refused;
    }
    // Each refusal showed the page again with a new challenge: the first one is gone, so a
    // sound answer to it is refused too.
    const late = await createOnPage(a.client, page, authenticator.register(optionsA as never));
    expect(late.status).toBe(400);
    expect(refusals(user.id)).toHaveLength(4);
    expect(await t.context.repos.passkeys.count(user.id)).toBe(0);

    const fresh = passkeyDataOn(late.body).options;
    expect(fresh.challenge).not.toBe(optionsA.challenge);
    const done = await createOnPage(a.client, late, authenticator.register(fresh as never));
    expect((await claimsAfter(t, a.client, done, a.started)).acr).toBe(ACR_MFA);
    expect(await t.context.repos.passkeys.count(user.id)).toBe(1);
  });

  test('B11: the step cannot be forged before the password, nor used by a user who already has a factor', async () => {
    const user = await createTestUser(t);
    const started = await buildAuthorizationUrl(t);
    const client = new HttpClient();
    const emailPage = await client.continue(await client.get(started.url), isRedirectUri);
    const form = parseForms(emailPage.body, emailPage.url)[0];
    if (!form) throw new Error('no form on the email page');
    const action = form.action.replace(/\/[a-z-]+$/, '/enrol-passkey');
    const authenticator = new SoftAuthenticator(t.issuer);
    const forged = await client.postForm(action, {
      csrf: form.fields.csrf ?? '',
      name: 'x',
      response: JSON.stringify(authenticator.register({ challenge: 'AAAA', rp: {}, user: { id: 'eA' } })),
    });
    expect(forged.status).toBe(409);
    expect(await t.context.repos.passkeys.count(user.id)).toBe(0);

    // A user with a factor gets the second-factor page, and the set-up step is refused.
    const withTotp = await createTestUser(t, { totp: true });
    const { client: c, page } = await toSecondFactor(t, withTotp);
    expect(pageKind(page)).toBe('second-factor');
    const secondFactorForm = parseForms(page.body, page.url)[0];
    if (!secondFactorForm) throw new Error('no form on the second-factor page');
    const refused = await c.postForm(secondFactorForm.action.replace(/\/[a-z-]+$/, '/enrol-passkey'), {
      csrf: secondFactorForm.fields.csrf ?? '',
      name: 'x',
      response: '{}',
    });
    expect(refused.status).toBe(409);
    expect(await t.context.repos.passkeys.count(withTotp.id)).toBe(0);
  });
});

describe('passkey set-up during sign-in where passkeys are not allowed', () => {
  test('B11: with PORTAL_MFA_FACTORS=totp the set-up page offers the authenticator app only, and the passkey step is refused', async () => {
    const t = await startTestPortal({
      demoApps: false,
      config: { host: 'localhost', requireMfa: true, mfaFactors: ['totp'] },
    });
    try {
      const user = await createTestUser(t);
      const { client, page } = await toSecondFactor(t, user);
      expect(pageKind(page)).toBe('enrol');
      expect(page.body).not.toContain('passkey-data');
      expect(page.headers.get('content-security-policy')).not.toContain('script-src');
      const form = parseForms(page.body, page.url)[0];
      if (!form) throw new Error('no form on the set-up page');
      const refused = await client.postForm(form.action.replace(/\/[a-z-]+$/, '/enrol-passkey'), {
        csrf: form.fields.csrf ?? '',
        name: 'x',
        response: '{}',
      });
      expect(refused.status).toBe(409);
    } finally {
      await t.close();
    }
  });
});
