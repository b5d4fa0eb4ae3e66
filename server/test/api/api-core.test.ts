/**
 * Integration: the API framework on a real portal — CORS (B12), problem
 * answers for bad input (C8), bearer verification with the portal's real
 * keys (B6), disabled accounts.
 */
import { decodeJwt, importJWK, type JWK, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACR_MFA,
  API_BASE_PATH,
  apiAudience,
  LAUNCHER_CLIENT_ID,
  LAUNCHER_ORIGINS,
} from '../../../contract/constants.ts';
import { problemSchema } from '../../../contract/schemas.ts';
import { findKeySet } from '../../src/repo/provider-keys.ts';
import { callApi, signInWithPassword } from '../api-helpers.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';

let t: TestPortal;
let bobToken: string;

beforeAll(async () => {
  t = await startTestPortal();
  bobToken = (await signInWithPassword(t, 'bob')).access_token;
});
afterAll(() => t?.close());

/** Signs a token with the portal's own RS256 key, to test claims the provider would never issue. */
async function forge(claims: Record<string, unknown>): Promise<string> {
  const keys = JSON.parse((await findKeySet(t.context.db, 'portal')) as string) as {
    jwks: { keys: JWK[] };
  };
  const jwk = keys.jwks.keys.find((key) => key.alg === 'RS256') as JWK;
  const now = Math.floor(t.clock.now() / 1000);
  const bob = await t.context.repos.users.findByEmail('bob@example.com');
  return new SignJWT({
    iss: t.issuer,
    aud: apiAudience(t.issuer),
    sub: bob?.id,
    iat: now,
    exp: now + 300,
    acr: ACR_MFA,
    auth_time: now,
    // As the provider issues them: the launcher's, under bob's live grant.
    client_id: LAUNCHER_CLIENT_ID,
    grant_id: decodeJwt(bobToken).grant_id,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid })
    .sign(await importJWK(jwk, 'RS256'));
}

function expectProblem(
  answer: { status: number; headers: Headers; json: unknown },
  status: number,
  code: string,
) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = problemSchema.parse(answer.json);
  expect(problem).toMatchObject({ status, code });
  return problem;
}

