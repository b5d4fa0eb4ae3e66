/**
 * The launcher's OpenID Connect client: request/process pairs over
 * `oauth4webapi`, with the provider metadata passed in explicitly.
 *
 * Contract: every function throws {@link AuthError} (with the library error as
 * `cause`) for expected protocol failures; it holds no session state. Only the
 * background calls it.
 */
import * as oauth from 'oauth4webapi';
import { isLoopbackHttp } from '../../contract/addresses.ts';
import { apiAudience, LAUNCHER_SCOPES, PORTAL_API_METADATA } from '../../contract/constants.ts';
import { AuthError } from './errors.ts';

/** What the client needs to know about the provider and itself. */
export interface OidcClientOptions {
  /** Issuer identifier; discovery's `issuer` must equal it exactly (A3, RFC 8414 §3.3). */
  issuer: string;
  clientId: string;
  /** The registered redirect URI, exactly (A1). */
  redirectUri: string;
  /** Where RP-initiated logout returns to. */
  postLogoutRedirectUri: string;
  /**
   * Signing algorithm pinned for ID tokens (A3). OIDC Dynamic Client
   * Registration §2 makes RS256 the default of `id_token_signed_response_alg`.
   */
  idTokenAlg?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per-request timeout (C3: every request under 30 s). */
  timeoutMs?: number;
}

/** A pending authorization request: the secrets the callback is checked against. */
export interface AuthorizationTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** `max_age` sent, if any: the ID token's `auth_time` is checked against it. */
  maxAge: number | null;
  /** `acr_values` sent, if any. */
  acrValues: string | null;
}

/** Extra authorization request parameters for step-up (RFC 9470 §4). */
export interface AuthorizationRequestOptions {
  acrValues?: string;
  maxAge?: number;
  loginHint?: string;
  prompt?: string;
  /** Portal-specific: names the app that asked, so the page can say "to open Payroll". */
  launchApp?: string;
}

/** The validated outcome of a code exchange or refresh. */
export interface TokenSet {
  accessToken: string;
  /** Epoch ms. */
  accessTokenExpiresAt: number;
  refreshToken: string | null;
  idToken: string | null;
}

/** ID token claims the launcher uses. */
export interface IdentityClaims {
  sub: string;
  name: string | null;
  email: string | null;
  acr: string | null;
  amr: string[];
  /** Epoch seconds. */
  authTime: number | null;
}

/**
 * Profile claims from the userinfo endpoint (OIDC Core §5.1 standard claims).
 * There is no standard claim for a job title; `job_title` and `title` are the
 * names providers commonly use for it.
 */
