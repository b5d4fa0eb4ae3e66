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
