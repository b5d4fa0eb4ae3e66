/**
 * The portal address: the one rule for what a person or an administrator may
 * give as the portal, what is stored, and which host permission it needs.
 * Used by the launcher (the popup's first run), the policy schemas (managed
 * `portalUrl` and the user's setting), and the popup's and options page's
 * address forms.
 *
 * The rule. The portal address IS the OpenID Provider's issuer identifier:
 * discovery's `issuer` must match it (A3, RFC 8414 §3.3) and every ID token's
 * `iss` is checked against it. So it is stored exactly as given (surrounding
 * whitespace aside), never rewritten:
 * - no trailing slash is stripped and no case is folded: `/realms/acme` and
 *   `/realms/acme/` are different issuers, and a launcher that rewrote one
 *   into the other could never sign in to the provider whose issuer it is;
 *   spellings the URL parser treats as the same (`https://Portal.example.com/`
 *   and `https://portal.example.com`) already match in discovery, which
 *   compares parsed URLs;
 * - it is `https:` (or `http:` on loopback, for development; contract/addresses.ts),
 *   with no credentials, query (`?`) or fragment (`#`), as RFC 8414 §2 wants
 *   of an issuer;
 * - only where a person types it, a missing scheme means `https://`
 *   (`portal.example.com`); an administrator's policy must spell it out.
 *
 * Framework-free except {@link requestPortalHostPermission}, which needs the
 * browser and must run inside the click that saves the address.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation issuer must match
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 no query or fragment in an issuer
 */
import type { browser } from 'wxt/browser';
import { issuerProblem } from '../../contract/addresses.ts';
import { AuthError } from '../auth/errors.ts';

/** Why an address cannot be the portal address (contract/addresses.ts, shared with the portal's own issuer check). */
export type { IssuerProblem as PortalAddressProblem } from '../../contract/addresses.ts';
/**
 * Why `address` cannot be the portal address, or null when it can. `address`
 * is taken as it is (no scheme is added): see {@link portalAddressFromInput}
 * for typed text.
 */
export const portalAddressProblem = issuerProblem;

/**
 * What a person typed as the portal address, as the address to check and
 * store: trimmed, with `https://` in front when no scheme was typed. Nothing
 * else changes (see the rule above).
 */
export function portalAddressFromInput(input: string): string {
  const trimmed = input.trim();
  return trimmed === '' || trimmed.includes('://') ? trimmed : `https://${trimmed}`;
}

/**
 * A typed portal address as the issuer identifier to store
 * ({@link portalAddressFromInput}, then checked by {@link portalAddressProblem}).
 *
 * @throws {AuthError} `insecure_portal_url` for an address that is not https
 *   (plain http is for this computer only), `invalid_portal_url` for anything
 *   else that cannot be an issuer.
 */
export function normalizePortalUrl(input: string): string {
  const address = portalAddressFromInput(input);
  const problem = portalAddressProblem(address);
  if (problem === null) return address;
  switch (problem.kind) {
    case 'invalid':
      throw new AuthError(
        'invalid_portal_url',
        'That is not a web address. Enter your portal address, e.g. https://portal.example.com.',
      );
    case 'insecure':
      throw new AuthError(
        'insecure_portal_url',
        'The portal address must start with https://. Ask your administrator for it.',
      );
    default:
      throw new AuthError(
        'invalid_portal_url',
        'Enter only the portal address, without a query, fragment or credentials.',
      );
  }
}

/**
 * The host permission a portal address needs (`https://portal.example.com/*`:
 * every port and path of its host, as match patterns have no port), or null
 * when the typed text is not an acceptable portal address.
 *
 * @see https://developer.chrome.com/docs/extensions/develop/concepts/match-patterns
 */
export function portalOriginPattern(input: string): string | null {
  const address = portalAddressFromInput(input);
  if (portalAddressProblem(address) !== null) return null;
  const url = new URL(address);
  return `${url.protocol}//${url.hostname}/*`;
}

/**
 * Asks for the host permission of a typed portal address. Must be called
 * inside the click that saves it (a user gesture); the answer is not awaited
 * and a refusal is fine: portals that allow the extension's origin (CORS)
 * work without it.
 */
export function requestPortalHostPermission(
  input: string,
  permissions: Pick<typeof browser.permissions, 'request'>,
): Promise<boolean> {
  const pattern = portalOriginPattern(input);
  if (!pattern) return Promise.resolve(false);
  return Promise.resolve(permissions.request({ origins: [pattern] })).catch(() => false);
}
