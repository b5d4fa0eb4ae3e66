/**
 * Client registrations: the launcher (a public client, B1) and the apps in
 * the `apps` table (confidential relying parties, e.g. the demo apps).
 */
import type { ClientMetadata } from 'oidc-provider';
import {
  LAUNCHER_CLIENT_ID,
  LAUNCHER_POST_LOGOUT_REDIRECT_URIS,
  LAUNCHER_REDIRECT_URIS,
} from '../../../contract/constants.ts';
import type { AppRecord } from '../repo/apps.ts';

/**
 * The launcher: public (`none` auth), code + refresh grants only, exact
 * redirect URIs (B1; RFC 9700 §2.1, §4.1.3).
 */
export const launcherClient: ClientMetadata = {
  client_id: LAUNCHER_CLIENT_ID,
  client_name: 'Portal Launcher',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: [...LAUNCHER_REDIRECT_URIS],
  post_logout_redirect_uris: [...LAUNCHER_POST_LOGOUT_REDIRECT_URIS],
  id_token_signed_response_alg: 'RS256',
};

/** Provider metadata of an app's relying party (confidential, client_secret_basic/post). */
export function clientMetadataForApp(app: AppRecord): ClientMetadata {
  return {
    client_id: app.clientId as string,
    client_secret: app.clientSecret ?? undefined,
    client_name: app.name,
    token_endpoint_auth_method: app.clientSecret ? 'client_secret_basic' : 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
  };
}

/** Client id of the portal's own SAML identity provider (saml/sso.ts). */
export const SAML_BRIDGE_CLIENT_ID = 'portal-saml-idp';

/**
 * The SAML identity provider as a client of the portal's own OpenID Provider:
 * an SP-initiated sign-in runs through an ordinary authorization request, so
 * sign-in, step-up and `ForceAuthn` use the same pages and rules as every
 * other app. Public (`none`), code only, one exact redirect URI on the
 * issuer. It never redeems its codes (it reads the portal session the
 * request left behind), and sends a PKCE challenge whose verifier it throws
 * away, so a code that leaks is worth nothing.
 */
export function samlBridgeClient(issuer: string): ClientMetadata {
  return {
    client_id: SAML_BRIDGE_CLIENT_ID,
    client_name: 'SAML apps',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [`${issuer}/saml/continue`],
  };
}
