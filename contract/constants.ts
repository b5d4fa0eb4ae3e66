/**
 * Fixed facts shared by the extension and the reference portal: the launcher's
 * OAuth client registration, the assurance levels and the API location.
 *
 * Both sides import this module, so a change here changes the contract. It
 * must stay framework-free (no browser or Node APIs).
 */

/** OAuth `client_id` of the launcher (a public client, RFC 6749 §2.1). */
export const LAUNCHER_CLIENT_ID = 'portal-launcher';

/**
 * Chromium extension id, fixed by the development manifest `key`
 * (`keys/dev-extension-key.pem`, a clearly marked test key).
 */
export const CHROME_EXTENSION_ID = 'gfijghhkgcaccgnlhoolghnaabcmiblm';

/** Firefox add-on id (`browser_specific_settings.gecko.id`). */
export const GECKO_EXTENSION_ID = 'portal-launcher@portal-launcher.dev';

/**
 * Redirect URIs registered for the launcher, exactly (B1). They are the
 * addresses `identity.getRedirectURL('callback')` yields in each browser; the
 * extension catches the navigation before it reaches the network (A14).
 */
export const CHROME_REDIRECT_URI = `https://${CHROME_EXTENSION_ID}.chromiumapp.org/callback`;
/** Firefox: the host is the SHA-1 of the gecko id, as Firefox's identity API computes it. */
export const FIREFOX_REDIRECT_URI =
  'https://0c88a22ae8002f26eeb6b493b274e4b4f9baea18.extensions.allizom.org/callback';
export const LAUNCHER_REDIRECT_URIS = [CHROME_REDIRECT_URI, FIREFOX_REDIRECT_URI] as const;

/** Where RP-initiated logout returns to (caught by the extension like the callback). */
export const CHROME_POST_LOGOUT_REDIRECT_URI = `https://${CHROME_EXTENSION_ID}.chromiumapp.org/signed-out`;
export const FIREFOX_POST_LOGOUT_REDIRECT_URI =
  'https://0c88a22ae8002f26eeb6b493b274e4b4f9baea18.extensions.allizom.org/signed-out';
export const LAUNCHER_POST_LOGOUT_REDIRECT_URIS = [
  CHROME_POST_LOGOUT_REDIRECT_URI,
  FIREFOX_POST_LOGOUT_REDIRECT_URI,
] as const;

/** Origins allowed by the portal API's CORS policy (B12). */
export const LAUNCHER_ORIGINS = [`chrome-extension://${CHROME_EXTENSION_ID}`] as const;

/** `moz-extension://<uuid>`: Firefox gives each installation its own random extension origin. */
const FIREFOX_EXTENSION_ORIGIN =
  /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * True for a Firefox extension origin (`moz-extension://<uuid>`). Firefox picks
 * the UUID at random per profile, so the launcher's Firefox origin cannot be
 * listed in advance; see {@link isLauncherOrigin} for why admitting the scheme
 * is safe.
 */
export function isFirefoxExtensionOrigin(origin: string): boolean {
  return FIREFOX_EXTENSION_ORIGIN.test(origin);
}

/**
 * True for an `Origin` the launcher's own requests carry: the fixed Chromium
 * origin, or a Firefox extension origin. Firefox sends
 * `Origin: moz-extension://<uuid>` on the background's token requests, with a
 * UUID chosen at random per profile, so it cannot be listed. Admitting the
 * scheme adds no reach: browsers never let a web page send that `Origin`, and
 * the launcher is a public client whose codes are bound by PKCE and the exact
 * redirect URI, not by origin.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6454#section-7 RFC 6454 §7 (the Origin header)
 */
export function isLauncherOrigin(origin: string): boolean {
  return (LAUNCHER_ORIGINS as readonly string[]).includes(origin) || isFirefoxExtensionOrigin(origin);
}

/** Scopes the launcher asks for. `offline_access` yields the rotating refresh token. */
export const LAUNCHER_SCOPES = 'openid profile email offline_access';

/** Assurance levels carried in `acr` (DESIGN.md "Identity"). */
export const ACR_PASSWORD = 'urn:portal-launcher:acr:pwd';
export const ACR_MFA = 'urn:portal-launcher:acr:mfa';

/** Step-up freshness the portal asks for on sensitive changes, in seconds (B11). */
export const SENSITIVE_CHANGE_MAX_AGE = 300;

/**
 * RSA SSH keys shorter than this many bits are refused (B16; NIST SP 800-57
 * Part 1 Rev. 5 §5.6.3: 3072 bits for security beyond 2030). One constant for
 * the portal's check and the options page's words about it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4253#section-6.6 RFC 4253 §6.6 (the `ssh-rsa` key format)
 */
export const MIN_RSA_BITS = 3072;

/**
 * Per-user collection limits (B21), one number for both sides: the portal
 * enforces each on write, and the list schemas in schemas.ts allow exactly
 * this many, so a list at its limit still answers 200 and still validates.
 */
export const MAX_SSH_KEYS_PER_USER = 500;
/** Passkeys and security keys per user (B21): enough for every device and two spare keys. */
export const MAX_PASSKEYS_PER_USER = 10;
/** Live portal sessions per person (B21); signing in at the limit ends the least recently used one. */
export const MAX_SESSIONS_PER_USER = 1000;
/** Recovery codes issued at a time (B21): a new set replaces the old one, never adds to it. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * The language the reference portal writes its API problems in; it answers
 * every API request with this `Content-Language` (RFC 9110 §8.5), so the
 * launcher knows when to use its own words instead.
 */
export const PORTAL_CONTENT_LANGUAGE = 'en';

/** Portal API base path, relative to the issuer's origin. */
export const API_BASE_PATH = '/api/v1';

/**
 * The audience of access tokens for the portal API (RFC 8707 resource
 * indicator). The launcher sends it as `resource` in authorization and token
 * requests; the portal issues JWT access tokens with this `aud` (B6).
 */
export function apiAudience(issuer: string): string {
  return `${new URL(issuer).origin}${API_BASE_PATH}`;
}

/**
 * Discovery metadata field by which a provider advertises the portal API
 * (OpenID Connect Discovery §3 allows additional metadata). Its value is the
 * API's base URL, which must equal {@link apiAudience} of the issuer. A
 * provider without it is a plain OpenID provider: the launcher then takes its
 * apps from policy, sends no RFC 8707 `resource`, and hides what needs the API.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export const PORTAL_API_METADATA = 'portal_api_endpoint';
