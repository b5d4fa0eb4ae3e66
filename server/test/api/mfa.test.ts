/**
 * Integration: TOTP enrollment through the API (B11): a new secret is
 * inactive until confirmed; confirmation yields recovery codes once; changes
 * to an active authenticator need a fresh second factor.
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../../contract/constants.ts';
import {
  mfaStatusSchema,
  problemSchema,
  recoveryCodesSchema,
  totpEnrollmentSchema,
} from '../../../contract/schemas.ts';
import {
  callApi,
  signInAliceWithMfa,
  signInBeforeAuthenticator,
  signInWithPassword,
} from '../api-helpers.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';
import { signIn } from '../sign-in.ts';

let t: TestPortal;

beforeAll(async () => {
  t = await startTestPortal();
});
afterAll(() => t?.close());

const codeAt = (secret: string, timestamp: number) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp });

describe('TOTP enrollment', () => {
  it('B11: an unconfirmed enrollment is inactive; the confirming code activates it and shows recovery codes once', async () => {
    const bob = await signInWithPassword(t, 'bob');
    const status0 = mfaStatusSchema.parse(
      (await callApi(t, 'GET', '/me/mfa', { token: bob.access_token })).json,
    );
    expect(status0.totp).toEqual({ enabled: false, pending: false, enrolledAt: null });

    const started = await callApi(t, 'POST', '/me/mfa/totp', { token: bob.access_token });
    expect(started.status).toBe(201);
    const enrollment = totpEnrollmentSchema.parse(started.json);
    expect(enrollment.otpauthUri).toContain(`secret=${enrollment.secret}`);
    expect(Buffer.from(OTPAuth.Secret.fromBase32(enrollment.secret).bytes).length).toBeGreaterThanOrEqual(20);

    const pending = mfaStatusSchema.parse(
      (await callApi(t, 'GET', '/me/mfa', { token: bob.access_token })).json,
    );
    expect(pending.totp).toMatchObject({ enabled: false, pending: true });
    // Pending is inactive: signing in asks for no second factor, and /me says no MFA.
    const again = await signInWithPassword(t, 'bob');
    expect(again.pages).not.toContain('second-factor');
    expect(meTotp(await callApi(t, 'GET', '/me', { token: again.access_token }))).toBe(false);

    const wrong = await callApi(t, 'POST', '/me/mfa/totp/confirm', {
      token: bob.access_token,
      body: { code: codeAt(enrollment.secret, t.clock.now() - 10 * 60_000) },
    });
    expect(wrong.status).toBe(422);
    expect(problemSchema.parse(wrong.json)).toMatchObject({ code: 'invalid_code' });
    const malformed = await callApi(t, 'POST', '/me/mfa/totp/confirm', {
      token: bob.access_token,
      body: { code: '12ab56' },
    });
    expect(problemSchema.parse(malformed.json)).toMatchObject({ status: 422, code: 'validation_failed' });

    const confirmed = await callApi(t, 'POST', '/me/mfa/totp/confirm', {
      token: bob.access_token,
      body: { code: codeAt(enrollment.secret, t.clock.now()) },
    });
    expect(confirmed.status).toBe(200);
    const { recoveryCodes } = recoveryCodesSchema.parse(confirmed.json);
    expect(new Set(recoveryCodes).size).toBe(10);

    const active = mfaStatusSchema.parse(
      (await callApi(t, 'GET', '/me/mfa', { token: bob.access_token })).json,
    );
    expect(active).toMatchObject({ totp: { enabled: true, pending: false }, recoveryCodesRemaining: 10 });

    // Active now: an MFA sign-in asks for the code, and a recovery code works.
    const mfa = await signIn(t, {
      email: 'bob@example.com',
      password: t.demo?.bob.password as string,
      acrValues: ACR_MFA,
      totp: recoveryCodes[0],
    });
    expect(mfa.pages).toContain('second-factor');
    expect(mfa.claims.acr).toBe(ACR_MFA);
  });

  it('B11: replacing, removing or regenerating codes for an active authenticator needs a fresh second factor', async () => {
    const stale = await signInBeforeAuthenticator(t);
    for (const [method, path] of [
      ['POST', '/me/mfa/totp'],
      ['DELETE', '/me/mfa/totp'],
      ['POST', '/me/mfa/recovery-codes'],
    ] as const) {
      const answer = await callApi(t, method, path, { token: stale.access_token });
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(answer.headers.get('www-authenticate'), `${method} ${path}`).toMatch(
        /^Bearer error="insufficient_user_authentication", error_description="[^"\\]+", acr_values="urn:portal-launcher:acr:mfa", max_age=300$/,
      );
    }
    const fresh = await signInAliceWithMfa(t);
    // Replacing needs removal first (a clear 409, after the step-up passed).
    const replace = await callApi(t, 'POST', '/me/mfa/totp', { token: fresh.access_token });
    expect(problemSchema.parse(replace.json)).toMatchObject({ status: 409, code: 'totp_already_enabled' });
    const codes = await callApi(t, 'POST', '/me/mfa/recovery-codes', { token: fresh.access_token });
    expect(recoveryCodesSchema.parse(codes.json).recoveryCodes).toHaveLength(10);
    expect((await callApi(t, 'DELETE', '/me/mfa/totp', { token: fresh.access_token })).status).toBe(204);
    const status = mfaStatusSchema.parse(
      (await callApi(t, 'GET', '/me/mfa', { token: fresh.access_token })).json,
    );
    expect(status.totp.enabled).toBe(false);
    const nothing = await callApi(t, 'DELETE', '/me/mfa/totp', { token: fresh.access_token });
    expect(problemSchema.parse(nothing.json)).toMatchObject({ status: 409, code: 'totp_not_enabled' });
  });
});

function meTotp(answer: { json: unknown }): boolean {
  return (answer.json as { mfa: { totp: boolean } }).mfa.totp;
}
