/**
 * The launcher's OpenID Connect client: request/process pairs over
 * `oauth4webapi`, with the provider metadata passed in explicitly. The parts:
 * ./oidc-connection.ts (discovery, HTTP options, the portal API's presence),
 * ./oidc-code-flow.ts (authorization request and callback), the token
 * lifecycle here (refresh, revocation, logout, userinfo), and
 * ./oidc-responses.ts (results and errors in the launcher's shapes).
 *
 * Contract: every function throws {@link AuthError} (with the library error as
 * `cause`) for expected protocol failures; it holds no session state. Only the
 * background calls it.
 */
import * as oauth from 'oauth4webapi';
import { AuthError } from './errors.ts';
import { completeAuthorization, createAuthorizationRequest } from './oidc-code-flow.ts';
import { createOidcConnection } from './oidc-connection.ts';
import { toAuthError, toProfileClaims, toTokenSet } from './oidc-responses.ts';
import type {
  AuthorizationRequestOptions,
  AuthorizationTransaction,
  OidcClientOptions,
  ProfileClaims,
  TokenSet,
} from './oidc-types.ts';

export type {
  AuthorizationRequestOptions,
  AuthorizationTransaction,
  IdentityClaims,
  OidcClientOptions,
  ProfileClaims,
  TokenSet,
} from './oidc-types.ts';

/**
 * The OIDC client for one issuer. Discovery is fetched once and cached (the
 * same metadata object also keys oauth4webapi's JWKS cache).
 */
export function createOidcClient(options: OidcClientOptions) {
  const connection = createOidcConnection(options);
  const { client, clientAuth, httpOptions, discover, resourceParameter } = connection;

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
      // invalid_grant: the refresh token is revoked, expired or reused (RFC 6749 §5.2). A bare 400
      // with no error body says the same from providers that skip the body (Glewlwyd 2.7 answers a
      // disabled refresh token so); other errors (a 5xx, invalid_client) leave the session alone.
      const refused =
        error instanceof oauth.ResponseBodyError
          ? error.error === 'invalid_grant'
          : response.status === 400 && !(await hasBody(response));
      if (refused) {
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
    hasPortalApi: connection.hasPortalApi,
    userInfo,
    createAuthorizationRequest: (request?: AuthorizationRequestOptions) =>
      createAuthorizationRequest(connection, request),
    completeAuthorization: (transaction: AuthorizationTransaction, callbackUrl: string) =>
      completeAuthorization(connection, transaction, callbackUrl),
    refresh,
    revoke,
    endSessionUrl,
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;

/** Whether `response` carries any body text (read from a clone; an unreadable body counts as one). */
async function hasBody(response: Response): Promise<boolean> {
  try {
    return (await response.clone().text()).trim() !== '';
  } catch {
    return true;
  }
}
