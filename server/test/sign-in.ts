/**
 * Test helper: signs a user in through the portal's real interaction pages
 * (email → password → second factor) with a PKCE authorization-code flow, as
 * the launcher does, and returns the tokens.
 *
 * Protocol steps use oauth4webapi (the library the extension uses), so the
 * authorization response is validated too (`iss`, `state`; RFC 9207).
 */
import * as oauth from 'oauth4webapi';
import * as OTPAuth from 'otpauth';
import {
  apiAudience,
  CHROME_REDIRECT_URI,
  LAUNCHER_CLIENT_ID,
  LAUNCHER_SCOPES,
} from '../../contract/constants.ts';
import type { RunningPortal } from '../src/app.ts';
import { HttpClient, type HttpResult, parseForms } from './http.ts';

export interface SignInOptions {
  email: string;
  password: string;
  /** A fixed TOTP (or recovery) code to enter when the second-factor page appears. */
  totp?: string;
  /** Base32 secret: the helper computes the current code when the second-factor page appears. */
  totpSecret?: string;
  /**
   * Set up an authenticator when the portal asks (required MFA, or step-up without a
   * factor): the helper reads the key off the page, confirms a code and saves what it got here.
   */
  enrol?: { secret?: string; recoveryCodes?: string[] };
  acrValues?: string;
  maxAge?: number;
  /** Reuse a browser (cookie jar) that may already hold a portal session. */
  client?: HttpClient;
  /** Extra authorization request parameters (e.g. `launch_app`, `prompt`). */
  extraParams?: Record<string, string>;
  /**
   * Ask for the portal API audience (RFC 8707 `resource`), as the launcher does
   * when the portal has the API. Default true; false is provider-only mode.
   */
  resource?: boolean;
}

export interface SignInResult {
  access_token: string;
  refresh_token: string;
  id_token: string;
  expires_in?: number;
  /** ID token claims (validated by oauth4webapi). */
  claims: oauth.IDToken;
  /** The browser that signed in (holds the portal session cookie). */
  client: HttpClient;
  /**
   * Which interaction pages were shown, in order (`email`, `password`, `second-factor`,
   * `enrol`, `enrolment-done`).
   */
  pages: string[];
}

/** Thrown when the flow ended somewhere other than the redirect URI with a code. */
export class SignInFlowError extends Error {
  override name = 'SignInFlowError';
  constructor(
    message: string,
    readonly last: HttpResult,
  ) {
    super(message);
  }
}

export const testClient: oauth.Client = { client_id: LAUNCHER_CLIENT_ID, token_endpoint_auth_method: 'none' };
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** Discovery metadata of the running portal (http loopback allowed for tests). */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  const response = await oauth.discoveryRequest(url, { ...insecure, algorithm: 'oidc' });
  return oauth.processDiscoveryResponse(url, response);
}

/** The pending authorization request a test can drive by hand. */
export interface StartedAuthorization {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Builds a launcher-style authorization URL (PKCE S256, state, nonce, resource). */
export async function buildAuthorizationUrl(
  portal: Pick<RunningPortal, 'issuer'>,
  options: Pick<SignInOptions, 'acrValues' | 'maxAge' | 'extraParams' | 'resource'> & {
    loginHint?: string;
  } = {},
): Promise<StartedAuthorization> {
  const as = await discover(portal.issuer);
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint as string);
  url.search = new URLSearchParams({
    client_id: LAUNCHER_CLIENT_ID,
    redirect_uri: CHROME_REDIRECT_URI,
    response_type: 'code',
    scope: LAUNCHER_SCOPES,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.resource !== false ? { resource: apiAudience(portal.issuer) } : {}),
    ...(options.acrValues ? { acr_values: options.acrValues } : {}),
    ...(options.maxAge !== undefined ? { max_age: String(options.maxAge) } : {}),
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    ...options.extraParams,
  }).toString();
  return { url: url.href, state, nonce, codeVerifier };
}

/** Which interaction page an HTML answer is, by its form's action (`…/email`, `…/password`, …). */
export function pageKind(result: HttpResult): string | undefined {
  const form = parseForms(result.body, result.url).find((f) =>
    /\/interaction\/[^/]+\/[a-z-]+$/.test(f.action),
  );
  return form?.action.split('/').pop();
}

/**
 * Drives the sign-in pages from `result` until the provider redirects to the
 * launcher's redirect URI. Fills email, password and second factor from `options`.
 */
