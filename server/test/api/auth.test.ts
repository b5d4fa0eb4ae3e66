/**
 * Unit tests of bearer verification and RFC 9470 step-up (B6), with keys and
 * tokens made here by jose (the integration tests use the portal's real ones).
 */
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA, ACR_PASSWORD, apiAudience } from '../../../contract/constants.ts';
import {
  type AccessToken,
  createAccessTokenVerifier,
  requireFreshMfa,
  requireRecentAuthentication,
} from '../../src/api/auth.ts';
import { ApiProblem } from '../../src/api/problem.ts';

const issuer = 'http://127.0.0.1:4000';
const audience = apiAudience(issuer);
const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const clock = () => now;
const nowSeconds = Math.floor(now / 1000);

let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let verify: ReturnType<typeof createAccessTokenVerifier>;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  verify = createAccessTokenVerifier({ issuer, audience, keys: createLocalJWKSet({ keys: [jwk] }), clock });
});

function sign(
  claims: JWTPayload,
  header: { alg?: string; typ?: string; kid?: string } = {},
  key = privateKey,
) {
  return new SignJWT({
    iss: issuer,
    aud: audience,
    sub: 'user-1',
    iat: nowSeconds - 10,
    exp: nowSeconds + 600,
    client_id: 'portal-launcher',
    acr: ACR_MFA,
    amr: ['pwd', 'otp', 'mfa'],
    auth_time: nowSeconds - 30,
    sid: 'session-1',
    grant_id: 'grant-1',
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1', ...header })
    .sign(key);
}

async function problemOf(promise: Promise<unknown>): Promise<ApiProblem> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiProblem);
  return error as ApiProblem;
}

function token(overrides: Partial<AccessToken> = {}): AccessToken {
  return {
    userId: 'user-1',
    clientId: 'portal-launcher',
    acr: ACR_MFA,
    amr: ['pwd', 'otp', 'mfa'],
    authTime: nowSeconds - 30,
    sessionId: 'session-1',
    grantId: 'grant-1',
    expiresAt: nowSeconds + 600,
    ...overrides,
  };
}

describe('access token verification', () => {
  it('accepts a valid at+jwt for the API audience and maps its claims', async () => {
    const verified = await verify(`Bearer ${await sign({})}`);
    expect(verified).toEqual({
      userId: 'user-1',
      clientId: 'portal-launcher',
      acr: ACR_MFA,
      amr: ['pwd', 'otp', 'mfa'],
      authTime: nowSeconds - 30,
      sessionId: 'session-1',
      grantId: 'grant-1',
      expiresAt: nowSeconds + 600,
    });
  });

  it('B6: a token for another audience is refused with invalid_token', async () => {
    const problem = await problemOf(verify(`Bearer ${await sign({ aud: 'portal-launcher' })}`));
    expect(problem.status).toBe(401);
    expect(problem.code).toBe('invalid_token');
    expect(problem.headers['WWW-Authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token is not meant for this API."',
    );
  });

  it('refuses an expired token, a foreign issuer, a bad signature and a missing header', async () => {
    const expired = await problemOf(verify(`Bearer ${await sign({ exp: nowSeconds - 60 })}`));
    expect(expired.headers['WWW-Authenticate']).toContain('error="invalid_token"');
    expect(expired.detail).toContain('expired');

    const foreign = await problemOf(verify(`Bearer ${await sign({ iss: 'http://127.0.0.1:9999' })}`));
    expect(foreign.code).toBe('invalid_token');

    const other = await generateKeyPair('ES256');
    const forged = await problemOf(verify(`Bearer ${await sign({}, {}, other.privateKey)}`));
    expect(forged.headers['WWW-Authenticate']).toContain('signature');

    const missing = await problemOf(verify(undefined));
    // RFC 6750 §3.1: no error code when the request carried no credentials.
    expect(missing.headers['WWW-Authenticate']).toBe('Bearer');
    const basic = await problemOf(verify('Basic dXNlcjpwYXNz'));
    expect(basic.status).toBe(401);
  });

  it('refuses alg none and an ID token (typ is not at+jwt)', async () => {
    const payload = Buffer.from(
      JSON.stringify({ iss: issuer, aud: audience, sub: 'user-1', exp: nowSeconds + 600 }),
    ).toString('base64url');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
    expect((await problemOf(verify(`Bearer ${none}`))).code).toBe('invalid_token');
    const idToken = await sign({}, { typ: 'JWT' });
    expect((await problemOf(verify(`Bearer ${idToken}`))).code).toBe('invalid_token');
  });
});

describe('RFC 9470 step-up', () => {
  it('B6: a fresh MFA token passes', () => {
    expect(() => requireFreshMfa(token(), 300, clock)).not.toThrow();
    expect(() => requireFreshMfa(token({ authTime: nowSeconds - 300 }), 300, clock)).not.toThrow();
  });

  it('B6: a password-only token gets the exact insufficient_user_authentication challenge', () => {
    let problem: ApiProblem | undefined;
    try {
      requireFreshMfa(token({ acr: ACR_PASSWORD, amr: ['pwd'] }), 300, clock);
    } catch (error) {
      problem = error as ApiProblem;
    }
    expect(problem?.status).toBe(401);
    expect(problem?.code).toBe('insufficient_user_authentication');
    expect(problem?.headers['WWW-Authenticate']).toBe(
      'Bearer error="insufficient_user_authentication", error_description="A second-factor authentication is required.", acr_values="urn:portal-launcher:acr:mfa", max_age=300',
    );
  });

  it('B6: a stale MFA token gets the challenge with the max_age asked for', () => {
    let header: string | undefined;
    try {
      requireFreshMfa(token({ authTime: nowSeconds - 301 }), 300, clock);
    } catch (error) {
      header = (error as ApiProblem).headers['WWW-Authenticate'];
    }
    // RFC 9470 §3 grammar: auth-param = token "=" ( token / quoted-string ), comma-separated.
    expect(header).toMatch(
      /^Bearer error="insufficient_user_authentication", error_description="[^"\\]+", acr_values="urn:portal-launcher:acr:mfa", max_age=300$/,
    );
    expect(() => requireFreshMfa(token({ authTime: null }), 300, clock)).toThrow(ApiProblem);
  });

  it('B11: without a second factor, a recent sign-in is needed (max_age only, no acr_values)', () => {
    const options = { hasSecondFactor: false, maxAgeSeconds: 300, clock, what: 'add an SSH key' };
    expect(() =>
      requireRecentAuthentication(token({ acr: ACR_PASSWORD, authTime: nowSeconds - 10 }), options),
    ).not.toThrow();
    let header: string | undefined;
    try {
      requireRecentAuthentication(token({ acr: ACR_PASSWORD, authTime: nowSeconds - 400 }), options);
    } catch (error) {
      header = (error as ApiProblem).headers['WWW-Authenticate'];
    }
    expect(header).toBe(
      'Bearer error="insufficient_user_authentication", error_description="A more recent authentication is required.", max_age=300',
    );
    // With a second factor, a recent password-only sign-in is not enough.
    expect(() =>
      requireRecentAuthentication(token({ acr: ACR_PASSWORD, authTime: nowSeconds - 10 }), {
        ...options,
        hasSecondFactor: true,
      }),
    ).toThrow(ApiProblem);
  });
});

