/**
 * The OpenID Provider's protocol guarantees (B1–B5, B12, B13), against the
 * real portal over HTTP.
 */
import * as jose from 'jose';
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ACR_PASSWORD,
  apiAudience,
  CHROME_POST_LOGOUT_REDIRECT_URI,
  CHROME_REDIRECT_URI,
  LAUNCHER_CLIENT_ID,
  LAUNCHER_ORIGINS,
} from '../../contract/constants.ts';
import { setUserDisabled } from '../src/services/accounts.ts';
import { HttpClient, parseForms } from './http.ts';
import { createTestUser, DEMO_BOB, useTestPortal } from './portal.ts';
import {
  buildAuthorizationUrl,
  completeInteraction,
  discover,
  exchangeCode,
  pageKind,
  refresh,
  signIn,
} from './sign-in.ts';

const portal = useTestPortal({
  config: {
    lifetimes: {
      refreshTokenIdle: 3600,
      refreshTokenAbsolute: 7200,
      sessionIdle: 600,
      sessionAbsolute: 1800,
    },
  },
});
const bob = DEMO_BOB;
afterEach(() => {
  vi.useRealTimers();
});

/** Starts an authorization request and returns the provider's first answer (no redirects followed). */
async function authorizeRaw(params: Record<string, string>, client = new HttpClient()) {
  const url = new URL(`${portal.issuer}/auth`);
  url.search = new URLSearchParams(params).toString();
  return client.get(url.href);
}

const pkceParams = async () => {
  const verifier = oauth.generateRandomCodeVerifier();
  return {
    verifier,
    params: {
      client_id: LAUNCHER_CLIENT_ID,
      redirect_uri: CHROME_REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    },
  };
};

/** Signs bob in up to the authorization response (code not redeemed). */
async function codeFor(client = new HttpClient()) {
  const started = await buildAuthorizationUrl(portal);
  const redirect = await completeInteraction(client, await client.get(started.url), bob);
  return { started, location: redirect.location as string, client };
}

