/**
 * Integration: password change (B11 step-up, policy, B4 revocation), the
 * unauthenticated policy, and self-service reset by mail (B18, B4) with the
 * `/reset-password` page (CSRF, framing, B12).
 */

import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordPolicySchema, problemSchema } from '../../../contract/schemas.ts';
import {
  callApi,
  findResetLink,
  readMails,
  signInAliceWithMfa,
  signInBeforeAuthenticator,
  signInWithPassword,
  waitFor,
} from '../api-helpers.ts';
import { column, exec } from '../db-helpers.ts';
import { HttpClient, parseForms } from '../http.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';
import { refresh, SignInFlowError, signIn } from '../sign-in.ts';

let t: TestPortal;

beforeAll(async () => {
  t = await startTestPortal();
});
afterAll(() => t?.close());

async function expectInvalidGrant(refreshToken: string) {
  const response = await refresh(t, refreshToken);
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
}

describe('GET /password-policy', () => {
  it('is public and describes the policy', async () => {
    const answer = await callApi(t, 'GET', '/password-policy');
    expect(answer.status).toBe(200);
    const policy = passwordPolicySchema.parse(answer.json);
    expect(policy.minLength).toBeGreaterThanOrEqual(8);
    expect(policy.maxLength).toBeGreaterThanOrEqual(64);
  });
});

