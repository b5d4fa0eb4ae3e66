/**
 * Test builder: an in-memory OpenID Provider + portal API answering through an
 * injected `fetch`. ID tokens are really signed (jose, RS256) against a real
 * JWKS, so the client's validation runs unmodified. Unit tests only.
 */
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { apiAudience, PORTAL_API_METADATA } from '../../../contract/constants.ts';
import type { PortalApp } from '../../../contract/schemas.ts';
import { testApp } from '../../portal/__tests__/apps.ts';

export const FAKE_ISSUER = 'https://portal.example.test';
export const FAKE_CLIENT_ID = 'portal-launcher';
export const FAKE_REDIRECT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/callback';
export const FAKE_LOGOUT_URI = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/signed-out';

export interface IdTokenOverrides {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Sign with a key that is not in the JWKS. */
  foreignKey?: boolean;
  /** Emit an unsigned `alg: none` token. */
  unsigned?: boolean;
}

export interface FakeCall {
  method: string;
  url: string;
  body: string;
}

export const fakeApps: PortalApp[] = [
  testApp('wiki', { name: 'Team Wiki' }),
  testApp('payroll', { name: 'Payroll', requiresMfa: true, mfaMaxAgeSeconds: 300 }),
  testApp('crm', { name: 'CRM', requiresMfa: true, mfaMaxAgeSeconds: 300 }),
];

function b64url(value: string): string {
  return Buffer.from(value).toString('base64url');
}

// RSA key generation is slow; one pair per test file is enough.
let keyPairs: Promise<{
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  foreign: { privateKey: CryptoKey };
}> | null = null;
function keys() {
  keyPairs ??= (async () => {
    const own = await generateKeyPair('RS256');
    const foreign = await generateKeyPair('RS256');
    return {
      privateKey: own.privateKey,
      publicKey: own.publicKey,
      foreign: { privateKey: foreign.privateKey },
    };
  })();
  return keyPairs;
}