async function tokenRequest(body: Record<string, string>) {
  const response = await fetch(`${portal.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('B1: the launcher is a public client with exact redirect URIs', () => {
  it('B1: a trailing-slash variant of the redirect URI is refused', async () => {
    const { params } = await pkceParams();
    const result = await authorizeRaw({ ...params, redirect_uri: `${CHROME_REDIRECT_URI}/` });
    expect(result.status).toBe(400);
    expect(result.location).toBeUndefined();
    expect(result.body).toContain('redirect_uri did not match');
  });

  it('B1: the implicit flow is refused', async () => {
    const { params } = await pkceParams();
    const result = await authorizeRaw({ ...params, response_type: 'id_token token' });
    const location = new URL(result.location ?? 'http://none/');
    const error =
      location.searchParams.get('error') ?? new URLSearchParams(location.hash.slice(1)).get('error');
    expect(error).toBe('unsupported_response_type');
  });

  it('B1: the password grant is refused', async () => {
    const result = await tokenRequest({
      grant_type: 'password',
      username: bob.email,
      password: bob.password,
      client_id: LAUNCHER_CLIENT_ID,
    });
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('unsupported_grant_type');
  });

  it('B1: discovery and the registration say public client, code + refresh only', async () => {
    const as = await discover(portal.issuer);
    expect(as.response_types_supported).toEqual(['code']);
    expect(as.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(as.grant_types_supported).not.toContain('password');
    expect(as.grant_types_supported).not.toContain('implicit');
    expect(as.token_endpoint_auth_methods_supported).toContain('none');
  });
});

describe('B2: PKCE', () => {
  it('B2: an authorization request without code_challenge is refused', async () => {
    const { params } = await pkceParams();
    const { code_challenge: _c, code_challenge_method: _m, ...rest } = params;
    const result = await authorizeRaw(rest);
    const location = new URL(result.location as string);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('B2: code_challenge_method=plain is refused', async () => {
    const { params } = await pkceParams();
    const result = await authorizeRaw({
      ...params,
      code_challenge: params.code_challenge,
      code_challenge_method: 'plain',
    });
    const location = new URL(result.location as string);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('B2: at the token endpoint a wrong verifier, or none, is refused', async () => {
    const { started, location } = await codeFor();
    const code = new URL(location).searchParams.get('code') as string;
    const wrong = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CHROME_REDIRECT_URI,
      client_id: LAUNCHER_CLIENT_ID,
      code_verifier: oauth.generateRandomCodeVerifier(),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    // The code is burnt by the failed attempt's replay protection or still unusable without its verifier.
    const missing = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CHROME_REDIRECT_URI,
      client_id: LAUNCHER_CLIENT_ID,
    });
    expect(missing.status).toBe(400);
    expect(String(missing.body.error)).toMatch(/invalid_grant|invalid_request/);
    expect(started.codeVerifier).not.toBe('');
  });

  it('B2: discovery advertises S256 only', async () => {
    const as = await discover(portal.issuer);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
  });
});

describe('B3: authorization codes', () => {
  it('B3: a code is single-use and its reuse revokes the tokens it issued', async () => {
    const as = await discover(portal.issuer);
    const { started, location } = await codeFor();
    const tokens = await exchangeCode(portal, as, location, started);
    const code = new URL(location).searchParams.get('code') as string;
    const replay = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CHROME_REDIRECT_URI,
      client_id: LAUNCHER_CLIENT_ID,
      code_verifier: started.codeVerifier,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const afterReplay = await refresh(portal, tokens.refresh_token);
    expect(afterReplay.status).toBe(400);
    expect(((await afterReplay.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('B3: a code older than 60 s is refused (controllable clock)', async () => {
    const { started, location } = await codeFor();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    const late = await tokenRequest({
      grant_type: 'authorization_code',
      code: new URL(location).searchParams.get('code') as string,
      redirect_uri: CHROME_REDIRECT_URI,
      client_id: LAUNCHER_CLIENT_ID,
      code_verifier: started.codeVerifier,
    });
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
  });
});

describe('B4: refresh tokens', () => {
  it('B4: RT1 → RT2; reusing RT1 revokes the grant, so RT2 is dead too', async () => {
    const tokens = await signIn(portal, bob);
    const first = await refresh(portal, tokens.refresh_token);
    expect(first.status).toBe(200);
    const rt2 = ((await first.json()) as { refresh_token: string }).refresh_token;
    expect(rt2).toBeTruthy();
    expect(rt2).not.toBe(tokens.refresh_token);
    const reuse = await refresh(portal, tokens.refresh_token);
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
    const afterReuse = await refresh(portal, rt2);
    expect(afterReuse.status).toBe(400);
    expect(((await afterReuse.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('B4: a refresh keeps the original acr, amr and auth_time (access token and ID token)', async () => {
    const tokens = await signIn(portal, bob);
    const response = await refresh(portal, tokens.refresh_token);
    const body = (await response.json()) as { access_token: string; id_token: string };
    const at = jose.decodeJwt(body.access_token);
    const idt = jose.decodeJwt(body.id_token);
    for (const claims of [at, idt]) {
      expect(claims.acr).toBe(ACR_PASSWORD);
      expect(claims.amr).toEqual(['pwd']);
      expect(claims.auth_time).toBe(tokens.claims.auth_time);
    }
  });

  it('B4: the idle lifetime ends an unused refresh token', async () => {
    const tokens = await signIn(portal, bob);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3601_000 });
    const late = await refresh(portal, tokens.refresh_token);
    expect(late.status).toBe(400);
  });

  it('B4: the absolute lifetime ends the chain even when used within the idle lifetime', async () => {
    const tokens = await signIn(portal, bob);
    let current = tokens.refresh_token;
    const start = Date.now();
    for (const offset of [3000, 6000]) {
      vi.useFakeTimers({ toFake: ['Date'], now: start + offset * 1000 });
      const response = await refresh(portal, current);
      expect(response.status).toBe(200);
      current = ((await response.json()) as { refresh_token: string }).refresh_token;
    }
    vi.useFakeTimers({ toFake: ['Date'], now: start + 7201 * 1000 });
    const late = await refresh(portal, current);
    expect(late.status).toBe(400);
  });

  it('B4: revocation (logout) kills the refresh token', async () => {
    const tokens = await signIn(portal, bob);
    const revoke = await fetch(`${portal.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token, client_id: LAUNCHER_CLIENT_ID }),
    });
    expect(revoke.status).toBe(200);
    const after = await refresh(portal, tokens.refresh_token);
    expect(after.status).toBe(400);
  });

  it('B4: disabling the account kills its refresh tokens', async () => {
    const { users } = portal.context.repos;
    const user = await users.create({ email: 'carol@example.com', displayName: 'Carol', passwordHash: null });
    const { hashPassword } = await import('../src/services/passwords.ts');
    await users.setPasswordHash(user.id, await hashPassword('carol-test-password'));
    const tokens = await signIn(portal, { email: 'carol@example.com', password: 'carol-test-password' });
    // Straight in the table (no session clean-up): the provider itself refuses a disabled account.
    await users.setDisabled(user.id, true);
    const after = await refresh(portal, tokens.refresh_token);
    expect(after.status).toBe(400);
    expect(((await after.json()) as { error: string }).error).toBe('invalid_grant');
  });
});

