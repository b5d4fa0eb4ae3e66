import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiAudience } from '../../contract/constants.ts';
import {
  FAKE_CLIENT_ID,
  FAKE_LOGOUT_URI,
  FAKE_REDIRECT_URI,
  type FakePortal,
  fakePortal,
  type IdTokenOverrides,
} from './__tests__/fake-portal.ts';
import { AuthError } from './errors.ts';
import { createOidcClient, type OidcClient } from './oidc.ts';
import { stepUpShortfall } from './step-up.ts';

let portal: FakePortal;
let client: OidcClient;

beforeEach(async () => {
  portal = await fakePortal();
  client = createOidcClient({
    issuer: portal.issuer,
    clientId: FAKE_CLIENT_ID,
    redirectUri: FAKE_REDIRECT_URI,
    postLogoutRedirectUri: FAKE_LOGOUT_URI,
    fetch: portal.fetch,
  });
});

async function expectCode(promise: Promise<unknown>, code: AuthError['code']): Promise<AuthError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).code).toBe(code);
  return error as AuthError;
}

describe('authorization request', () => {
  it('A1: PKCE S256 challenge is b64url(SHA-256(verifier)); exact redirect URI; resource = API audience', async () => {
    const { url, transaction } = await client.createAuthorizationRequest();
    const params = new URL(url).searchParams;
    const expected = createHash('sha256').update(transaction.codeVerifier).digest('base64url');
    expect(params.get('code_challenge')).toBe(expected);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('redirect_uri')).toBe(FAKE_REDIRECT_URI);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(FAKE_CLIENT_ID);
    expect(params.get('state')).toBe(transaction.state);
    expect(params.get('nonce')).toBe(transaction.nonce);
    expect(params.get('resource')).toBe(apiAudience(portal.issuer));
    // 32 random bytes → 43 base64url characters.
    expect(transaction.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('A1: state, nonce and verifier are ≥128 bits and unique over many runs', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { transaction } = await client.createAuthorizationRequest();
      for (const value of [transaction.state, transaction.nonce, transaction.codeVerifier]) {
        expect(Buffer.from(value, 'base64url').length).toBeGreaterThanOrEqual(16);
        expect(seen.has(value)).toBe(false);
        seen.add(value);
      }
    }
    expect(seen.size).toBe(600);
  });

  it('RFC 9470: a step-up request carries acr_values, max_age, login_hint and launch_app', async () => {
    const { url, transaction } = await client.createAuthorizationRequest({
      acrValues: 'urn:portal-launcher:acr:mfa',
      maxAge: 300,
      loginHint: 'alice@example.com',
      launchApp: 'payroll',
    });
    const params = new URL(url).searchParams;
    expect(params.get('acr_values')).toBe('urn:portal-launcher:acr:mfa');
    expect(params.get('max_age')).toBe('300');
    expect(params.get('login_hint')).toBe('alice@example.com');
    expect(params.get('launch_app')).toBe('payroll');
    expect(transaction.maxAge).toBe(300);
  });

  it('A3: a discovery document whose issuer differs from the configured one is refused', async () => {
    portal.state.discoveryIssuer = 'https://evil.example.test';
    await expectCode(client.createAuthorizationRequest(), 'portal_misconfigured');
  });

  it('refuses a non-loopback http issuer before any request', () => {
    expect(() =>
      createOidcClient({
        issuer: 'http://portal.example.test',
        clientId: FAKE_CLIENT_ID,
        redirectUri: FAKE_REDIRECT_URI,
        postLogoutRedirectUri: FAKE_LOGOUT_URI,
        fetch: portal.fetch,
      }),
    ).toThrow(AuthError);
    expect(portal.calls).toHaveLength(0);
  });
});