export interface ProfileClaims {
  sub: string;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  phone: string | null;
  /** Only an `https:` picture URL is kept (it is shown in extension pages). */
  picture: string | null;
  jobTitle: string | null;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The OIDC client for one issuer. Discovery is fetched once and cached (the
 * same metadata object also keys oauth4webapi's JWKS cache).
 */
export function createOidcClient(options: OidcClientOptions) {
  const issuerUrl = new URL(options.issuer);
  if (issuerUrl.protocol !== 'https:' && !isLoopbackHttp(issuerUrl)) {
    throw new AuthError(
      'portal_misconfigured',
      `The portal address ${options.issuer} is not https. Ask your administrator for the https address.`,
    );
  }
  const client: oauth.Client = {
    client_id: options.clientId,
    id_token_signed_response_alg: options.idTokenAlg ?? 'RS256',
  };
  const clientAuth = oauth.None();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const injected = options.fetch;
  const httpOptions = {
    signal: () => AbortSignal.timeout(timeoutMs),
    ...(injected
      ? { [oauth.customFetch]: (url: string, init: { body?: unknown }) => injected(url, init as RequestInit) }
      : {}),
    ...(isLoopbackHttp(issuerUrl) ? { [oauth.allowInsecureRequests]: true } : {}),
  };
  const audience = apiAudience(options.issuer);
  let metadata: Promise<oauth.AuthorizationServer> | null = null;

  /** @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig */
  function discover(): Promise<oauth.AuthorizationServer> {
    metadata ??= (async () => {
      try {
        const response = await oauth.discoveryRequest(issuerUrl, { ...httpOptions, algorithm: 'oidc' });
        // processDiscoveryResponse refuses metadata whose `issuer` differs from the configured one.
        return await oauth.processDiscoveryResponse(issuerUrl, response);
      } catch (error) {
        throw toAuthError(error, 'Could not read the portal configuration.');
      }
    })();
    // A failed discovery must not poison the cache: retry on the next call.
    metadata.catch(() => {
      metadata = null;
    });
    return metadata;
  }

  /**
   * Whether the issuer has the portal API: its discovery document carries
   * {@link PORTAL_API_METADATA} with the API's base URL, which must be
   * {@link apiAudience} of the issuer (a different address is a
   * misconfiguration, not a reason to send tokens elsewhere). No request is
   * sent to find out beyond discovery itself.
   *
   * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
   */
  async function hasPortalApi(): Promise<boolean> {
    const advertised = (await discover())[PORTAL_API_METADATA];
    if (advertised === undefined) return false;
    if (advertised !== audience) {
      throw new AuthError(
        'portal_misconfigured',
        `The portal advertises its API at ${String(advertised).slice(0, 200)}, but Portal Launcher expects ${audience}. Ask your administrator to fix the portal configuration.`,
      );
    }
    return true;
  }

  /**
   * RFC 8707 `resource` for authorization and token requests: the portal API's
   * audience, and only for an issuer that has the API. A plain OpenID provider
   * would refuse an unknown resource (`invalid_target`) or mint tokens for it.
   *
   * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
   */
  async function resourceParameter(): Promise<Record<string, string>> {
    return (await hasPortalApi()) ? { resource: audience } : {};
  }

  /**
   * Builds an authorization request with PKCE S256, `state` and `nonce` (A1).
   * The caller persists the transaction BEFORE opening the tab (C1).
   *
   * @see https://www.rfc-editor.org/rfc/rfc7636#section-4
   * @see https://www.rfc-editor.org/rfc/rfc9470#section-4
   */
  async function createAuthorizationRequest(
    request: AuthorizationRequestOptions = {},
  ): Promise<{ url: string; transaction: AuthorizationTransaction }> {
    const as = await discover();
    if (!as.authorization_endpoint) {
      throw new AuthError('portal_misconfigured', 'The portal has no authorization endpoint.');
    }
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const transaction: AuthorizationTransaction = {
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      codeVerifier,
      maxAge: request.maxAge ?? null,
      acrValues: request.acrValues ?? null,
    };
    const url = new URL(as.authorization_endpoint);
    const params = url.searchParams;
    params.set('client_id', options.clientId);
    params.set('redirect_uri', options.redirectUri);
    params.set('response_type', 'code');
    params.set('scope', LAUNCHER_SCOPES);
    params.set('state', transaction.state);
    params.set('nonce', transaction.nonce);
    params.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    params.set('code_challenge_method', 'S256');
    // RFC 8707: ask for JWT access tokens audience-restricted to the portal API (when there is one).
    for (const [name, value] of Object.entries(await resourceParameter())) params.set(name, value);
    if (request.acrValues) params.set('acr_values', request.acrValues);
    if (request.maxAge !== undefined) params.set('max_age', String(request.maxAge));
    if (request.loginHint) params.set('login_hint', request.loginHint);
    if (request.prompt) params.set('prompt', request.prompt);
    if (request.launchApp) params.set('launch_app', request.launchApp);
    return { url: url.href, transaction };
  }

  /**
   * Validates the redirect (A2: `state`, `error=`, `iss` per RFC 9207, code
   * present), exchanges the code, and validates the ID token (A3: pinned alg
   * and signature from the JWKS, `iss`, `aud`, `exp`/`iat`, `nonce`,
   * `auth_time` against `max_age`).
   *
   * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
   * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
   */
  async function completeAuthorization(
    transaction: AuthorizationTransaction,
    callbackUrl: string,
  ): Promise<{ tokens: TokenSet; claims: IdentityClaims }> {
    const as = await discover();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, client, new URL(callbackUrl), transaction.state);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) {
        throw new AuthError(
          error.error === 'access_denied' ? 'cancelled' : 'authorization_denied',
          error.error_description
            ? `The portal refused the sign-in: ${error.error_description}`
            : `The portal refused the sign-in (${error.error}). Try again from the toolbar.`,
          { cause: error },
        );
      }
      throw new AuthError(
        'invalid_callback',
        'The sign-in response was not valid. Start again from the toolbar.',
        {
          cause: error,
        },
      );
    }
    if (!params.get('code')) {
      throw new AuthError(
        'invalid_callback',
        'The sign-in response had no authorization code. Start again from the toolbar.',
      );
    }
    let response: Response;
    try {
      response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        clientAuth,
        params,
        options.redirectUri,
        transaction.codeVerifier,
        { ...httpOptions, additionalParameters: await resourceParameter() },
      );
    } catch (error) {
      throw toAuthError(error, 'Could not reach the portal to finish signing in.');
    }
    try {
      const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
        expectedNonce: transaction.nonce,
        maxAge: transaction.maxAge ?? oauth.skipAuthTimeCheck,
        requireIdToken: true,
      });
      // The token endpoint is reached over TLS, but A3 asks for the signature
      // too: it pins the key to the provider's JWKS, not only to the channel.
      await oauth.validateApplicationLevelSignature(as, response, httpOptions);
      const idClaims = oauth.getValidatedIdTokenClaims(result);
      if (!idClaims) throw new AuthError('invalid_token_response', 'The portal sent no ID token.');
      return { tokens: toTokenSet(result), claims: toIdentityClaims(idClaims) };
    } catch (error) {
      if (error instanceof AuthError) throw error;
      throw toAuthError(error, 'The portal sent a sign-in response that could not be verified.');
    }
  }

  /**
   * Refresh token grant. A refresh never counts as a new authentication: the
   * caller keeps `acr`/`amr`/`auth_time` from the code flow (A4).
   *
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
   */
  async function refresh(refreshToken: string): Promise<TokenSet> {
    const as = await discover();
    let response: Response;
    try {
      response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, {
        ...httpOptions,
        additionalParameters: await resourceParameter(),
      });
    } catch (error) {
      throw toAuthError(error, 'Could not reach the portal to renew your session.');
    }
    try {
      const result = await oauth.processRefreshTokenResponse(as, client, response);
      const tokens = toTokenSet(result);
      // Without rotation the provider may omit the refresh token: keep the old one.
      return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
        throw new AuthError('signed_out', 'Your session ended. Sign in again.', { cause: error });
      }
      throw toAuthError(error, 'The portal refused to renew your session.');
    }
  }

  /**
   * Revokes the refresh token (A12). Failures are reported, not swallowed: the
   * caller still drops its copy either way.
   *
   * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
   */
  async function revoke(refreshToken: string): Promise<void> {
    const as = await discover();
    if (!as.revocation_endpoint) return;
    try {
      const response = await oauth.revocationRequest(as, client, clientAuth, refreshToken, {
        ...httpOptions,
        additionalParameters: { token_type_hint: 'refresh_token' },
      });
      await oauth.processRevocationResponse(response);
    } catch (error) {
      throw toAuthError(error, 'Could not revoke the session at the portal.');
    }
  }

  /**
   * RP-initiated logout URL, or null when the provider offers none.
   *
   * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
   */
  async function endSessionUrl(idToken: string | null, state: string): Promise<string | null> {
    const as = await discover();
    if (!as.end_session_endpoint) return null;
    const url = new URL(as.end_session_endpoint);
    url.searchParams.set('client_id', options.clientId);
    url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
    url.searchParams.set('state', state);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    return url.href;
  }

  /**
   * The signed-in person's claims from the userinfo endpoint, or null when the
   * provider has none. The answer's `sub` must be the ID token's (OIDC Core
   * §5.3.2: otherwise it is someone else's profile and is refused).
   *
   * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
   */
  async function userInfo(accessToken: string, expectedSubject: string): Promise<ProfileClaims | null> {
    const as = await discover();
    if (!as.userinfo_endpoint) return null;
    let response: Response;
    try {
      response = await oauth.userInfoRequest(as, client, accessToken, httpOptions);
    } catch (error) {
      throw toAuthError(error, 'Could not read your profile from the identity provider.');
    }
    try {
      return toProfileClaims(await oauth.processUserInfoResponse(as, client, expectedSubject, response));
    } catch (error) {
      throw toAuthError(error, 'The identity provider sent a profile that could not be verified.');
    }
  }

  return {
    issuer: options.issuer,
    discover,
    hasPortalApi,
    userInfo,
    createAuthorizationRequest,
    completeAuthorization,
    refresh,
    revoke,
    endSessionUrl,
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;

function toTokenSet(result: oauth.TokenEndpointResponse): TokenSet {
  const expiresIn = typeof result.expires_in === 'number' ? result.expires_in : 300;
  return {
    accessToken: result.access_token,
    accessTokenExpiresAt: Date.now() + expiresIn * 1000,
    refreshToken: typeof result.refresh_token === 'string' ? result.refresh_token : null,
    idToken: typeof result.id_token === 'string' ? result.id_token : null,
  };
}

function toIdentityClaims(claims: oauth.IDToken): IdentityClaims {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  return {
    sub: claims.sub,
    name: typeof claims.name === 'string' ? claims.name : null,
    email: typeof claims.email === 'string' ? claims.email : null,
    acr: typeof claims.acr === 'string' ? claims.acr : null,
    amr,
    authTime: typeof claims.auth_time === 'number' ? claims.auth_time : null,
  };
}

function stringClaim(value: unknown, max = 500): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : null;
}

