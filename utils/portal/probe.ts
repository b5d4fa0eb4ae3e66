/**
 * Checks a typed portal address before it is saved: is it an address at
 * all, is it https, does something answer there, and is what answers an
 * identity portal (an OpenID Connect discovery document naming that issuer).
 * Without this an address that answers but is no portal was saved and later
 * reported as "did not answer".
 *
 * Contract: {@link probePortal} never throws; every outcome is a coded value
 * the popup words in its language. It runs in the background, which holds
 * the host permission for the typed origin (A7); it sends one GET without
 * credentials and reads nothing but the discovery document.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
import { isCodedError } from '../errors.ts';
import { normalizePortalUrl } from './address.ts';

/** What a probe found. `host` is the address's host, for the sentence that names it. */
export type PortalProbeResult =
  | { readonly code: 'ok'; readonly issuer: string }
  | { readonly code: 'invalid_address' }
  | { readonly code: 'https_required' }
  | { readonly code: 'no_answer'; readonly host: string }
  /** It answered, but the browser would not let the extension read it: no host permission (A7) and no CORS. */
  | { readonly code: 'unreadable'; readonly host: string }
  | { readonly code: 'not_a_portal'; readonly host: string };

/** The probe's codes, for the popup's words. */
export type PortalProbeCode = PortalProbeResult['code'];

export interface ProbePortalOptions {
  /** Injected in tests; the global `fetch` otherwise. */
  readonly fetch?: typeof fetch;
  /** How long to wait for an answer (default 10 s): a silent host is "did not answer", not a hang. */
  readonly timeoutMs?: number;
}

/**
 * The discovery document's address for `issuer`: `/.well-known/openid-configuration`
 * appended to the issuer's path (OIDC Discovery §4), not put at the origin root.
 */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** Whether `body` is a discovery document for `issuer` (the fields sign-in needs, issuer exact, A3). */
function isDiscoveryFor(body: unknown, issuer: string): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const doc = body as Record<string, unknown>;
  return (
    doc.issuer === issuer &&
    typeof doc.authorization_endpoint === 'string' &&
    typeof doc.token_endpoint === 'string'
  );
}

/** Probes the typed address `input`; see the module contract. */
export async function probePortal(
  input: string,
  options: ProbePortalOptions = {},
): Promise<PortalProbeResult> {
  let issuer: string;
  try {
    issuer = normalizePortalUrl(input.trim());
  } catch (error) {
    return isCodedError(error, 'insecure_portal_url')
      ? { code: 'https_required' }
      : { code: 'invalid_address' };
  }
  const host = new URL(issuer).host;
  const fetcher = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await fetcher(discoveryUrl(issuer), {
      headers: { accept: 'application/json' },
      credentials: 'omit',
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch {
    // Refused, unknown host, TLS failure, timeout, a redirect elsewhere — or an answer the browser
    // hid (CORS, without the host permission). An opaque request tells these apart: it resolves
    // whenever the host answered at all.
    const answered = await fetcher(discoveryUrl(issuer), {
      mode: 'no-cors',
      credentials: 'omit',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    }).then(
      () => true,
      () => false,
    );
    return { code: answered ? 'unreadable' : 'no_answer', host };
  }
  // It answered; anything but a discovery document for this issuer means it is not a portal.
  if (!response.ok) return { code: 'not_a_portal', host };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { code: 'not_a_portal', host };
  }
  if (isDiscoveryFor(body, issuer)) return { code: 'ok', issuer };
  // A typed trailing slash ("portal.example.com/") is not part of the issuer the portal names; the
  // issuer is kept exactly as the portal spells it (A3), so take the portal's spelling.
  const withoutSlash = issuer.replace(/\/+$/, '');
  if (withoutSlash !== issuer && isDiscoveryFor(body, withoutSlash))
    return { code: 'ok', issuer: withoutSlash };
  return { code: 'not_a_portal', host };
}

/** How long a launch waits for the portal before saying it did not answer (a stopped portal refuses at once). */
export const PORTAL_CHECK_TIMEOUT_MS = 4000;

/**
 * Whether the portal at `issuer` answers at all (any HTTP answer to its
 * discovery document counts), before a launch opens a step-up tab there: a
 * stopped portal fails the launch at once with "did not answer", like an app
 * without step-up, instead of a tab onto a dead address.
 */
export async function portalAnswers(
  issuer: string,
  fetcher: typeof fetch = fetch,
  timeoutMs = PORTAL_CHECK_TIMEOUT_MS,
): Promise<boolean> {
  try {
    await fetcher(discoveryUrl(issuer), {
      headers: { accept: 'application/json' },
      credentials: 'omit',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return true;
  } catch {
    return false;
  }
}