describe('callback', () => {
  it('completes a valid redirect: code exchange with verifier and resource, ID token claims', async () => {
    const { url, transaction } = await client.createAuthorizationRequest();
    const { tokens, claims } = await client.completeAuthorization(transaction, portal.authorize(url));
    expect(claims.sub).toBe('user-alice');
    expect(claims.acr).toBe('urn:portal-launcher:acr:pwd');
    expect(tokens.refreshToken).toMatch(/^rt-/);
    const tokenCall = portal.calls.find((call) => call.url.endsWith('/token'));
    const form = new URLSearchParams(tokenCall?.body);
    expect(form.get('code_verifier')).toBe(transaction.codeVerifier);
    expect(form.get('resource')).toBe(apiAudience(portal.issuer));
    expect(form.get('client_secret')).toBeNull();
  });

  it('A2: error= in the callback is refused', async () => {
    const { transaction } = await client.createAuthorizationRequest();
    const callback = `${FAKE_REDIRECT_URI}?error=server_error&error_description=boom&state=${transaction.state}&iss=${encodeURIComponent(portal.issuer)}`;
    await expectCode(client.completeAuthorization(transaction, callback), 'authorization_denied');
  });

  it('A2: a callback without code is refused', async () => {
    const { transaction } = await client.createAuthorizationRequest();
    const callback = `${FAKE_REDIRECT_URI}?state=${transaction.state}&iss=${encodeURIComponent(portal.issuer)}`;
    await expectCode(client.completeAuthorization(transaction, callback), 'invalid_callback');
  });

  it('A2: an iss mismatch (RFC 9207 mix-up) is refused before the code is exchanged', async () => {
    const { url, transaction } = await client.createAuthorizationRequest();
    const callback = new URL(portal.authorize(url));
    callback.searchParams.set('iss', 'https://evil.example.test');
    await expectCode(client.completeAuthorization(transaction, callback.href), 'invalid_callback');
    expect(portal.calls.some((call) => call.url.endsWith('/token'))).toBe(false);
  });

  it('A2: a callback with another transaction’s state is refused', async () => {
    const first = await client.createAuthorizationRequest();
    const second = await client.createAuthorizationRequest();
    await expectCode(
      client.completeAuthorization(second.transaction, portal.authorize(first.url)),
      'invalid_callback',
    );
  });
});

describe('ID token validation', () => {
  async function completeWith(overrides: IdTokenOverrides) {
    portal.state.nextIdToken = overrides;
    const { url, transaction } = await client.createAuthorizationRequest();
    return client.completeAuthorization(transaction, portal.authorize(url));
  }

  it('A3: alg none is refused', async () => {
    await expectCode(completeWith({ unsigned: true }), 'invalid_token_response');
  });

  it('A3: an unknown kid is refused', async () => {
    await expectCode(completeWith({ header: { kid: 'other-key' } }), 'invalid_token_response');
  });

  it('A3: a valid-looking token signed by a key outside the JWKS is refused', async () => {
    await expectCode(completeWith({ foreignKey: true }), 'invalid_token_response');
  });

  it('A3: a wrong iss is refused', async () => {
    await expectCode(
      completeWith({ claims: { iss: 'https://evil.example.test' } }),
      'invalid_token_response',
    );
  });

  it('A3: a wrong aud is refused', async () => {
    await expectCode(completeWith({ claims: { aud: 'someone-else' } }), 'invalid_token_response');
  });

  it('A3: a wrong nonce is refused', async () => {
    await expectCode(completeWith({ claims: { nonce: 'replayed-nonce' } }), 'invalid_token_response');
  });

  it('A3: an expired token is refused', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectCode(completeWith({ claims: { iat: past - 600, exp: past } }), 'invalid_token_response');
  });

  it('A3/A4: auth_time against max_age is left to the step-up rule, which names the reason (step_up_too_old)', async () => {
    const authTime = Math.floor(Date.now() / 1000) - 3600;
    portal.state.nextIdToken = { claims: { auth_time: authTime } };
    const { url, transaction } = await client.createAuthorizationRequest({ maxAge: 300 });
    expect(new URL(url).searchParams.get('max_age')).toBe('300');
    const { claims } = await client.completeAuthorization(transaction, portal.authorize(url));
    expect(claims.authTime).toBe(authTime);
    const rule = { acrValues: [], requireSecondFactorAmr: false, acceptAmrWithoutAcr: true };
    expect(stepUpShortfall(claims, { acrValues: [], maxAge: 300 }, rule, Date.now())?.code).toBe(
      'step_up_too_old',
    );
  });
});

describe('refresh and revocation', () => {
  it('A12: revocation posts the refresh token to the revocation endpoint without a secret', async () => {
    await client.revoke('rt-xyz');
    expect(portal.state.revoked).toEqual(['rt-xyz']);
    const call = portal.calls.find((c) => c.url.endsWith('/token/revocation'));
    expect(new URLSearchParams(call?.body).get('client_secret')).toBeNull();
  });

  it('C2: invalid_grant on refresh becomes signed_out', async () => {
    portal.state.refreshError = 'invalid_grant';
    await expectCode(client.refresh('rt-old'), 'signed_out');
  });

  it('C2: a bare 400 on refresh (no error body, as Glewlwyd refuses a disabled token) becomes signed_out too; a bare 500 or another OAuth error does not', async () => {
    portal.state.refreshBareStatus = 400;
    await expectCode(client.refresh('rt-old'), 'signed_out');
    // A server in trouble or a client misconfigured: the session is not over, the refresh failed.
    portal.state.refreshBareStatus = 500;
    await expect(client.refresh('rt-old')).rejects.not.toMatchObject({ code: 'signed_out' });
    portal.state.refreshBareStatus = null;
    portal.state.refreshError = 'invalid_client';
    await expect(client.refresh('rt-old')).rejects.not.toMatchObject({ code: 'signed_out' });
  });

  it('end-session URL carries id_token_hint, post_logout_redirect_uri and state', async () => {
    const url = new URL((await client.endSessionUrl('id.token.here', 'state-123')) ?? '');
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(FAKE_LOGOUT_URI);
    expect(url.searchParams.get('id_token_hint')).toBe('id.token.here');
    expect(url.searchParams.get('state')).toBe('state-123');
  });
});

