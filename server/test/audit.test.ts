/**
 * B17: the audit log records sign-ins, failures, lockouts, step-ups, launches
 * and security changes — and no password, code or token ever reaches the
 * log lines or the audit rows.
 */

import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { createLaunchTicket } from '../src/services/launch.ts';
import { confirmTotpEnrollment, MfaError, startTotpEnrollment } from '../src/services/totp.ts';
import { exec } from './db-helpers.ts';
import { HttpClient, parseForms } from './http.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { buildAuthorizationUrl, refresh, SignInFlowError, signIn } from './sign-in.ts';

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal({ config: { lockout: { maxFailures: 2 } } });
});
afterAll(() => portal.close());

describe('B17: audit without secrets', () => {
  it('B17: a full flow is audited, and no password, TOTP code, recovery code, ticket or token appears anywhere', async () => {
    const secrets: string[] = [];
    const alice = portal.demo?.alice;
    if (!alice) throw new Error('no demo');
    secrets.push(alice.password, alice.totpSecret);

    // Failures up to a lockout, on a throwaway account.
    const victim = await createTestUser(portal);
    secrets.push(victim.password);
    const client = new HttpClient();
    const started = await buildAuthorizationUrl(portal);
    let page = await client.follow(started.url);
    let form = parseForms(page.body, page.url).find((f) => f.action.endsWith('/email'));
    page = await client.continue(
      await client.postForm(form?.action as string, { ...form?.fields, email: victim.email }),
    );
    form = parseForms(page.body, page.url).find((f) => f.action.endsWith('/password'));
    for (const wrong of ['wrong-password-one', 'wrong-password-two']) {
      secrets.push(wrong);
      await client.postForm(form?.action as string, { ...form?.fields, password: wrong });
    }

    // A sign-in with MFA, a refresh, a launch.
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(alice.totpSecret) }).generate();
    secrets.push(code);
    const tokens = await signIn(portal, {
      email: alice.email,
      password: alice.password,
      totp: code,
      acrValues: ACR_MFA,
    });
    secrets.push(tokens.access_token, tokens.refresh_token, tokens.id_token);
    const refreshed = (await (await refresh(portal, tokens.refresh_token)).json()) as {
      refresh_token: string;
      access_token: string;
    };
    secrets.push(refreshed.refresh_token, refreshed.access_token);
    const userId = (await portal.context.repos.users.findByEmail(alice.email))?.id as string;
    const { url } = await createLaunchTicket(portal.context, userId, 'payroll');
    secrets.push(url.split('/').pop() as string);
    await tokens.client.follow(url);

    // A security change: enroll TOTP for another user, with a wrong code first.
    const bobId = (await portal.context.repos.users.findByEmail('bob@example.com'))?.id as string;
    const enrollment = await startTotpEnrollment(portal.context, bobId);
    secrets.push(enrollment.secret);
    await confirmTotpEnrollment(portal.context, bobId, '123456');
    const bobCode = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrollment.secret) }).generate();
    const confirmed = await confirmTotpEnrollment(portal.context, bobId, bobCode);
    if (confirmed instanceof MfaError) throw confirmed;
    secrets.push(bobCode, ...confirmed.recoveryCodes);
    // A refused second factor and a refused password for the record.
    await expect(
      signIn(portal, {
        email: 'bob@example.com',
        password: 'bob-demo-password',
        totp: '000000',
        acrValues: ACR_MFA,
      }),
    ).rejects.toThrow(SignInFlowError);

    const rows = await exec(portal.context.db, sql`SELECT * FROM audit_log`);
    const events = new Set((rows as { event: string }[]).map((row) => row.event));
    for (const event of [
      'sign_in.failed',
      'sign_in.locked',
      'sign_in.succeeded',
      'sign_in.mfa_failed',
      'launch.ticket_created',
      'launch.ticket_used',
      'mfa.totp_enrollment_started',
      'mfa.totp_enabled',
    ]) {
      expect(events, event).toContain(event);
    }
    const haystack = `${portal.logs.join('\n')}\n${JSON.stringify(rows)}`;
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(5);
      expect(haystack.includes(secret), `secret leaked: ${secret.slice(0, 8)}…`).toBe(false);
    }
    // Nothing that even looks like a JWT.
    expect(haystack).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
  });
});
