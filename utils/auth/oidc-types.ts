/**
 * The shapes the launcher's OpenID Connect client takes and gives (see
 * ./oidc.ts): its options, a pending authorization request, and the
 * validated tokens and claims. Types only.
 */

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
