/**
 * The one rule for network addresses, shared by the extension and the
 * reference portal: which hosts are this machine (loopback), and which URLs
 * may be used to reach a portal, an app or a page (`https:`, or `http:` on
 * loopback for development; never credentials in the URL).
 *
 * Framework-free (no browser or Node APIs): both sides import it.
 */

/**
 * Whether a URL host names this machine: `localhost`, `127.0.0.0/8` or `::1`.
 *
 * Takes `URL.hostname`, which the WHATWG URL parser has already normalised
 * (`127.1` and `0x7f.0.0.1` become `127.0.0.1`, IPv6 is bracketed and
 * compressed), so the string checks below cannot be dodged by spelling.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3 loopback interface
 * @see https://www.rfc-editor.org/rfc/rfc6890#section-2.2.2 127.0.0.0/8
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const octets = hostname.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
  );
}

/** True for `http:` on a loopback host: the only insecure address accepted (development). */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/**
 * Why a URL may not be used as a network address, or `null` when it may:
 * `https:`, or `http:` to a loopback host (development), and no user name or
 * password in it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.6 TLS for every endpoint but loopback
 */
export function networkUrlProblem(url: URL): string | null {
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
    return url.protocol === 'http:'
      ? 'must use https:// (plain http:// is allowed only for this machine: localhost, 127.0.0.1 or [::1]).'
      : `must be an https:// address, not ${url.protocol}.`;
  }
  // Credentials in a URL leak into logs and history, and a phishing URL can
  // hide its real host behind them (https://portal.example.com@evil.test).
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password.';
  return null;
}

/** `new URL(value)`, or null when the value is not an absolute URL. */
export function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Whether `value` is a URL that passes {@link networkUrlProblem}. */
export function isNetworkUrl(value: string): boolean {
  const url = parseUrl(value);
  return url !== null && networkUrlProblem(url) === null;
}

/** Why a URL cannot be an issuer identifier (a portal address). */
export interface IssuerProblem {
  /** `invalid`: not an absolute URL; `insecure`: not https (or loopback http); the rest say what it carries. */
  kind: 'invalid' | 'insecure' | 'credentials' | 'query' | 'fragment';
  /** The end of a sentence starting "The portal address …" ("must not contain a query (?…)."). */
  reason: string;
}

/**
 * Why `value` cannot be an OpenID Provider's issuer identifier, or null when
 * it can: a network URL ({@link networkUrlProblem}) with no query or
 * fragment. `value` is judged as written; nothing is added or stripped.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 issuer: https, no query or fragment
 */
export function issuerProblem(value: string): IssuerProblem | null {
  const url = parseUrl(value);
  if (url === null) return { kind: 'invalid', reason: 'is not a valid URL (https://portal.example.com).' };
  const network = networkUrlProblem(url);
  if (network !== null) {
    return { kind: url.username !== '' || url.password !== '' ? 'credentials' : 'insecure', reason: network };
  }
  // `includes`: an empty `?` or `#` leaves `search`/`hash` empty but is still not part of an issuer.
  if (url.search !== '' || value.includes('?'))
    return { kind: 'query', reason: 'must not contain a query (?…).' };
  if (url.hash !== '' || value.includes('#')) {
    return { kind: 'fragment', reason: 'must not contain a fragment (#…).' };
  }
  return null;
}
