/**
 * The sign-in pages: email → password → second factor, step-up, MFA
 * enforcement (B7), lockout (B9), no enumeration (B18), page accessibility
 * and CSRF — through real HTTP with a cookie jar.
 */
import * as jose from 'jose';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA, ACR_PASSWORD, CHROME_REDIRECT_URI } from '../../contract/constants.ts';
import { MESSAGES } from '../src/oidc/interactions.ts';
import { unlockAccount } from '../src/services/lockout.ts';
import { enrollConfirmedTotp, generateTotpSecret, regenerateRecoveryCodes } from '../src/services/totp.ts';
import { HttpClient, type HttpResult, parseForms } from './http.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { buildAuthorizationUrl, pageKind, SignInFlowError, signIn } from './sign-in.ts';

const isRedirectUri = (location: string) => location.startsWith(CHROME_REDIRECT_URI);

/** The error text in the page's alert region. */
function alertText(page: HttpResult): string {
  return (
    /<div id="form-error"[^>]*>([\s\S]*?)<\/div>/.exec(page.body)?.[1]?.replace(/&#39;/g, "'").trim() ?? ''
  );
}

/** Opens a fresh authorization request in `client` and returns the first page. */
async function openSignIn(
  portal: TestPortal,
  client: HttpClient,
  options: Parameters<typeof buildAuthorizationUrl>[1] = {},
) {
  const started = await buildAuthorizationUrl(portal, options);
  return client.follow(started.url, isRedirectUri);
}

/** Submits the single form of `page` whose action ends with `/{step}`. */
async function submit(client: HttpClient, page: HttpResult, step: string, fields: Record<string, string>) {
  const form = parseForms(page.body, page.url).find((f) => f.action.endsWith(`/${step}`));
  if (!form) throw new Error(`no ${step} form on the page (${pageKind(page)})`);
  return client.continue(await client.postForm(form.action, { ...form.fields, ...fields }), isRedirectUri);
}

const currentCode = (secret: string, offsetSteps = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

/**
 * A password-only session of a user who then set up an authenticator (in the security
 * centre): the one way a session below MFA meets a user with a second factor, since a
 * user who has one gives it at every sign-in.
 */
async function passwordSessionThenAuthenticator(portal: TestPortal, assign: string[] = []) {
  const user = await createTestUser(portal, { assign });
  const first = await signIn(portal, { email: user.email, password: user.password });
  expect(first.pages).toEqual(['email', 'password']);
  expect(first.claims.acr).toBe(ACR_PASSWORD);
  expect(first.claims.amr).toEqual(['pwd']);
  const totpSecret = generateTotpSecret();
  await enrollConfirmedTotp(portal.context, user.id, totpSecret);
  return { user: { ...user, totpSecret }, first };
}

describe('sign-in pages', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal();
  });
  afterAll(() => portal.close());

  it('alice signs in with password and TOTP, and the tokens say MFA (acr, amr, auth_time)', async () => {
    const alice = portal.demo?.alice;
    if (!alice) throw new Error('no demo');
    const before = Math.floor(Date.now() / 1000);
    const result = await signIn(portal, { ...alice, acrValues: ACR_MFA });
    expect(result.pages).toEqual(['email', 'password', 'second-factor']);
    expect(result.claims.acr).toBe(ACR_MFA);
    expect(result.claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(result.claims.auth_time).toBeGreaterThanOrEqual(before);
    const at = jose.decodeJwt(result.access_token);
    expect(at.acr).toBe(ACR_MFA);
    expect(at.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(at.auth_time).toBe(result.claims.auth_time);
  });

  it('B7: a password-only session asked for MFA gets the second-factor page only, then acr MFA', async () => {
    const { user: alice, first } = await passwordSessionThenAuthenticator(portal);
    const stepUp = await signIn(portal, { ...alice, client: first.client, acrValues: ACR_MFA, maxAge: 300 });
    expect(stepUp.pages).toEqual(['second-factor']);
    expect(stepUp.claims.acr).toBe(ACR_MFA);
    expect(stepUp.claims.sub).toBe(first.claims.sub);
    expect(stepUp.claims.auth_time).toBeGreaterThanOrEqual(first.claims.auth_time as number);
  });

  it('B7: an essential acr claim (claims parameter) is enforced too', async () => {
    const { user: alice, first } = await passwordSessionThenAuthenticator(portal);
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: [ACR_MFA] } } });
    const stepUp = await signIn(portal, { ...alice, client: first.client, extraParams: { claims } });
    expect(stepUp.pages).toEqual(['second-factor']);
    expect(stepUp.claims.acr).toBe(ACR_MFA);
  });

  it('B7: max_age exceeded after an MFA session asks for the second factor only', async () => {
    const alice = await createTestUser(portal, { totp: true });
    const first = await signIn(portal, { ...alice, acrValues: ACR_MFA });
    const fresh = await signIn(portal, { ...alice, client: first.client, maxAge: 60 });
    expect(fresh.pages).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const again = await signIn(portal, {
      email: alice.email,
      password: alice.password,
      client: first.client,
      maxAge: 1,
    }).catch((error: unknown) => error);
    // Without a code the flow stops at the second-factor page: the portal asked for it (and only for it).
    expect(again).toBeInstanceOf(SignInFlowError);
    expect(pageKind((again as SignInFlowError).last)).toBe('second-factor');
  });

  it('B7: prompt=login on an MFA session asks for the password and then the second factor', async () => {
    const alice = await createTestUser(portal, { totp: true });
    const first = await signIn(portal, { ...alice, acrValues: ACR_MFA });
    const page = await openSignIn(portal, first.client, { extraParams: { prompt: 'login' } });
    expect(pageKind(page)).toBe('password');
    const next = await submit(first.client, page, 'password', { password: alice.password });
    expect(pageKind(next)).toBe('second-factor');
  });

  it('B7: the step-up page names the app that asked (launch_app)', async () => {
    const { first } = await passwordSessionThenAuthenticator(portal, ['payroll']);
    const page = await openSignIn(portal, first.client, {
      acrValues: ACR_MFA,
      extraParams: { launch_app: 'payroll' },
    });
    expect(pageKind(page)).toBe('second-factor');
    expect(page.body).toContain('<h1>Verify it&#39;s you to open Payroll</h1>');
  });

  it('B8: the same TOTP code submitted concurrently from two sign-ins is accepted exactly once', async () => {
    const user = await createTestUser(portal, { totp: true });
    const atSecondFactor = async () => {
      const client = new HttpClient();
      let page = await openSignIn(portal, client, { acrValues: ACR_MFA });
      page = await submit(client, page, 'email', { email: user.email });
      page = await submit(client, page, 'password', { password: user.password });
      expect(pageKind(page)).toBe('second-factor');
      return { client, page };
    };
    const [a, b] = await Promise.all([atSecondFactor(), atSecondFactor()]);
    const code = currentCode(user.totpSecret);
    const results = await Promise.all([
      submit(a.client, a.page, 'second-factor', { code }),
      submit(b.client, b.page, 'second-factor', { code }),
    ]);
    const succeeded = results.filter((r) => r.location && isRedirectUri(r.location));
    expect(succeeded).toHaveLength(1);
    const refused = results.find((r) => !r.location);
    expect(alertText(refused as HttpResult)).toBe(MESSAGES.badCode);
  });

  it('a recovery code works once instead of a TOTP code', async () => {
    const alice = await createTestUser(portal, { totp: true });
    const { recoveryCodes } = await regenerateRecoveryCodes(portal.context, alice.id);
    const code = recoveryCodes[0] as string;
    const ok = await signIn(portal, {
      email: alice.email,
      password: alice.password,
      totp: code,
      acrValues: ACR_MFA,
    });
    expect(ok.claims.acr).toBe(ACR_MFA);
    const again = await signIn(portal, {
      email: alice.email,
      password: alice.password,
      totp: code,
      acrValues: ACR_MFA,
    }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(SignInFlowError);
    expect(alertText((again as SignInFlowError).last)).toBe(MESSAGES.badCode);
  });

  it('pages are accessible: labels, autocomplete, autofocus, alert region linked by aria-describedby', async () => {
    const client = new HttpClient();
    const email = await openSignIn(portal, client);
    expect(email.body).toMatch(/<label for="email">/);
    expect(email.body).toMatch(
      /<input id="email" name="email" type="email"[^>]* autocomplete="username"[^>]* autofocus/,
    );
    expect(email.body).toContain('<html lang="en" dir="ltr">');
    const password = await submit(client, email, 'email', { email: 'bob@example.com' });
    expect(password.body).toMatch(/<label for="password">/);
    expect(password.body).toMatch(/autocomplete="current-password"[^>]* autofocus/);
    expect(password.body).toContain('href="/reset-password">Forgot password?</a>');
    const wrong = await submit(client, password, 'password', { password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatch(/id="form-error" class="alert" role="alert"/);
    expect(wrong.body).toMatch(/<input id="password"[^>]*aria-invalid="true" aria-describedby="form-error"/);
    expect(alertText(wrong)).toBe(MESSAGES.badCredentials);
  });

  it('forms without the per-interaction CSRF token are refused', async () => {
    const client = new HttpClient();
    const page = await openSignIn(portal, client);
    const form = parseForms(page.body, page.url).find((f) => f.action.endsWith('/email'));
    const forged = await client.postForm(form?.action as string, {
      email: 'bob@example.com',
      csrf: 'forged',
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('x-frame-options')).toBe('DENY');
  });

  it('B12: every sign-in page is unframeable', async () => {
    const client = new HttpClient();
    const pages: HttpResult[] = [];
    let page = await openSignIn(portal, client, { acrValues: ACR_MFA });
    pages.push(page);
    page = await submit(client, page, 'email', { email: 'alice@example.com' });
    pages.push(page);
    page = await submit(client, page, 'password', { password: 'alice-demo-password' });
    pages.push(page);
    expect(pages.map(pageKind)).toEqual(['email', 'password', 'second-factor']);
    for (const p of pages) {
      expect(p.headers.get('x-frame-options')).toBe('DENY');
      expect(p.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });
});

describe('lockout and enumeration', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal({
      config: {
        lockout: {
          maxFailures: 3,
          maxFailuresPerAddress: 1000,
          waitIncrementSeconds: 60,
          maxWaitSeconds: 900,
        },
      },
    });
  });
  afterAll(() => portal.close());

  /** Password page for `email` in a fresh browser. */
  async function passwordPageFor(email: string) {
    const client = new HttpClient();
    const first = await openSignIn(portal, client);
    return { client, page: await submit(client, first, 'email', { email }) };
  }

  it('B9: the Nth failure locks; the correct password while locked gets the same answer as a wrong one', async () => {
    const { client, page } = await passwordPageFor('bob@example.com');
    const answers: HttpResult[] = [];
    for (let i = 0; i < 3; i++)
      answers.push(await submit(client, page, 'password', { password: `wrong-${i}` }));
    expect(alertText(answers[0] as HttpResult)).toBe(MESSAGES.badCredentials);
    expect(alertText(answers[1] as HttpResult)).toBe(MESSAGES.badCredentials);
    expect(alertText(answers[2] as HttpResult)).toBe(MESSAGES.locked);

    const right = await submit(client, page, 'password', { password: 'bob-demo-password' });
    const wrong = await submit(client, page, 'password', { password: 'still-wrong' });
    expect(right.status).toBe(wrong.status);
    expect(right.body).toBe(wrong.body);
    expect(alertText(right)).toBe(MESSAGES.locked);
    expect(right.location).toBeUndefined();

    const audit = (await portal.context.repos.audit.list()).map((entry) => entry.event);
    expect(audit).toContain('sign_in.locked');
  });

  it('B9: locked and wrong-password answers take the same time (argon2 work on every path)', async () => {
    const { client, page } = await passwordPageFor('bob@example.com');
    const time = async (password: string) => {
      const start = performance.now();
      await submit(client, page, 'password', { password });
      return performance.now() - start;
    };
    const right: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 8; i++) {
      right.push(await time('bob-demo-password'));
      wrong.push(await time(`wrong-${i}`));
    }
    // The fastest of each: a busy machine only ever adds time, so the minimum is what the
    // path itself costs (a median moved with the load of other processes and failed in CI).
    // A path that skipped argon2 would be faster by a whole hash.
    const fastest = (values: number[]) => Math.min(...values);
    const difference = Math.abs(fastest(right) - fastest(wrong));
    expect(difference).toBeLessThan(Math.max(15, 0.5 * Math.max(fastest(right), fastest(wrong))));
  });

  it('B9: admin unlock lets the right password in again', async () => {
    await unlockAccount(portal.context, 'bob@example.com');
    const result = await signIn(portal, { email: 'bob@example.com', password: 'bob-demo-password' });
    expect(result.claims.acr).toBe(ACR_PASSWORD);
  });

  it('B9: failed second-factor codes count towards the lock too', async () => {
    const client = new HttpClient();
    let page = await openSignIn(portal, client, { acrValues: ACR_MFA });
    page = await submit(client, page, 'email', { email: 'alice@example.com' });
    page = await submit(client, page, 'password', { password: 'alice-demo-password' });
    expect(pageKind(page)).toBe('second-factor');
    const answers: string[] = [];
    for (let i = 0; i < 3; i++)
      answers.push(alertText(await submit(client, page, 'second-factor', { code: '000000' })));
    expect(answers).toEqual([MESSAGES.badCode, MESSAGES.badCode, MESSAGES.locked]);
    const secret = portal.demo?.alice.totpSecret as string;
    const blocked = await submit(client, page, 'second-factor', { code: currentCode(secret) });
    expect(alertText(blocked)).toBe(MESSAGES.locked);
    await unlockAccount(portal.context, 'alice@example.com');
  });

  it('B18: an unknown account answers exactly like a known one with a wrong password, and locks the same way', async () => {
    const known = await passwordPageFor('alice@example.com');
    const unknown = await passwordPageFor('nobody-here@example.com');
    const normalize = (page: HttpResult) =>
      page.body
        .replace(/name="csrf" value="[^"]+"/g, '')
        .replace(/\/interaction\/[A-Za-z0-9_-]+/g, '/interaction/X')
        .replace(/(alice|nobody-here)@example\.com/g, 'EMAIL');
    expect(normalize(known.page)).toBe(normalize(unknown.page));
    const knownAnswers: HttpResult[] = [];
    const unknownAnswers: HttpResult[] = [];
    for (let i = 0; i < 4; i++) {
      knownAnswers.push(await submit(known.client, known.page, 'password', { password: `nope-${i}` }));
      unknownAnswers.push(await submit(unknown.client, unknown.page, 'password', { password: `nope-${i}` }));
    }
    for (let i = 0; i < 4; i++) {
      expect((unknownAnswers[i] as HttpResult).status).toBe((knownAnswers[i] as HttpResult).status);
      expect(normalize(unknownAnswers[i] as HttpResult)).toBe(normalize(knownAnswers[i] as HttpResult));
    }
    expect(alertText(unknownAnswers[3] as HttpResult)).toBe(MESSAGES.locked);
    await unlockAccount(portal.context, 'alice@example.com');
  });

  it('B9: the per-address counter locks an address that sprays many accounts', async () => {
    const spray = await startTestPortal({
      demoApps: false,
      config: { lockout: { maxFailures: 100, maxFailuresPerAddress: 4 } },
    });
    try {
      const answers: string[] = [];
      for (let i = 0; i < 5; i++) {
        const client = new HttpClient();
        const first = await openSignIn(spray, client);
        const page = await submit(client, first, 'email', { email: `user${i}@example.com` });
        answers.push(alertText(await submit(client, page, 'password', { password: 'guess' })));
      }
      expect(answers.slice(0, 3)).toEqual(Array(3).fill(MESSAGES.badCredentials));
      expect(answers[3]).toBe(MESSAGES.locked);
      expect(answers[4]).toBe(MESSAGES.locked);
      // bob never failed, but his sign-in from this address waits too.
      await expect(
        signIn(spray, { email: 'bob@example.com', password: 'bob-demo-password' }),
      ).rejects.toThrow(SignInFlowError);
    } finally {
      await spray.close();
    }
  });
});

