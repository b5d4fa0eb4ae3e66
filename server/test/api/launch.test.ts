/**
 * Integration: `POST /apps/{id}/launch` with RFC 9470 step-up (B6).
 */
import { decodeJwt } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA, ACR_PASSWORD } from '../../../contract/constants.ts';
import { appsResponseSchema, launchResponseSchema, problemSchema } from '../../../contract/schemas.ts';
import { callApi, signInAliceWithMfa, signInWithPassword } from '../api-helpers.ts';
import { exec } from '../db-helpers.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';

let t: TestPortal;
let wikiId: string;
let payrollId: string;

const STEP_UP_CHALLENGE =
  /^Bearer error="insufficient_user_authentication", error_description="[^"\\]+", acr_values="urn:portal-launcher:acr:mfa", max_age=300$/;

beforeAll(async () => {
  t = await startTestPortal();
  const bob = await signInWithPassword(t, 'bob');
  const { apps } = appsResponseSchema.parse(
    (await callApi(t, 'GET', '/me/apps', { token: bob.access_token })).json,
  );
  wikiId = apps.find((app) => app.name === 'Team Wiki')?.id as string;
  payrollId = apps.find((app) => app.name === 'Payroll')?.id as string;
});
afterAll(() => t?.close());

describe('POST /apps/{id}/launch', () => {
  it('an app without MFA launches with a password-only token: one-time URL, short expiry', async () => {
    const bob = await signInWithPassword(t, 'bob');
    expect(decodeJwt(bob.access_token).acr).toBe(ACR_PASSWORD);
    const answer = await callApi(t, 'POST', `/apps/${wikiId}/launch`, { token: bob.access_token });
    expect(answer.status).toBe(200);
    const launch = launchResponseSchema.parse(answer.json);
    expect(launch.url.startsWith(`${t.issuer}/`)).toBe(true);
    const lifetime = Date.parse(launch.expiresAt) - t.clock.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(60_000);
    const second = launchResponseSchema.parse(
      (await callApi(t, 'POST', `/apps/${wikiId}/launch`, { token: bob.access_token })).json,
    );
    expect(second.url).not.toBe(launch.url);
  });

  it('B6: an app requiring MFA answers a password-only token with the exact RFC 9470 challenge', async () => {
    const bob = await signInWithPassword(t, 'bob');
    const answer = await callApi(t, 'POST', `/apps/${payrollId}/launch`, {
      token: bob.access_token,
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(STEP_UP_CHALLENGE);
    expect(problemSchema.parse(answer.json).code).toBe('insufficient_user_authentication');
    // Exposed to the launcher through CORS, or it could not read it.
    expect(answer.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('B6: a fresh MFA token launches; the same token 5 minutes later is stale (max_age=300)', async () => {
    const alice = await signInAliceWithMfa(t);
    expect(decodeJwt(alice.access_token).acr).toBe(ACR_MFA);
    const fresh = await callApi(t, 'POST', `/apps/${payrollId}/launch`, { token: alice.access_token });
    expect(fresh.status).toBe(200);
    launchResponseSchema.parse(fresh.json);

    t.clock.advance(301_000);
    const stale = await callApi(t, 'POST', `/apps/${payrollId}/launch`, { token: alice.access_token });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toMatch(STEP_UP_CHALLENGE);
    // The app without MFA still launches with the same token.
    expect((await callApi(t, 'POST', `/apps/${wikiId}/launch`, { token: alice.access_token })).status).toBe(
      200,
    );
    t.clock.advance(-301_000);
  });

  it('unknown and unassigned apps are the same 404 problem', async () => {
    const bob = await signInWithPassword(t, 'bob');
    const unknown = await callApi(t, 'POST', '/apps/no-such-app/launch', { token: bob.access_token });
    const repos = t.context.repos;
    const bobId = (await repos.users.findByEmail('bob@example.com'))?.id as string;
    await repos.apps.unassign(wikiId, bobId);
    try {
      const unassigned = await callApi(t, 'POST', `/apps/${wikiId}/launch`, {
        token: bob.access_token,
      });
      expect(unknown.status).toBe(404);
      expect(unassigned.status).toBe(404);
      expect(unassigned.json).toEqual(unknown.json);
    } finally {
      await repos.apps.assign(wikiId, bobId);
    }
  });

  it('launches are audited', async () => {
    const rows = await exec<{ event: string; app_id: string }>(
      t.context.db,
      sql`SELECT event, app_id FROM audit_log WHERE event LIKE 'launch.%'`,
    );
    expect(rows.some((row) => row.event === 'launch.ticket_created' && row.app_id === payrollId)).toBe(true);
    expect(rows.some((row) => row.event === 'launch.step_up_required' && row.app_id === payrollId)).toBe(
      true,
    );
  });
});