export async function fakePortal(options: { issuer?: string; now?: () => number } = {}) {
  const issuer = options.issuer ?? FAKE_ISSUER;
  const now = options.now ?? Date.now;
  const { privateKey, publicKey, foreign } = await keys();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };

  const calls: FakeCall[] = [];
  let refreshCount = 0;
  let tokenCounter = 0;
  /** Pending authorization codes → nonce and claims to issue. */
  const codes = new Map<string, { nonce: string; claims: Record<string, unknown> }>();
  const state = {
    discoveryIssuer: issuer,
    nextIdToken: {} as IdTokenOverrides,
    /** Claims of the next code exchange (acr, amr, auth_time…). */
    nextClaims: {} as Record<string, unknown>,
    refreshError: null as string | null,
    /** A refresh answered with this status and no body at all (Glewlwyd 2.7 refuses a disabled token so). */
    refreshBareStatus: null as number | null,
    accessTokenTtl: 300,
    apps: fakeApps,
    /** Per app: how the launch endpoint answers. */
    launch: new Map<string, 'ok' | 'stepUp' | 'invalidToken' | { url: string }>(),
    /** Access tokens the API accepts (others → 401 invalid_token). */
    validAccessTokens: new Set<string>(),
    revoked: [] as string[],
    /** Advertise and serve the portal API; false = a plain OpenID provider. */
    portalApi: true,
    /** Overrides the advertised API address (misconfiguration tests). */
    portalApiEndpoint: null as string | null,
    /** Serve a userinfo endpoint; the claims it answers (sub defaults to the ID token's). */
    userInfo: null as Record<string, unknown> | null,
    /** Leave out the revocation and end-session endpoints from discovery. */
    minimalDiscovery: false,
    /** The portal is stopped: every request fails like a refused connection. */
    unreachable: false,
    /** What `GET /api/v1/support` answers (public); null = no contact set. */
    adminContact: null as string | null,
  };

  async function idToken(nonce: string, claims: Record<string, unknown>): Promise<string> {
    const overrides = state.nextIdToken;
    state.nextIdToken = {};
    const nowSeconds = Math.floor(now() / 1000);
    const payload = {
      iss: issuer,
      sub: 'user-alice',
      aud: FAKE_CLIENT_ID,
      iat: nowSeconds,
      exp: nowSeconds + 600,
      nonce,
      auth_time: nowSeconds,
      name: 'Alice Example',
      email: 'alice@example.com',
      acr: 'urn:portal-launcher:acr:pwd',
      amr: ['pwd'],
      ...claims,
      ...overrides.claims,
    };
    if (overrides.unsigned) {
      return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.`;
    }
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1', ...overrides.header } as { alg: string })
      .sign(overrides.foreignKey ? foreign.privateKey : privateKey);
  }

  function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
  }

  function issueAccessToken(): string {
    tokenCounter += 1;
    const token = `at-${tokenCounter}`;
    state.validAccessTokens.add(token);
    return token;
  }

  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (state.unreachable) throw new TypeError('fetch failed');
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = init?.body ? await new Response(init.body as BodyInit).text() : '';
    calls.push({ method, url: url.href, body });
    const headers = new Headers(init?.headers);
    const path = url.pathname;

    if (path === '/.well-known/openid-configuration') {
      return json({
        issuer: state.discoveryIssuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        ...(state.minimalDiscovery
          ? {}
          : {
              revocation_endpoint: `${issuer}/token/revocation`,
              end_session_endpoint: `${issuer}/session/end`,
            }),
        ...(state.userInfo ? { userinfo_endpoint: `${issuer}/me` } : {}),
        id_token_signing_alg_values_supported: ['RS256'],
        authorization_response_iss_parameter_supported: true,
        code_challenge_methods_supported: ['S256'],
        ...(state.portalApi ? { [PORTAL_API_METADATA]: state.portalApiEndpoint ?? apiAudience(issuer) } : {}),
      });
    }
    if (path === '/jwks') return json({ keys: [jwk] });
    if (path === '/token' && method === 'POST') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') === 'authorization_code') {
        const code = form.get('code') ?? '';
        const pending = codes.get(code);
        codes.delete(code);
        if (!pending) return json({ error: 'invalid_grant' }, 400);
        return json({
          access_token: issueAccessToken(),
          token_type: 'Bearer',
          expires_in: state.accessTokenTtl,
          refresh_token: `rt-${tokenCounter}`,
          id_token: await idToken(pending.nonce, pending.claims),
          scope: 'openid profile email offline_access',
        });
      }
      if (form.get('grant_type') === 'refresh_token') {
        refreshCount += 1;
        if (state.refreshError) return json({ error: state.refreshError }, 400);
        if (state.refreshBareStatus) return new Response(null, { status: state.refreshBareStatus });
        return json({
          access_token: issueAccessToken(),
          token_type: 'Bearer',
          expires_in: state.accessTokenTtl,
          refresh_token: `rt-${tokenCounter}`,
        });
      }
    }
    if (path === '/token/revocation') {
      state.revoked.push(new URLSearchParams(body).get('token') ?? '');
      return new Response(null, { status: 200 });
    }
    if (path === '/me' && state.userInfo) {
      const token = headers.get('authorization')?.replace(/^Bearer /i, '') ?? '';
      if (!state.validAccessTokens.has(token)) {
        return json({ error: 'invalid_token' }, 401, { 'www-authenticate': 'Bearer error="invalid_token"' });
      }
      return json({ sub: 'user-alice', ...state.userInfo });
    }
    if (path === '/api/v1/support' && state.portalApi) return json({ adminContact: state.adminContact });
    if (path.startsWith('/api/v1/') && state.portalApi) {
      const token = headers.get('authorization')?.replace(/^Bearer /i, '') ?? '';
      if (!state.validAccessTokens.has(token)) {
        return json({ title: 'Unauthorized', status: 401 }, 401, {
          'www-authenticate': 'Bearer error="invalid_token", error_description="expired"',
        });
      }
      if (path === '/api/v1/me/apps') return json({ apps: state.apps });
      if (path === '/api/v1/me') return json({ title: 'Not found', status: 404 }, 404);
      const launch = /^\/api\/v1\/apps\/([^/]+)\/launch$/.exec(path);
      if (launch && method === 'POST') {
        const appId = decodeURIComponent(launch[1] ?? '');
        const mode = state.launch.get(appId) ?? 'ok';
        if (mode === 'stepUp') {
          return json({ title: 'Step-up required', status: 401 }, 401, {
            'www-authenticate':
              'Bearer error="insufficient_user_authentication", error_description="fresh MFA needed", acr_values="urn:portal-launcher:acr:mfa", max_age=300',
          });
        }
        if (mode === 'invalidToken') {
          state.launch.delete(appId);
          return json({ title: 'Unauthorized', status: 401 }, 401, {
            'www-authenticate': 'Bearer error="invalid_token"',
          });
        }
        const target =
          typeof mode === 'object'
            ? mode.url
            : `https://${appId}.apps.example.test/sso?ticket=t${tokenCounter}`;
        return json({ url: target, expiresAt: new Date(now() + 60_000).toISOString() });
      }
      return json({ title: 'Not found', status: 404 }, 404);
    }
    return new Response('not found', { status: 404 });
  };

  /**
   * Plays the portal's part of an authorization request: returns the redirect
   * URL the browser would be sent to, with a fresh code bound to the request's nonce.
   */
  function authorize(authorizationUrl: string, claims: Record<string, unknown> = {}): string {
    const request = new URL(authorizationUrl);
    const code = `code-${Math.random().toString(36).slice(2)}`;
    codes.set(code, {
      nonce: request.searchParams.get('nonce') ?? '',
      claims: { ...state.nextClaims, ...claims },
    });
    state.nextClaims = {};
    const redirect = new URL(request.searchParams.get('redirect_uri') ?? FAKE_REDIRECT_URI);
    redirect.searchParams.set('code', code);
    redirect.searchParams.set('state', request.searchParams.get('state') ?? '');
    redirect.searchParams.set('iss', issuer);
    return redirect.href;
  }

  return {
    issuer,
    fetch: fetchImpl as typeof fetch,
    calls,
    state,
    authorize,
    get refreshCount() {
      return refreshCount;
    },
    /** Makes every access token issued so far unacceptable (as if expired at the API). */
    expireAccessTokens() {
      state.validAccessTokens.clear();
    },
    mfaClaims(authTimeSeconds = Math.floor(now() / 1000)) {
      return { acr: 'urn:portal-launcher:acr:mfa', amr: ['pwd', 'otp', 'mfa'], auth_time: authTimeSeconds };
    },
  };
}

export type FakePortal = Awaited<ReturnType<typeof fakePortal>>;