describe('provider without the portal API', () => {
  it('detection: discovery with portal_api_endpoint = the API audience means the portal API; without it, none', async () => {
    expect(await client.hasPortalApi()).toBe(true);
    const plain = await fakePortal({ issuer: 'https://idp.example.test' });
    plain.state.portalApi = false;
    const plainClient = createOidcClient({
      issuer: plain.issuer,
      clientId: FAKE_CLIENT_ID,
      redirectUri: FAKE_REDIRECT_URI,
      postLogoutRedirectUri: FAKE_LOGOUT_URI,
      fetch: plain.fetch,
    });
    expect(await plainClient.hasPortalApi()).toBe(false);
    // Only discovery was asked: no probing request to the API.
    expect(plain.calls.map((call) => new URL(call.url).pathname)).toEqual([
      '/.well-known/openid-configuration',
    ]);
  });

  it('a portal_api_endpoint at another address is refused as portal_misconfigured', async () => {
    portal.state.portalApiEndpoint = 'https://elsewhere.example.test/api/v1';
    await expectCode(client.hasPortalApi(), 'portal_misconfigured');
  });

  it('RFC 8707: no resource in the authorization, code and refresh requests to a plain provider', async () => {
    portal.state.portalApi = false;
    const { url, transaction } = await client.createAuthorizationRequest({
      acrValues: 'urn:acme:loa:2',
      maxAge: 300,
    });
    const params = new URL(url).searchParams;
    expect(params.has('resource')).toBe(false);
    expect(params.get('acr_values')).toBe('urn:acme:loa:2');
    expect(params.get('max_age')).toBe('300');
    const { tokens } = await client.completeAuthorization(transaction, portal.authorize(url));
    await client.refresh(tokens.refreshToken as string);
    const tokenForms = portal.calls
      .filter((call) => call.url.endsWith('/token'))
      .map((call) => new URLSearchParams(call.body));
    expect(tokenForms.map((form) => form.get('grant_type'))).toEqual(['authorization_code', 'refresh_token']);
    for (const form of tokenForms) expect(form.has('resource')).toBe(false);
  });

  it('userinfo: profile claims for the signed-in subject; a non-https picture is dropped', async () => {
    portal.state.userInfo = {
      name: 'Alice Example',
      given_name: 'Alice',
      family_name: 'Example',
      email: 'alice@example.com',
      picture: 'http://tracker.example.test/a.png',
      job_title: 'Payroll lead',
    };
    const { url, transaction } = await client.createAuthorizationRequest();
    const { tokens } = await client.completeAuthorization(transaction, portal.authorize(url));
    const profile = await client.userInfo(tokens.accessToken, 'user-alice');
    expect(profile).toEqual({
      sub: 'user-alice',
      name: 'Alice Example',
      givenName: 'Alice',
      familyName: 'Example',
      email: 'alice@example.com',
      phone: null,
      picture: null,
      jobTitle: 'Payroll lead',
    });
    portal.state.userInfo = { ...portal.state.userInfo, picture: 'https://cdn.example.test/a.png' };
    expect((await client.userInfo(tokens.accessToken, 'user-alice'))?.picture).toBe(
      'https://cdn.example.test/a.png',
    );
  });

  it("userinfo: another subject's answer is refused (OIDC Core §5.3.2)", async () => {
    portal.state.userInfo = { sub: 'user-mallory', email: 'mallory@example.com' };
    const { url, transaction } = await client.createAuthorizationRequest();
    const { tokens } = await client.completeAuthorization(transaction, portal.authorize(url));
    await expect(client.userInfo(tokens.accessToken, 'user-alice')).rejects.toBeInstanceOf(AuthError);
  });

  it('userinfo: null when the provider has no userinfo endpoint', async () => {
    expect(await client.userInfo('at-1', 'user-alice')).toBeNull();
  });
});
