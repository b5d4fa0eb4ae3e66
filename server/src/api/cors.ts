/**
 * CORS for the portal API: only the launcher's own extension origin(s) may
 * read API answers from a browser context; any other origin gets no CORS
 * headers at all, so the browser withholds the response (B12).
 *
 * The API uses bearer tokens, never cookies, so `Access-Control-Allow-Credentials`
 * is never sent: a page cannot ride on an ambient session.
 *
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol Fetch standard, CORS protocol
 */

import { isFirefoxExtensionOrigin } from '../../../contract/constants.ts';

/**
 * The listed origins, plus any Firefox extension origin: Firefox gives the
 * launcher a random origin per profile, and without CORS it can read the API
 * only when the employee granted the portal's host permission, which a
 * force-installed (managed) deployment never asks for.
 */
function isAllowed(origin: string | undefined, allowed: ReadonlySet<string>): origin is string {
  return origin !== undefined && (allowed.has(origin) || isFirefoxExtensionOrigin(origin));
}

/** Request headers the launcher sends. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, If-None-Match';
/** Response headers the launcher must read (ETag for caching, WWW-Authenticate for step-up). */
const EXPOSED_HEADERS = 'ETag, WWW-Authenticate, Location';
/** Preflight cache lifetime (seconds). */
const PREFLIGHT_MAX_AGE = '600';

/** Headers to add to an actual (non-preflight) response; empty for a foreign origin. */
export function corsHeaders(
  origin: string | undefined,
  allowed: ReadonlySet<string>,
): Record<string, string> {
  // `Vary: Origin` on every answer: the headers differ by origin, so a shared cache must not mix them.
  const headers: Record<string, string> = { Vary: 'Origin' };
  if (isAllowed(origin, allowed)) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Expose-Headers'] = EXPOSED_HEADERS;
  }
  return headers;
}

/**
 * Headers for a preflight (`OPTIONS` with `Access-Control-Request-Method`) to a
 * path that accepts `methods`. Only an allowed origin gets the `Access-Control-*`
 * answers; any other origin gets a plain 204 the browser treats as a refusal.
 */
export function preflightHeaders(
  origin: string | undefined,
  allowed: ReadonlySet<string>,
  methods: readonly string[],
): Record<string, string> {
  const headers: Record<string, string> = { Vary: 'Origin', Allow: ['OPTIONS', ...methods].join(', ') };
  if (isAllowed(origin, allowed)) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Allow-Methods'] = methods.join(', ');
    headers['Access-Control-Allow-Headers'] = ALLOWED_HEADERS;
    headers['Access-Control-Max-Age'] = PREFLIGHT_MAX_AGE;
  }
  return headers;
}
