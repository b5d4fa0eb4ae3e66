/**
 * A small cookie-jar HTTP client for integration tests: it keeps cookies per
 * host like a browser (path, expiry, Max-Age), follows redirects only when
 * asked, and reads the forms of the server-rendered pages.
 *
 * Cookies are scoped by hostname, not port, exactly as browsers do (RFC 6265
 * §8.5), which is why the demo apps use distinct cookie names.
 */

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expiresAt: number | null;
}

/** Browser-like cookie storage (RFC 6265, the parts the portal uses). */
export class CookieJar {
  private cookies: StoredCookie[] = [];

  /** Stores the `Set-Cookie` headers of a response to `url`. */
  store(url: string, response: Response): void {
    const { hostname, pathname } = new URL(url);
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: StoredCookie = {
        name: pair.slice(0, eq),
        value: pair.slice(eq + 1),
        host: hostname,
        path: pathname.replace(/\/[^/]*$/, '') || '/',
        expiresAt: null,
      };
      for (const attribute of attributes) {
        const [key = '', value = ''] = attribute.split('=');
        const lower = key.toLowerCase();
        if (lower === 'path' && value.startsWith('/')) cookie.path = value;
        else if (lower === 'max-age') cookie.expiresAt = Date.now() + Number(value) * 1000;
        else if (lower === 'expires' && cookie.expiresAt === null) cookie.expiresAt = Date.parse(value);
      }
      this.cookies = this.cookies.filter(
        (c) => !(c.name === cookie.name && c.host === cookie.host && c.path === cookie.path),
      );
      if (cookie.expiresAt === null || cookie.expiresAt > Date.now()) this.cookies.push(cookie);
    }
  }

  /** The `Cookie` header value for a request to `url` (longest path first). */
  header(url: string): string {
    const { hostname, pathname } = new URL(url);
    return this.cookies
      .filter(
        (c) =>
          c.host === hostname &&
          (pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)) &&
          (c.expiresAt === null || c.expiresAt > Date.now()),
      )
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** Names of the cookies held for a host. */
  names(host = '127.0.0.1'): string[] {
    return this.cookies.filter((c) => c.host === host).map((c) => c.name);
  }

  /** Value of a cookie by name (any path), for assertions. */
  get(name: string, host = '127.0.0.1'): string | undefined {
    return this.cookies.find((c) => c.name === name && c.host === host)?.value;
  }

  clear(): void {
    this.cookies = [];
  }

  /** A copy holding the same cookies now: a second tab that set off before later answers arrived. */
  clone(): CookieJar {
    const copy = new CookieJar();
    copy.cookies = this.cookies.map((cookie) => ({ ...cookie }));
    return copy;
  }
}

/** Options of {@link HttpClient}. */
export interface HttpClientOptions {
  jar?: CookieJar;
  /** Extra headers on every request (e.g. a User-Agent). */
  headers?: Record<string, string>;
}

/** One page or response, with its body read. */
export interface HttpResult {
  url: string;
  status: number;
  headers: Headers;
  body: string;
  /** Absolute `Location` of a redirect, if any. */
  location: string | undefined;
}

/** A fetch that keeps cookies in a jar and never follows redirects by itself. */
export class HttpClient {
  readonly jar: CookieJar;
  private readonly headers: Record<string, string>;

  constructor(options: HttpClientOptions = {}) {
    this.jar = options.jar ?? new CookieJar();
    this.headers = options.headers ?? {};
  }

  async request(url: string, init: RequestInit = {}): Promise<HttpResult> {
    const headers = new Headers(init.headers);
    for (const [key, value] of Object.entries(this.headers)) if (!headers.has(key)) headers.set(key, value);
    const cookie = this.jar.header(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.jar.store(url, response);
    const location = response.headers.get('location');
    return {
      url,
      status: response.status,
      headers: response.headers,
      body: await response.text(),
      location: location ? new URL(location, url).href : undefined,
    };
  }

  get(url: string, headers?: Record<string, string>): Promise<HttpResult> {
    return this.request(url, { headers });
  }

  /** POSTs an `application/x-www-form-urlencoded` body, like a browser form submit. */
  postForm(
    url: string,
    fields: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<HttpResult> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /**
   * Follows redirects from `url` (GET, like a browser) until a non-redirect
   * answer, or until a `Location` for which `stopAt` returns true (that URL is
   * not fetched — e.g. the launcher's redirect URI, which no server answers).
   */
  async follow(
    url: string,
    stopAt: (location: string) => boolean = () => false,
    max = 20,
  ): Promise<HttpResult> {
    let result = await this.get(url);
    for (let hops = 0; result.location && hops < max; hops++) {
      if (stopAt(result.location)) return result;
      result = await this.get(result.location);
    }
    return result;
  }

  /** Follows redirects starting from an already fetched result. */
  async continue(
    result: HttpResult,
    stopAt: (location: string) => boolean = () => false,
    max = 20,
  ): Promise<HttpResult> {
    let current = result;
    for (let hops = 0; current.location && hops < max; hops++) {
      if (stopAt(current.location)) return current;
      current = await this.get(current.location);
    }
    return current;
  }
}

/** A form found in an HTML page. */
export interface ParsedForm {
  action: string;
  method: string;
  /** Every named input with its value (hidden fields included). */
  fields: Record<string, string>;
  html: string;
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return match ? decodeEntities(match[2] ?? match[3] ?? '') : undefined;
}

/** Decodes the entities the portal's escaping helper produces. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Lists the forms of a page, resolving `action` against `baseUrl`. */
export function parseForms(html: string, baseUrl: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, tag = '', inner = ''] = match;
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<(input|button)\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name && !(name in fields)) fields[name] = attribute(input[0], 'value') ?? '';
    }
    forms.push({
      action: new URL(attribute(` ${tag}`, 'action') ?? baseUrl, baseUrl).href,
      method: (attribute(` ${tag}`, 'method') ?? 'get').toLowerCase(),
      fields,
      html: match[0],
    });
  }
  return forms;
}

/** Text of the element carrying `data-testid="{id}"`, tags stripped and entities decoded. */
export function textByTestId(html: string, id: string): string | undefined {
  const match = new RegExp(`<([a-z0-9]+)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`, 'i').exec(html);
  return match ? decodeEntities((match[2] ?? '').replace(/<[^>]+>/g, '')).trim() : undefined;
}