describe('POST /me/password', () => {
  it('B11: a password-only or stale token gets the step-up challenge (alice has an authenticator)', async () => {
    const passwordOnly = await signInBeforeAuthenticator(t);
    const body = { currentPassword: 'alice-demo-password', newPassword: 'a completely new passphrase' };
    const answer = await callApi(t, 'POST', '/me/password', {
      token: passwordOnly.access_token,
      body,
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(
      /^Bearer error="insufficient_user_authentication", error_description="[^"\\]+", acr_values="urn:portal-launcher:acr:mfa", max_age=300$/,
    );
    const mfa = await signInAliceWithMfa(t);
    t.clock.advance(301_000);
    const stale = await callApi(t, 'POST', '/me/password', { token: mfa.access_token, body });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toContain('max_age=300');
    t.clock.advance(-301_000);
  });

  it('a wrong current password and policy violations are 422 problems listing what is wrong', async () => {
    const bob = await signInWithPassword(t, 'bob');
    const wrong = await callApi(t, 'POST', '/me/password', {
      token: bob.access_token,
      body: { currentPassword: 'not it', newPassword: 'a completely new passphrase' },
    });
    expect(problemSchema.parse(wrong.json)).toMatchObject({ status: 422, code: 'wrong_password' });
    const weak = await callApi(t, 'POST', '/me/password', {
      token: bob.access_token,
      body: { currentPassword: 'bob-demo-password', newPassword: 'short' },
    });
    const problem = problemSchema.parse(weak.json);
    expect(problem).toMatchObject({ status: 422, code: 'password_policy' });
    expect(problem.errors?.newPassword).toMatch(/characters/);
    expect(problem.rules).toEqual(['min_length']);
    const common = await callApi(t, 'POST', '/me/password', {
      token: bob.access_token,
      body: { currentPassword: 'bob-demo-password', newPassword: 'password123' },
    });
    expect(problemSchema.parse(common.json)).toMatchObject({ code: 'password_policy', rules: ['common'] });
    // Each rule with its own sentence, as a list: a client never has to split the joined text.
    expect(problemSchema.parse(common.json).violations).toEqual([
      { rule: 'common', message: 'This password is too common. Choose something harder to guess.' },
    ]);
    const ownEmail = await callApi(t, 'POST', '/me/password', {
      token: bob.access_token,
      body: { currentPassword: 'bob-demo-password', newPassword: 'BOB@example.com' },
    });
    expect(problemSchema.parse(ownEmail.json)).toMatchObject({ code: 'password_policy', rules: ['email'] });
  });

  it('B4: a change ends every other session and every refresh token of the user', async () => {
    const other = await signInWithPassword(t, 'bob');
    const current = await signInWithPassword(t, 'bob');
    const answer = await callApi(t, 'POST', '/me/password', {
      token: current.access_token,
      body: { currentPassword: 'bob-demo-password', newPassword: 'correct horse battery staple 42' },
    });
    expect(answer.status).toBe(204);
    await expectInvalidGrant(other.refresh_token);
    await expectInvalidGrant(current.refresh_token);
    // The access tokens issued under those grants stop at once, not after their lifetime.
    expect((await callApi(t, 'GET', '/me', { token: other.access_token })).status).toBe(401);
    // The old password no longer signs in; the new one does.
    await expect(
      signIn(t, { email: 'bob@example.com', password: 'bob-demo-password' }),
    ).rejects.toBeInstanceOf(SignInFlowError);
    const again = await signIn(t, {
      email: 'bob@example.com',
      password: 'correct horse battery staple 42',
    });
    expect(again.access_token).toBeTruthy();
    const [audit] = await column(
      t.context.db,
      sql`SELECT COUNT(*) FROM audit_log WHERE event = 'account.password_changed'`,
    );
    expect(audit).toBeGreaterThanOrEqual(1);
  });
});

describe('password reset', () => {
  it('B18: the same 202 and body for a known and an unknown address; only the known one gets mail', async () => {
    const before = readMails(t.dataDir).length;
    const known = await callApi(t, 'POST', '/password-reset', {
      body: { email: 'alice@example.com' },
    });
    const unknown = await callApi(t, 'POST', '/password-reset', {
      body: { email: 'nobody@example.com' },
    });
    const invalid = await callApi(t, 'POST', '/password-reset', { body: { email: 'not an address' } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(invalid.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    expect(invalid.text).toBe(known.text);
    expect([...unknown.headers.keys()].sort()).toEqual([...known.headers.keys()].sort());
    const link = await waitFor(() => findResetLink(t.dataDir, 'alice@example.com'));
    expect(link.startsWith(`${t.issuer}/reset-password?token=`)).toBe(true);
    expect(readMails(t.dataDir).length).toBe(before + 1);
  });

  it('requests are throttled per address, silently (still 202, no more mail)', async () => {
    await waitFor(() => findResetLink(t.dataDir, 'alice@example.com'));
    const count = () =>
      readMails(t.dataDir).filter((mail) => /^To: .*alice@example\.com/im.test(mail)).length;
    const start = count();
    for (let i = 0; i < 5; i++) {
      expect(
        (await callApi(t, 'POST', '/password-reset', { body: { email: 'ALICE@example.com' } })).status,
      ).toBe(202);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    // 3 per 15 minutes in total, and one was sent by the previous test.
    expect(count() - start).toBe(2);
  });

  it('B4: the mailed link sets a new password once, and ends every session and refresh token', async () => {
    t.clock.advance(16 * 60_000);
    const signedIn = await signInAliceWithMfa(t);
    const before = readMails(t.dataDir).length;
    await callApi(t, 'POST', '/password-reset', { body: { email: 'alice@example.com' } });
    await waitFor(() => (readMails(t.dataDir).length > before ? true : undefined));
    const link = findResetLink(t.dataDir, 'alice@example.com') as string;

    const browser = new HttpClient();
    const page = await browser.get(link);
    expect(page.status).toBe(200);
    // B12 and friends: never framed, never cached, never leaking the token in a Referer to
    // another site (same-origin, so the page's own POST carries a real Origin to check).
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.body).toContain('autocomplete="new-password"');
    expect(page.body).toMatch(/At least \d+ characters/);
    const form = parseForms(page.body, link)[0];
    if (!form) throw new Error('no form on the reset page');

    // Without the CSRF cookie (another browser), the same fields are refused.
    const forged = await new HttpClient().postForm(form.action, {
      ...form.fields,
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    });
    expect(forged.status).toBe(403);
    // A policy violation re-renders the form with the reasons.
    const weak = await browser.postForm(form.action, {
      ...form.fields,
      password: 'password',
      confirm: 'password',
    });
    expect(weak.status).toBe(422);
    expect(weak.body).toContain('role="alert"');
    const retry = parseForms(weak.body, link)[0];
    if (!retry) throw new Error('no form after a policy violation');
    const done = await browser.postForm(retry.action, {
      ...retry.fields,
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Password changed');

    await expectInvalidGrant(signedIn.refresh_token);
    // B17: the reset token appears in no log line and no audit row.
    const token = new URL(link).searchParams.get('token') as string;
    const auditRows = await exec(t.context.db, sql`SELECT * FROM audit_log`);
    expect(`${t.logs.join('\n')}${JSON.stringify(auditRows)}`).not.toContain(token);
    // Single use: the link is dead now.
    expect((await browser.get(link)).status).toBe(410);
    const replay = await browser.postForm(retry.action, {
      ...retry.fields,
      password: 'x another passphrase',
      confirm: 'x another passphrase',
    });
    expect(replay.status).toBe(410);
    // The new password signs in.
    const fresh = await signIn(t, {
      email: 'alice@example.com',
      password: 'a brand new passphrase',
      // The code at the portal's clock (this file moves it forward).
      totp: new OTPAuth.TOTP({
        secret: OTPAuth.Secret.fromBase32(t.demo?.alice.totpSecret as string),
      }).generate({ timestamp: t.clock.now() }),
    });
    expect(fresh.pages).toEqual(['email', 'password', 'second-factor']);
    expect(fresh.access_token).toBeTruthy();
  });

  it('links expire after 30 minutes, and the request form answers the same for every address', async () => {
    const browser = new HttpClient();
    const page = await browser.get(`${t.issuer}/reset-password`);
    expect(page.status).toBe(200);
    const form = parseForms(page.body, page.url)[0];
    if (!form) throw new Error('no form');
    const known = await browser.postForm(form.action, { ...form.fields, email: 'bob@example.com' });
    const unknown = await browser.postForm(form.action, { ...form.fields, email: 'ghost@example.com' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toBe(known.body);

    const link = await waitFor(() => findResetLink(t.dataDir, 'bob@example.com'));
    t.clock.advance(31 * 60_000);
    expect((await browser.get(link)).status).toBe(410);
  });
});

describe('wrong current passwords', () => {
  it('B9: count toward the account lockout, so a stolen token cannot guess the password through the API', async () => {
    const strict = await startTestPortal({ config: { lockout: { maxFailures: 3 } } });
    try {
      const bob = await signInWithPassword(strict, 'bob');
      const attempt = (currentPassword: string) =>
        callApi(strict, 'POST', '/me/password', {
          token: bob.access_token,
          body: { currentPassword, newPassword: 'correct horse battery staple 42' },
        });
      for (let i = 0; i < 3; i++) expect((await attempt(`guess ${i}`)).status).toBe(422);
      // Locked now: even the right password is refused until the wait is over.
      const locked = await attempt('bob-demo-password');
      expect(problemSchema.parse(locked.json)).toMatchObject({ status: 429, code: 'too_many_attempts' });
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      strict.clock.advance(2 * 60_000);
      expect((await attempt('bob-demo-password')).status).toBe(204);
    } finally {
      await strict.close();
    }
  });
});