describe('B5: issuer identification and discovery', () => {
  it('B5: the authorization response carries iss and discovery says so', async () => {
    const as = await discover(portal.issuer);
    expect(as.issuer).toBe(portal.issuer);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.jwks_uri).toBe(`${portal.issuer}/jwks`);
    expect(as.acr_values_supported).toEqual(expect.arrayContaining([ACR_PASSWORD]));
    expect(as.revocation_endpoint).toBe(`${portal.issuer}/token/revocation`);
    expect(as.end_session_endpoint).toBe(`${portal.issuer}/session/end`);
    const { location } = await codeFor();
    expect(new URL(location).searchParams.get('iss')).toBe(portal.issuer);
  });

  it('B5: access tokens are JWTs for the portal API, verifiable with the published JWKS', async () => {
    const tokens = await signIn(portal, bob);
    const jwks = jose.createRemoteJWKSet(new URL(`${portal.issuer}/jwks`));
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks, {
      issuer: portal.issuer,
      audience: apiAudience(portal.issuer),
      algorithms: ['RS256'],
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.client_id).toBe(LAUNCHER_CLIENT_ID);
    expect(payload.acr).toBe(ACR_PASSWORD);
    expect(payload.amr).toEqual(['pwd']);
    expect(typeof payload.auth_time).toBe('number');
    expect(typeof payload.sid).toBe('string');
    // The in-process key set in the context is the same key set.
    await jose.jwtVerify(tokens.access_token, jose.createLocalJWKSet(portal.context.jwks));
  });
});

