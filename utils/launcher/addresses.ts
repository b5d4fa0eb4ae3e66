/**
 * The two address rules of the launcher: which launch URLs may reach a tab
 * (A9), and how a typed portal address becomes an issuer identifier (A11).
 * Pure; both build on the one loopback rule in contract/addresses.ts.
 */
import { isLoopbackHttp } from '../../contract/addresses.ts';
import { AuthError } from '../auth/errors.ts';

/**
 * A9: only `https:` launch URLs, or `http:` on loopback for development, are
 * opened. `javascript:`, `data:`, `file:` and the like never reach a tab.
 */
export function isSafeLaunchUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  return parsed.protocol === 'https:' || isLoopbackHttp(parsed);
}

/**
 * Normalizes a typed portal address into an issuer identifier: `https:` (or
 * loopback `http:`), no credentials, query or fragment, no trailing slash.
 *
 * @throws {AuthError} `invalid_portal_url` or `insecure_portal_url`.
 */
export function normalizePortalUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.includes('://') ? input : `https://${input}`);
  } catch {
    throw new AuthError(
      'invalid_portal_url',
      'That is not a web address. Enter your portal address, e.g. https://portal.example.com.',
    );
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
    throw new AuthError(
      'insecure_portal_url',
      'The portal address must start with https://. Ask your administrator for it.',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new AuthError(
      'invalid_portal_url',
      'Enter only the portal address, without a query, fragment or credentials.',
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path}`;
}
