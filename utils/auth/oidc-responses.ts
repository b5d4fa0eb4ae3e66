/**
 * The process side of the OpenID Connect client (./oidc.ts): turns
 * `oauth4webapi`'s validated results into the launcher's shapes, keeping
 * only the claims it uses and only safe values (an `https:` picture, bounded
 * strings), and maps library and network errors to {@link AuthError} codes.
 *
 * Contract: pure functions; the inputs were already validated by
 * oauth4webapi's `process*Response` functions.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims standard claims
 */
import * as oauth from 'oauth4webapi';
import { AuthError } from './errors.ts';
import type { IdentityClaims, ProfileClaims, TokenSet } from './oidc-types.ts';

export function toTokenSet(result: oauth.TokenEndpointResponse): TokenSet {
  const expiresIn = typeof result.expires_in === 'number' ? result.expires_in : 300;
  return {
    accessToken: result.access_token,
    accessTokenExpiresAt: Date.now() + expiresIn * 1000,
    refreshToken: typeof result.refresh_token === 'string' ? result.refresh_token : null,
    idToken: typeof result.id_token === 'string' ? result.id_token : null,
  };
}

export function toIdentityClaims(claims: oauth.IDToken): IdentityClaims {
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

export function toProfileClaims(claims: oauth.UserInfoResponse): ProfileClaims {
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
export function toAuthError(error: unknown, message: string): AuthError {
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
