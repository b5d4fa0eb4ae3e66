/**
 * The connection half of the OpenID Connect client (./oidc.ts): one issuer's
 * discovery (fetched once, cached, retried after a failure), the client's
 * registration, the HTTP options every request shares (timeout, injected
 * fetch, plain HTTP only for loopback), and whether the issuer has the
 * portal API (RFC 8707 `resource`).
 *
 * Contract: throws {@link AuthError} (`portal_misconfigured` for a non-https
 * issuer or a mismatched API address); the request/process pairs in
 * ./oidc-code-flow.ts and ./oidc.ts take the connection it returns.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html discovery
 */
import * as oauth from 'oauth4webapi';
import { isLoopbackHttp } from '../../contract/addresses.ts';
import { apiAudience, PORTAL_API_METADATA } from '../../contract/constants.ts';
import { AuthError } from './errors.ts';
import { toAuthError } from './oidc-responses.ts';
import type { OidcClientOptions } from './oidc-types.ts';

const DEFAULT_TIMEOUT_MS = 15_000;

/** What every request to one issuer shares; see the module comment. */
export function createOidcConnection(options: OidcClientOptions) {
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

  return { options, client, clientAuth, httpOptions, discover, hasPortalApi, resourceParameter };
}

export type OidcConnection = ReturnType<typeof createOidcConnection>;