describe('the second factor at every sign-in', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal({ demoApps: false });
  });
  afterAll(() => portal.close());

  it('B7: by default a user with TOTP gives the code at every sign-in (acr MFA, amr otp); one without signs in with the password', async () => {
    const alice = portal.demo?.alice;
    if (!alice) throw new Error('no demo');
    // No acr_values: the launcher's ordinary sign-in.
    const a = await signIn(portal, alice);
    expect(a.pages).toEqual(['email', 'password', 'second-factor']);
    expect(a.claims.acr).toBe(ACR_MFA);
    expect(a.claims.amr).toContain('otp');
    expect(jose.decodeJwt(a.access_token).amr).toContain('otp');
    const withoutCode = await signIn(portal, { email: alice.email, password: alice.password }).catch(
      (error: unknown) => error,
    );
    expect(withoutCode).toBeInstanceOf(SignInFlowError);
    expect(pageKind((withoutCode as SignInFlowError).last)).toBe('second-factor');
    const b = await signIn(portal, { email: 'bob@example.com', password: 'bob-demo-password' });
    expect(b.pages).toEqual(['email', 'password']);
    expect(b.claims.acr).toBe(ACR_PASSWORD);
  });
});

describe('PORTAL_MFA_AT_SIGN_IN=false (the admin asks for the second factor only where it is needed)', () => {
  let relaxed: TestPortal;
  beforeAll(async () => {
    relaxed = await startTestPortal({ config: { mfaAtSignIn: false } });
  });
  afterAll(async () => {
    await relaxed?.close();
  });

  it('B7: a user with TOTP signs in with the password alone (acr pwd), and an app asking for MFA still gets the code', async () => {
    const alice = relaxed.demo?.alice;
    if (!alice) throw new Error('no demo');
    const plain = await signIn(relaxed, { email: alice.email, password: alice.password });
    expect(plain.pages).toEqual(['email', 'password']);
    expect(plain.claims.acr).toBe(ACR_PASSWORD);
    const strong = await signIn(relaxed, { ...alice, acrValues: ACR_MFA });
    expect(strong.pages).toEqual(['email', 'password', 'second-factor']);
    expect(strong.claims.acr).toBe(ACR_MFA);
    expect(strong.claims.amr).toContain('otp');
  });
});