describe('B12: framing and CORS', () => {
  it('B12: sign-in pages and provider error pages cannot be framed', async () => {
    const started = await buildAuthorizationUrl(portal);
    const client = new HttpClient();
    const page = await client.follow(started.url);
    expect(pageKind(page)).toBe('email');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const error = await authorizeRaw({ client_id: 'nobody' });
    expect(error.status).toBe(400);
    expect(error.headers.get('x-frame-options')).toBe('DENY');
    expect(error.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('B12: the authorization endpoint answers no CORS, even for the launcher origin', async () => {
    const started = await buildAuthorizationUrl(portal);
    for (const origin of [...LAUNCHER_ORIGINS, 'https://evil.example']) {
      const response = await fetch(started.url, { headers: { origin }, redirect: 'manual' });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${portal.issuer}/auth`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('B12: the token endpoint allows CORS only for the launcher origin', async () => {
    const tokens = await signIn(portal, bob);
    const ask = (origin: string, token: string) =>
      fetch(`${portal.issuer}/token`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: token,
          client_id: LAUNCHER_CLIENT_ID,
        }),
      });
    const evil = await ask('https://evil.example', tokens.refresh_token);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const ours = await ask(LAUNCHER_ORIGINS[0], tokens.refresh_token);
    expect(ours.headers.get('access-control-allow-origin')).toBe(LAUNCHER_ORIGINS[0]);
    const rt2 = ((await ours.json()) as { refresh_token: string }).refresh_token;
    const firefox = 'moz-extension://0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const fromFirefox = await ask(firefox, rt2);
    expect(fromFirefox.headers.get('access-control-allow-origin')).toBe(firefox);
  });
});

describe('B13: portal sessions', () => {
  it('B13: an idle session ends (controllable clock)', async () => {
    const tokens = await signIn(portal, bob);
    const again = await buildAuthorizationUrl(portal);
    const quick = await tokens.client.follow(again.url, (l) => l.startsWith(CHROME_REDIRECT_URI));
    expect(quick.location).toMatch(/^https:\/\/.*code=/);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 601_000 });
    const later = await buildAuthorizationUrl(portal);
    const page = await tokens.client.follow(later.url, (l) => l.startsWith(CHROME_REDIRECT_URI));
    expect(pageKind(page)).toBe('email');
  });

  it('B13: use keeps a session alive only up to the absolute timeout', async () => {
    const tokens = await signIn(portal, bob);
    const start = Date.now();
    for (const offset of [500, 1000, 1500]) {
      vi.useFakeTimers({ toFake: ['Date'], now: start + offset * 1000 });
      const next = await buildAuthorizationUrl(portal);
      const answer = await tokens.client.follow(next.url, (l) => l.startsWith(CHROME_REDIRECT_URI));
      expect(answer.location).toMatch(/code=/);
    }
    vi.useFakeTimers({ toFake: ['Date'], now: start + 1801 * 1000 });
    const last = await buildAuthorizationUrl(portal);
    expect(pageKind(await tokens.client.follow(last.url, (l) => l.startsWith(CHROME_REDIRECT_URI)))).toBe(
      'email',
    );
  });

  it('B13: re-authentication rotates the session cookie', async () => {
    const tokens = await signIn(portal, bob);
    const before = tokens.client.jar.get('portal_session');
    await signIn(portal, { ...bob, client: tokens.client, extraParams: { prompt: 'login' } });
    const after = tokens.client.jar.get('portal_session');
    expect(before).toBeTruthy();
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
  });

  it('B13: RP-initiated logout ends the session', async () => {
    const tokens = await signIn(portal, bob);
    const logoutUrl = new URL(`${portal.issuer}/session/end`);
    logoutUrl.search = new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: CHROME_POST_LOGOUT_REDIRECT_URI,
      client_id: LAUNCHER_CLIENT_ID,
    }).toString();
    const confirm = await tokens.client.follow(logoutUrl.href);
    expect(confirm.headers.get('x-frame-options')).toBe('DENY');
    const form = parseForms(confirm.body, confirm.url).find((f) => f.fields.xsrf !== undefined);
    expect(form).toBeDefined();
    const done = await tokens.client.postForm(form?.action as string, { ...form?.fields, logout: 'yes' });
    expect(done.location).toBe(CHROME_POST_LOGOUT_REDIRECT_URI);
    const next = await buildAuthorizationUrl(portal);
    expect(pageKind(await tokens.client.follow(next.url, (l) => l.startsWith(CHROME_REDIRECT_URI)))).toBe(
      'email',
    );
  });

  it('B13: a session whose account was disabled straight in the database meets the sign-in page, not an error', async () => {
    const user = await createTestUser(portal);
    const tokens = await signIn(portal, user);
    await portal.context.repos.users.setDisabled(user.id, true);
    const next = await buildAuthorizationUrl(portal);
    const answer = await tokens.client.follow(next.url, (l) => l.startsWith(CHROME_REDIRECT_URI));
    expect(answer.status).toBe(200);
    expect(pageKind(answer)).toBe('email');
  });

  it('B13: disabling the account ends its sessions', async () => {
    const { users } = portal.context.repos;
    const { hashPassword } = await import('../src/services/passwords.ts');
    const user = await users.create({
      email: 'dave@example.com',
      displayName: 'Dave',
      passwordHash: await hashPassword('dave-test-password'),
    });
    const tokens = await signIn(portal, { email: 'dave@example.com', password: 'dave-test-password' });
    await setUserDisabled(portal.context, user.id, true);
    const next = await buildAuthorizationUrl(portal);
    const answer = await tokens.client.follow(next.url, (l) => l.startsWith(CHROME_REDIRECT_URI));
    expect(answer.location).toBeUndefined();
    expect(pageKind(answer)).toBe('email');
  });
});
