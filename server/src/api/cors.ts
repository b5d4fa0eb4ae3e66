/**
 * CORS for the portal API with `@koa/cors`: only the launcher's own extension
 * origin(s) (`isLauncherOrigin`) may read API answers from a browser context;
 * any other origin gets no `Access-Control-*` headers at all, so the browser
 * withholds the response (B12).
 *
 * The API uses bearer tokens, never cookies, so `Access-Control-Allow-Credentials`
 * is never sent: a page cannot ride on an ambient session. `Vary: Origin` is on
 * every answer: the headers differ by origin, so a shared cache must not mix them.
 *
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol Fetch standard, CORS protocol
 */
import cors from '@koa/cors';
import type Koa from 'koa';
import { isLauncherOrigin } from '../../../contract/constants.ts';

/** Request headers the launcher sends. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, If-None-Match';
/** Response headers the launcher must read (ETag for caching, WWW-Authenticate for step-up). */
const EXPOSED_HEADERS = 'ETag, WWW-Authenticate, Location';
/** Preflight cache lifetime (seconds). */
const PREFLIGHT_MAX_AGE = 600;

/** The request's origin when it is the launcher's, else '' (which makes `@koa/cors` add nothing). */
function launcherOrigin(koa: Koa.Context): string {
  const origin = koa.get('Origin');
  return origin && isLauncherOrigin(origin) ? origin : '';
}

/**
 * CORS headers for actual (non-`OPTIONS`) requests: `Access-Control-Allow-Origin`
 * and `-Expose-Headers` for a launcher origin. `OPTIONS` requests pass through
 * untouched: each address answers its own preflight ({@link launcherPreflight}).
 */
export function launcherCors(): Koa.Middleware {
  const actual = cors({ origin: launcherOrigin, exposeHeaders: EXPOSED_HEADERS, credentials: false });
  return (koa, next) => (koa.method === 'OPTIONS' ? next() : actual(koa, next));
}

/**
 * The answer to `OPTIONS` on an address that accepts `methods`: 204 with
 * `Allow`, and for a launcher origin's preflight (`Access-Control-Request-Method`)
 * the `Access-Control-*` answers. Any other origin gets the plain 204, which
 * the browser treats as a refusal.
 */
export function launcherPreflight(methods: readonly string[]): Koa.Middleware {
  const preflight = cors({
    origin: launcherOrigin,
    allowMethods: methods.join(', '),
    allowHeaders: ALLOWED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE,
    credentials: false,
  });
  const allow = ['OPTIONS', ...methods].join(', ');
  return async (koa) => {
    koa.set('Allow', allow);
    // `@koa/cors` answers a launcher's preflight itself (204); everything else reaches `next`.
    await preflight(koa, async () => {
      koa.status = 204;
    });
  };
}