export async function completeInteraction(
  client: HttpClient,
  start: HttpResult,
  options: Pick<SignInOptions, 'email' | 'password' | 'totp' | 'totpSecret' | 'enrol'>,
  pages: string[] = [],
): Promise<HttpResult> {
  const isRedirectUri = (location: string) => location.startsWith(CHROME_REDIRECT_URI);
  let result = await client.continue(start, isRedirectUri);
  for (let step = 0; step < 8; step++) {
    if (result.location && isRedirectUri(result.location)) return result;
    const kind = pageKind(result);
    const form = parseForms(result.body, result.url).find((f) => f.action.endsWith(`/${kind}`));
    if (!kind || !form) break;
    pages.push(kind);
    const fields = { ...form.fields };
    if (kind === 'email') fields.email = options.email;
    else if (kind === 'password') fields.password = options.password;
    else if (kind === 'second-factor') {
      const code =
        options.totp ??
        (options.totpSecret
          ? new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(options.totpSecret) }).generate()
          : undefined);
      if (!code)
        throw new SignInFlowError('The portal asked for a second factor but no code was given.', result);
      fields.code = code;
    } else if (kind === 'enrol' && options.enrol) {
      const secret = enrolmentSecret(result.body);
      options.enrol.secret = secret;
      fields.code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate();
    } else if (kind === 'enrolment-done' && options.enrol) {
      options.enrol.recoveryCodes = recoveryCodesOn(result.body);
    } else break;
    result = await client.continue(await client.postForm(form.action, fields), isRedirectUri);
  }
  throw new SignInFlowError(`Sign-in did not reach the redirect URI (last status ${result.status}).`, result);
}

/** The authenticator key shown on the enrolment page (grouped by four for typing). */
export function enrolmentSecret(body: string): string {
  const shown = /data-testid="totp-secret">([A-Z2-7 ]+)</.exec(body)?.[1];
  if (!shown) throw new Error('The page shows no authenticator key.');
  return shown.replace(/ /g, '');
}

/** The recovery codes listed on a page (empty when it lists none). */
export function recoveryCodesOn(body: string): string[] {
  const list = /data-testid="recovery-codes">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? '';
  return [...list.matchAll(/<li>([^<]+)<\/li>/g)].map((match) => match[1] as string);
}

/**
 * Signs in through the real pages and exchanges the code for tokens.
 *
 * @throws {SignInFlowError} when the pages end anywhere but a code (wrong password, lockout, …).
 */
export async function signIn(
  portal: Pick<RunningPortal, 'issuer'>,
  options: SignInOptions,
): Promise<SignInResult> {
  const client = options.client ?? new HttpClient();
  const as = await discover(portal.issuer);
  const started = await buildAuthorizationUrl(portal, options);
  const pages: string[] = [];
  const redirect = await completeInteraction(client, await client.get(started.url), options, pages);
  const tokens = await exchangeCode(portal, as, redirect.location as string, started, options);
  return { ...tokens, client, pages };
}

/** Validates the authorization response and redeems the code (oauth4webapi). */
export async function exchangeCode(
  portal: Pick<RunningPortal, 'issuer'>,
  as: oauth.AuthorizationServer,
  redirectLocation: string,
  started: StartedAuthorization,
  options: Pick<SignInOptions, 'maxAge' | 'resource'> = {},
): Promise<Omit<SignInResult, 'client' | 'pages'>> {
  const params = oauth.validateAuthResponse(as, testClient, new URL(redirectLocation), started.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    testClient,
    oauth.None(),
    params,
    CHROME_REDIRECT_URI,
    started.codeVerifier,
    options.resource === false
      ? insecure
      : { ...insecure, additionalParameters: { resource: apiAudience(portal.issuer) } },
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, testClient, response, {
    expectedNonce: started.nonce,
    requireIdToken: true,
    ...(options.maxAge !== undefined ? { maxAge: options.maxAge } : {}),
  });
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims || !tokens.refresh_token || !tokens.id_token) {
    throw new Error('The token response lacked an ID token or a refresh token.');
  }
  return {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    id_token: tokens.id_token,
    expires_in: tokens.expires_in,
    claims,
  };
}

/**
 * Refreshes with the launcher client (no client authentication), returning the raw response.
 * `at`: the address to send it to (one node of several behind one issuer); the issuer's by default.
 */
export async function refresh(
  portal: Pick<RunningPortal, 'issuer'>,
  refreshToken: string,
  at: string = portal.issuer,
): Promise<Response> {
  return fetch(`${at}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: LAUNCHER_CLIENT_ID,
      resource: apiAudience(portal.issuer),
    }),
  });
}