describe('API framework', () => {
  it('answers JSON with Cache-Control: no-store', async () => {
    const answer = await callApi(t, 'GET', '/me', { token: bobToken });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('unknown paths and methods are problems (404, 405 with Allow)', async () => {
    expectProblem(await callApi(t, 'GET', '/nothing-here', { token: bobToken }), 404, 'not_found');
    const wrongMethod = await callApi(t, 'PUT', '/me', { token: bobToken, body: {} });
    expectProblem(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('GET, PATCH');
  });

  it('B12: CORS only for the launcher origin, preflight included', async () => {
    const launcher = LAUNCHER_ORIGINS[0];
    const preflight = await fetch(`${t.issuer}${API_BASE_PATH}/me`, {
      method: 'OPTIONS',
      headers: {
        origin: launcher,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(launcher);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, PATCH');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const actual = await callApi(t, 'GET', '/me', { token: bobToken, headers: { origin: launcher } });
    expect(actual.headers.get('access-control-allow-origin')).toBe(launcher);
    expect(actual.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');

    for (const origin of ['https://evil.example', 'null', `${t.issuer}`]) {
      const foreignPreflight = await fetch(`${t.issuer}${API_BASE_PATH}/me`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
      const foreign = await callApi(t, 'GET', '/me', { token: bobToken, headers: { origin } });
      for (const response of [foreignPreflight, foreign]) {
        expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
      }
    }
  });

  it('C8: malformed JSON, wrong media type, oversized and wrongly typed bodies are 4xx problems, never 500', async () => {
    const malformed = await callApi(t, 'PATCH', '/me', {
      token: bobToken,
      rawBody: '{"phone": "+1 555',
    });
    expectProblem(malformed, 400, 'malformed_json');
    const notUtf8 = await callApi(t, 'PATCH', '/me', {
      token: bobToken,
      rawBody: new Uint8Array([0x7b, 0xff, 0x7d]),
    });
    expectProblem(notUtf8, 400, 'malformed_json');
    const empty = await callApi(t, 'PATCH', '/me', { token: bobToken, rawBody: '' });
    expectProblem(empty, 400, 'malformed_json');
    const form = await callApi(t, 'PATCH', '/me', {
      token: bobToken,
      rawBody: 'phone=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(form, 415, 'unsupported_media_type');
    const huge = await callApi(t, 'PATCH', '/me', {
      token: bobToken,
      body: { location: 'x'.repeat(70 * 1024) },
    });
    expectProblem(huge, 413, 'payload_too_large');
    const wrongTypes = await callApi(t, 'PATCH', '/me', {
      token: bobToken,
      body: { phone: 42, location: ['x'] },
    });
    const problem = expectProblem(wrongTypes, 422, 'validation_failed');
    expect(Object.keys(problem.errors ?? {}).sort()).toEqual(['location', 'phone']);
    const notObject = await callApi(t, 'PATCH', '/me', { token: bobToken, body: [1, 2, 3] });
    expectProblem(notObject, 422, 'validation_failed');
    const proto = await callApi(t, 'PATCH', '/me', {
      token: bobToken,
      rawBody: '{"__proto__": {"disabled": false}, "constructor": {"prototype": {"x": 1}}}',
    });
    expectProblem(proto, 422, 'validation_failed');
    const nothing = await callApi(t, 'PATCH', '/me', { token: bobToken, body: {} });
    expectProblem(nothing, 422, 'validation_failed');
    const unknownField = await callApi(t, 'POST', '/me/ssh-keys', {
      token: bobToken,
      body: { name: 1 },
    });
    expectProblem(unknownField, 422, 'validation_failed');
    // Still healthy afterwards.
    expect((await callApi(t, 'GET', '/me', { token: bobToken })).status).toBe(200);
  });

  it('B6: a token with the wrong audience is 401 invalid_token', async () => {
    const answer = await callApi(t, 'GET', '/me', {
      token: await forge({ aud: 'https://other.example/api/v1' }),
    });
    expectProblem(answer, 401, 'invalid_token');
    expect(answer.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="The access token is not meant for this API."',
    );
    // The same forged shape with the right audience passes: the audience is what failed.
    expect((await callApi(t, 'GET', '/me', { token: await forge({}) })).status).toBe(200);
  });

  it('B6/B14: a token issued to another client, or under no live grant, is refused', async () => {
    for (const claims of [
      { client_id: 'payroll' },
      { client_id: undefined },
      { grant_id: undefined },
      { grant_id: 'a-grant-that-never-existed' },
    ]) {
      const answer = await callApi(t, 'GET', '/me', { token: await forge(claims) });
      expectProblem(answer, 401, 'invalid_token');
    }
  });

  it('B6/B14: an app the admin registered cannot get a token for the portal API', async () => {
    const bob = await signInWithPassword(t, 'bob');
    const payroll = await t.context.repos.apps.findById('payroll');
    if (!payroll?.clientId) throw new Error('no payroll client');
    const url = new URL(`${t.issuer}/auth`);
    const callback = `${t.demoApps.payroll}/callback`;
    for (const [key, value] of Object.entries({
      client_id: payroll.clientId,
      redirect_uri: callback,
      response_type: 'code',
      scope: 'openid profile email',
      resource: apiAudience(t.issuer),
      state: 'state-1',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    })) {
      url.searchParams.set(key, value);
    }
    // bob's browser session would sign him in to Payroll at once; the API resource is what is refused.
    const answer = await bob.client.follow(url.href, (location) => location.startsWith(callback));
    const back = new URL(answer.location ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(callback);
    expect(back.searchParams.get('error')).toBe('invalid_target');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('B6: expired tokens, ID tokens and missing tokens are refused', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    const expired = await callApi(t, 'GET', '/me', {
      token: await forge({ iat: now - 900, exp: now - 600 }),
    });
    expectProblem(expired, 401, 'invalid_token');
    const bob = await signInWithPassword(t, 'bob');
    const idToken = await callApi(t, 'GET', '/me', { token: bob.id_token });
    expectProblem(idToken, 401, 'invalid_token');
    const none = await callApi(t, 'GET', '/me');
    expectProblem(none, 401, 'invalid_token');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('a disabled account is 401 even with a valid token', async () => {
    const users = t.context.repos.users;
    const bob = await users.findByEmail('bob@example.com');
    if (!bob) throw new Error('bob missing');
    await users.setDisabled(bob.id, true);
    try {
      const answer = await callApi(t, 'GET', '/me', { token: bobToken });
      expectProblem(answer, 401, 'account_disabled');
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      await users.setDisabled(bob.id, false);
    }
  });
});