function toProfileClaims(claims: oauth.UserInfoResponse): ProfileClaims {
  const picture = stringClaim(claims.picture, 2000);
  let safePicture: string | null = null;
  try {
    // An image from anywhere but https could be tracked or mixed content; initials do instead.
    safePicture = picture && new URL(picture).protocol === 'https:' ? picture : null;
  } catch {
    safePicture = null;
  }
  return {
    sub: claims.sub,
    name: stringClaim(claims.name, 200),
    givenName: stringClaim(claims.given_name, 200),
    familyName: stringClaim(claims.family_name, 200),
    email: stringClaim(claims.email, 254),
    phone: stringClaim(claims.phone_number, 100),
    picture: safePicture,
    jobTitle: stringClaim(claims.job_title, 200) ?? stringClaim(claims.title, 200),
  };
}

/** Maps library and network errors to the launcher's codes, keeping the original as `cause`. */
function toAuthError(error: unknown, message: string): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof TypeError || (error instanceof DOMException && error.name === 'TimeoutError')) {
    return new AuthError('network', `${message} Check your connection and try again.`, { cause: error });
  }
  if (error instanceof oauth.ResponseBodyError) {
    return new AuthError('invalid_token_response', `${message} (${error.error})`, { cause: error });
  }
  if (
    error instanceof oauth.OperationProcessingError &&
    (error.code === oauth.HTTP_REQUEST_FORBIDDEN ||
      error.code === oauth.REQUEST_PROTOCOL_FORBIDDEN ||
      error.code === oauth.JSON_ATTRIBUTE_COMPARISON ||
      error.code === oauth.INVALID_SERVER_METADATA ||
      error.code === oauth.MISSING_SERVER_METADATA)
  ) {
    return new AuthError('portal_misconfigured', `${message} The portal's configuration is not usable.`, {
      cause: error,
    });
  }
  return new AuthError('invalid_token_response', message, { cause: error });
}
