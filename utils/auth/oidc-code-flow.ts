/**
 * The authorization code flow of the OpenID Connect client (./oidc.ts) as a
 * request/process pair: {@link createAuthorizationRequest} builds the URL
 * and the secrets to keep (PKCE S256, `state`, `nonce`, step-up parameters),
 * {@link completeAuthorization} checks the redirect and redeems the code.
 *
 * Contract: expected failures throw {@link AuthError} with the library error
 * as `cause`; nothing is stored here (the caller keeps the transaction).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 authorization code grant
 */
import * as oauth from 'oauth4webapi';
import { LAUNCHER_SCOPES } from '../../contract/constants.ts';
import { AuthError } from './errors.ts';
import type { OidcConnection } from './oidc-connection.ts';
import { toAuthError, toIdentityClaims, toTokenSet } from './oidc-responses.ts';
import type {
  AuthorizationRequestOptions,
  AuthorizationTransaction,
  IdentityClaims,
  TokenSet,
} from './oidc-types.ts';

/**
 * Builds an authorization request with PKCE S256, `state` and `nonce` (A1).
 * The caller persists the transaction BEFORE opening the tab (C1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-4
 */
export async function createAuthorizationRequest(
  connection: OidcConnection,
  request: AuthorizationRequestOptions = {},
): Promise<{ url: string; transaction: AuthorizationTransaction }> {
  const { options, discover, resourceParameter } = connection;
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
export async function completeAuthorization(
  connection: OidcConnection,
  transaction: AuthorizationTransaction,
  callbackUrl: string,
): Promise<{ tokens: TokenSet; claims: IdentityClaims }> {
  const { options, client, clientAuth, httpOptions, discover, resourceParameter } = connection;
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
      // utils/auth/step-up.ts checks auth_time against max_age itself, to say why a result
      // falls short (missing, 0, too old, in the future) rather than a generic failure.
      maxAge: oauth.skipAuthTimeCheck,
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