describe('verified-token cache (one node, faster; revocation stays live)', () => {
  async function countingVerifier(times: { now: number }, cacheSize?: number) {
    const pair = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const keySet = createLocalJWKSet({ keys: [jwk] });
    let lookups = 0;
    const keys: JWTVerifyGetKey = (...args) => {
      lookups++;
      return keySet(...args);
    };
    const verifier = createAccessTokenVerifier({
      issuer,
      audience,
      keys,
      clock: () => times.now,
      ...(cacheSize !== undefined ? { cacheSize } : {}),
    });
    return { verifier, key: pair.privateKey, lookups: () => lookups };
  }

  it('verifies a token once and answers its repeats from memory', async () => {
    const times = { now };
    const { verifier, key, lookups } = await countingVerifier(times);
    const jwt = await sign({}, {}, key);
    const first = await verifier(`Bearer ${jwt}`);
    const second = await verifier(`Bearer ${jwt}`);
    expect(second).toEqual(first);
    expect(lookups()).toBe(1);
  });

  it('B6: a remembered token is refused once it expires, and checked again after a minute', async () => {
    const times = { now };
    const { verifier, key, lookups } = await countingVerifier(times);
    const jwt = await sign({ exp: nowSeconds + 30 }, {}, key);
    await verifier(`Bearer ${jwt}`);
    times.now = now + 36_000; // past exp and the 5 s skew
    const problem = await problemOf(verifier(`Bearer ${jwt}`));
    expect(problem.status).toBe(401);
    expect(problem.headers['WWW-Authenticate']).toContain('invalid_token');

    const long = await sign({ exp: nowSeconds + 3600 }, {}, key);
    times.now = now;
    await verifier(`Bearer ${long}`);
    expect(lookups()).toBe(3); // the first token twice (the second time refused), the long one once
    await verifier(`Bearer ${long}`);
    expect(lookups()).toBe(3);
    times.now = now + 61_000;
    await verifier(`Bearer ${long}`);
    expect(lookups()).toBe(4);
  });

  it('forgets the least recently used token beyond its size, and a size of 0 remembers nothing', async () => {
    const times = { now };
    const { verifier, key, lookups } = await countingVerifier(times, 2);
    const [a, b, c] = await Promise.all([
      sign({ sub: 'a' }, {}, key),
      sign({ sub: 'b' }, {}, key),
      sign({ sub: 'c' }, {}, key),
    ]);
    await verifier(`Bearer ${a}`);
    await verifier(`Bearer ${b}`);
    await verifier(`Bearer ${a}`); // a is now the most recent
    await verifier(`Bearer ${c}`); // evicts b
    expect(lookups()).toBe(3);
    await verifier(`Bearer ${a}`);
    expect(lookups()).toBe(3);
    await verifier(`Bearer ${b}`);
    expect(lookups()).toBe(4);

    const off = await countingVerifier(times, 0);
    const jwt = await sign({}, {}, off.key);
    await off.verifier(`Bearer ${jwt}`);
    await off.verifier(`Bearer ${jwt}`);
    expect(off.lookups()).toBe(2);
  });

  it('a forged token that shares nothing with a remembered one is still verified', async () => {
    const times = { now };
    const { verifier, key } = await countingVerifier(times);
    const jwt = await sign({}, {}, key);
    await verifier(`Bearer ${jwt}`);
    const [header, payload] = jwt.split('.');
    const problem = await problemOf(verifier(`Bearer ${header}.${payload}.${'A'.repeat(86)}`));
    expect(problem.status).toBe(401);
  });
});
