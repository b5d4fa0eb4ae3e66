/**
 * Bearer authentication of the portal API and RFC 9470 step-up.
 *
 * Contract: {@link createAccessTokenVerifier} returns a function that either
 * yields the verified claims or throws an {@link ApiProblem} 401 carrying the
 * RFC 6750 `WWW-Authenticate` challenge. {@link requireFreshMfa} throws the
 * RFC 9470 challenge when the token's authentication is not strong or recent
 * enough. Route handlers call it before any sensitive change (B6, B11).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 RFC 6750 §3 (WWW-Authenticate for bearer tokens)
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4 RFC 9068 §4 (validating JWT access tokens)
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3 (insufficient_user_authentication)
 */
import { type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { ACR_MFA } from '../../../contract/constants.ts';
import { ApiProblem } from './problem.ts';

/**
 * Asymmetric algorithms accepted for access tokens. Pinned, so neither `none`
 * nor an HMAC "signed" with a public key (algorithm confusion) can pass.
 */
export const ACCESS_TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/** Clock skew tolerated on `exp`/`nbf`/`iat` (seconds). */
const CLOCK_TOLERANCE_SECONDS = 5;

const claimsSchema = z.object({
  sub: z.string().min(1).max(200),
  client_id: z.string().max(200).optional(),
  acr: z.string().max(200).optional(),
  amr: z.array(z.string().max(50)).max(20).optional(),
  auth_time: z.number().int().nonnegative().optional(),
  sid: z.string().max(200).optional(),
  grant_id: z.string().max(200).optional(),
  jti: z.string().max(200).optional(),
  exp: z.number(),
});

/** The verified claims of an access token, in the names the code around them uses. */
export interface AccessToken {
  /** The user id (`sub`). */
  userId: string;
  clientId: string | null;
  acr: string | null;
  amr: string[];
  /** Seconds since the epoch, when the user last authenticated (`auth_time`). */
  authTime: number | null;
  /** The provider session the token came from (`sid`), to mark the current session. */
  sessionId: string | null;
  /** The provider grant the token was issued under (`grant_id`), checked live on every request. */
  grantId: string | null;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}

/** Options of {@link createAccessTokenVerifier}. */
export interface AccessTokenVerifierOptions {
  issuer: string;
  /** The API's audience, `apiAudience(issuer)` (RFC 8707 resource indicator). */
  audience: string;
  /** The provider's public keys (`createLocalJWKSet` or `createRemoteJWKSet`). */
  keys: JWTVerifyGetKey;
  /** Current time in milliseconds (the portal's controllable clock). */
  clock: () => number;
  /**
   * Algorithms to accept, a subset of {@link ACCESS_TOKEN_ALGORITHMS}; default: all of them.
   * The portal passes the algorithms of its own keys.
   */
  algorithms?: readonly string[];
  /** Most verified tokens remembered (default {@link VERIFIED_TOKEN_CACHE_SIZE}); 0 turns the cache off. */
  cacheSize?: number;
}

/** Verified access tokens remembered per node: a few minutes of every active launcher. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
/**
 * The longest a verified token is believed without checking its signature
 * again, even when it lives longer: a signing key withdrawn from the key set
 * stops being honoured within this time.
 */
export const VERIFIED_TOKEN_CACHE_SECONDS = 60;

/** The pinned algorithms that also appear on the given keys (`alg` of each JWK). */
export function algorithmsOfKeys(keys: readonly { alg?: string }[]): string[] {
  const pinned: readonly string[] = ACCESS_TOKEN_ALGORITHMS;
  return [
    ...new Set(keys.map((key) => key.alg).filter((alg): alg is string => !!alg && pinned.includes(alg))),
  ];
}

/**
 * Builds the verifier of `Authorization: Bearer <JWT>` headers.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1 RFC 6750 §2.1 (Authorization request header)
 */
export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): (authorization: string | undefined) => Promise<AccessToken> {
  const pinned: readonly string[] = ACCESS_TOKEN_ALGORITHMS;
  const algorithms = (options.algorithms ?? ACCESS_TOKEN_ALGORITHMS).filter((alg) => pinned.includes(alg));
  if (algorithms.length === 0)
    throw new Error('No acceptable access token algorithm: check the signing keys.');
  const cache = createVerifiedTokenCache(options.cacheSize ?? VERIFIED_TOKEN_CACHE_SIZE, options.clock);
  return async (authorization) => {
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? '');
    const cached = match?.[1] ? cache.get(match[1]) : undefined;
    if (cached) return cached;
    if (!match?.[1]) {
      // RFC 6750 §3.1: a request without credentials gets the bare challenge, no error code.
      throw new ApiProblem(401, 'invalid_token', 'Sign-in required', {
        detail: 'This request needs an access token. Sign in and try again.',
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(match[1], options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms,
        // RFC 9068 §4: the resource server checks the `at+jwt` type, so an ID token or
        // another JWT signed by the same keys is never taken for an access token.
        typ: 'at+jwt',
        currentDate: new Date(options.clock()),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (cause) {
      throw invalidToken(describeJoseError(cause), cause);
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw invalidToken('The access token is missing required claims.');
    const c = claims.data;
    const token: AccessToken = {
      userId: c.sub,
      clientId: c.client_id ?? null,
      acr: c.acr ?? null,
      amr: c.amr ?? [],
      authTime: c.auth_time ?? null,
      sessionId: c.sid ?? null,
      grantId: c.grant_id ?? null,
      expiresAt: c.exp,
    };
    cache.set(match[1], token);
    return token;
  };
}

/**
 * A bounded, least-recently-used memory of tokens whose signature and claims
 * were verified, so a launcher's burst of requests pays for RS256 and zod once.
 *
 * It only saves work that gives the same answer every time (a signature over
 * fixed bytes; claims that do not change) and forgets a token at its `exp`
 * (with the verifier's skew) or after {@link VERIFIED_TOKEN_CACHE_SECONDS},
 * whichever is first. Everything that can change while a token lives — the
 * grant still alive, the user not disabled, the client — is checked by the
 * caller on every request, so revocation stays immediate (B4, B13). It is per
 * node and decides nothing another node must know.
 */
function createVerifiedTokenCache(size: number, clock: () => number) {
  const entries = new Map<string, { token: AccessToken; until: number }>();
  return {
    get(jwt: string): AccessToken | undefined {
      const entry = entries.get(jwt);
      if (!entry) return undefined;
      entries.delete(jwt);
      if (clock() >= entry.until) return undefined;
      entries.set(jwt, entry); // most recently used last
      return entry.token;
    },
    set(jwt: string, token: AccessToken): void {
      if (size <= 0) return;
      const now = clock();
      const until = Math.min(
        (token.expiresAt + CLOCK_TOLERANCE_SECONDS) * 1000,
        now + VERIFIED_TOKEN_CACHE_SECONDS * 1000,
      );
      entries.set(jwt, { token, until });
      if (entries.size > size) entries.delete(entries.keys().next().value as string);
    },
  };
}

/**
 * The RFC 6750 `invalid_token` answer. The description is fixed text without
 * quotes or backslashes, as the `error_description` grammar demands.
 */
export function invalidToken(description: string, cause?: unknown): ApiProblem {
  return new ApiProblem(401, 'invalid_token', 'Invalid access token', {
    detail: `${description} Sign in again.`,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"` },
    cause,
  });
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The access token is not meant for this API.';
    if (error.claim === 'iss') return 'The access token was issued by another portal.';
    return 'The access token claims are not valid.';
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'The access token signature is not valid.';
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return 'The access token was signed with an unknown key.';
  return 'The access token is not valid.';
}

/**
 * RFC 9470 step-up: throws the `insufficient_user_authentication` challenge
 * unless the token shows a second factor (`acr` = MFA) no older than
 * `maxAgeSeconds` by the portal's clock. The client answers with a new
 * authorization request carrying these `acr_values` and `max_age`.
 *
 * @param what What the user is doing, for the problem detail ("change your password").
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-4 RFC 9470 §4 (acr_values and max_age)
 */
export function requireFreshMfa(
  token: AccessToken,
  maxAgeSeconds: number,
  clock: () => number,
  what = 'do this',
): void {
  const nowSeconds = Math.floor(clock() / 1000);
  const strongEnough = token.acr === ACR_MFA;
  const fresh = token.authTime !== null && nowSeconds - token.authTime <= maxAgeSeconds;
  if (strongEnough && fresh) return;
  const description = strongEnough
    ? 'A more recent second-factor authentication is required.'
    : 'A second-factor authentication is required.';
  throw new ApiProblem(401, 'insufficient_user_authentication', 'Verification required', {
    detail: `Verify it is you with your authenticator app to ${what}.`,
    headers: {
      'WWW-Authenticate': stepUpChallenge(description, maxAgeSeconds),
    },
  });
}

/**
 * Step-up for a sensitive change (B11): a user with an active authenticator
 * must show a second factor no older than `maxAgeSeconds` ({@link requireFreshMfa}).
 * A user without one has no second factor to show; they must have signed in
 * within `maxAgeSeconds`, and get an RFC 9470 challenge with `max_age` only
 * (no `acr_values`) otherwise, so a stolen long-lived session alone is not enough.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3 (either parameter may appear alone)
 */
export function requireRecentAuthentication(
  token: AccessToken,
  options: { hasSecondFactor: boolean; maxAgeSeconds: number; clock: () => number; what: string },
): void {
  if (options.hasSecondFactor) {
    requireFreshMfa(token, options.maxAgeSeconds, options.clock, options.what);
    return;
  }
  const nowSeconds = Math.floor(options.clock() / 1000);
  if (token.authTime !== null && nowSeconds - token.authTime <= options.maxAgeSeconds) return;
  throw new ApiProblem(401, 'insufficient_user_authentication', 'Sign-in required', {
    detail: `Sign in again to ${options.what}.`,
    headers: {
      'WWW-Authenticate': stepUpChallenge(
        'A more recent authentication is required.',
        options.maxAgeSeconds,
        null,
      ),
    },
  });
}

/**
 * The exact RFC 9470 challenge:
 * `Bearer error="insufficient_user_authentication", error_description="…", acr_values="…", max_age=N`
 * (`acr_values` left out when `acrValues` is null).
 */
export function stepUpChallenge(
  description: string,
  maxAgeSeconds: number,
  acrValues: string | null = ACR_MFA,
): string {
  return [
    'Bearer error="insufficient_user_authentication"',
    `error_description="${description}"`,
    ...(acrValues ? [`acr_values="${acrValues}"`] : []),
    `max_age=${Math.floor(maxAgeSeconds)}`,
  ].join(', ');
}
