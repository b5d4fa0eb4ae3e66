/**
 * A code flow against Glewlwyd without a browser, to pin down what its ID
 * tokens say: the user's session comes from Glewlwyd's login API (password
 * only, scope `openid`, so no TOTP code is spent), the authorization request
 * carries that session cookie, and the token request is made as the launcher
 * makes it (public client, PKCE, no cookie). Checked with oauth4webapi, the
 * library the launcher uses.
 */
import * as oauth from 'oauth4webapi';
import { CHROME_REDIRECT_URI, LAUNCHER_CLIENT_ID } from '../../../contract/constants.ts';
import { ApiSession, type RunningGlewlwyd } from './setup.ts';

export interface CodeFlowResult {
  /** The ID token's claims as sent (decoded, signature not checked here). */
  idTokenClaims: Record<string, unknown>;
  /** What oauth4webapi says about the token response under the launcher's checks (`max_age` included). */
  verification: { ok: true } | { ok: false; message: string };
}

/** Runs one authorization code flow for `scope` with `max_age`, password only. */
export async function passwordCodeFlow(
  glewlwyd: RunningGlewlwyd,
  request: { scope: string; maxAge: number },
): Promise<CodeFlowResult> {
  const session = new ApiSession(glewlwyd.baseUrl);
  await session.send('POST', '/auth/', {
    username: glewlwyd.user.username,
    password: glewlwyd.user.password,
  });

  const issuer = new URL(glewlwyd.issuer);
  const as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oidc', [oauth.allowInsecureRequests]: true }),
  );
  const client: oauth.Client = { client_id: LAUNCHER_CLIENT_ID };
  const verifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const state = oauth.generateRandomState();
  const authorize = new URL(as.authorization_endpoint as string);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: LAUNCHER_CLIENT_ID,
    redirect_uri: CHROME_REDIRECT_URI,
    scope: request.scope,
    state,
    nonce,
    max_age: String(request.maxAge),
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  // `g_continue` is what Glewlwyd's login page adds when the user clicks "Continue": without it
  // the authorization endpoint always shows that page first.
  const answer = await session.raw(`${authorize.href}&g_continue`);
  const location = answer.headers.get('location');
  if (!location?.startsWith(CHROME_REDIRECT_URI)) {
    throw new Error(`Glewlwyd did not redirect to the launcher (status ${answer.status}, ${location}).`);
  }
  const params = oauth.validateAuthResponse(as, client, new URL(location), state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    CHROME_REDIRECT_URI,
    verifier,
    { [oauth.allowInsecureRequests]: true },
  );
  const body = (await response.clone().json()) as { id_token?: string };
  const payload = body.id_token?.split('.')[1];
  if (!payload) throw new Error('Glewlwyd sent no ID token.');
  const idTokenClaims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  try {
    await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: nonce,
      maxAge: request.maxAge,
      requireIdToken: true,
    });
    return { idTokenClaims, verification: { ok: true } };
  } catch (error) {
    return { idTokenClaims, verification: { ok: false, message: (error as Error).message } };
  }
}
