/**
 * The portal REST API (`/api/v1`, DESIGN.md "Portal API") as one Koa
 * middleware, plus the two pages the API owns outside that prefix: the
 * `/reset-password` page and the agent files under `/downloads/files/`.
 *
 * Contract: `createApi(ctx)` answers every request under `/api/v1` itself —
 * JSON validated with the shared zod schemas in, JSON validated out, every
 * failure an RFC 9457 problem, `Cache-Control: no-store`, CORS only for the
 * launcher origins (B12) — and passes every other request to `next()`
 * (oidc-provider, mounted after it).
 *
 * Routing is `@koa/router` (its `allowedMethods` finds the 405s), CORS
 * `@koa/cors` (cors.ts), bodies `co-body` (body.ts). Kept home-made, and why:
 * `defineRoute` and {@link handleRoute} (the zod contract in and out, which
 * no router offers), and {@link answerProblems}, which turns the router's
 * bare 404/405/501 statuses into the API's RFC 9457 problems.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9457 RFC 9457 (problem details)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-13.1.2 RFC 9110 §13.1.2 (If-None-Match)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.5 RFC 9110 §8.5 (Content-Language)
 */
import { createHash } from 'node:crypto';
import Router, { type RouterContext } from '@koa/router';
import type Koa from 'koa';
import {
  API_BASE_PATH,
  apiAudience,
  LAUNCHER_CLIENT_ID,
  PORTAL_CONTENT_LANGUAGE,
} from '../../../contract/constants.ts';
import { problemSchema } from '../../../contract/schemas.ts';
import type { PortalContext } from '../context.ts';
import { rereadingJwks } from '../oidc/keys.ts';
import type { UserRecord } from '../repo/users.ts';
import { type AccessToken, algorithmsOfKeys, createAccessTokenVerifier, invalidToken } from './auth.ts';
import { isClientGone, parseBody, readJsonBody } from './body.ts';
import { launcherCors, launcherPreflight } from './cors.ts';
import { serveAgentFile } from './downloads-files.ts';
import { ApiProblem } from './problem.ts';
import { handleResetPasswordPage, RESET_PASSWORD_PATH } from './reset-password-page.ts';
import type { ApiRoute, AuthedRouteContext, HttpMethod, RequestInfo } from './route.ts';
import { appRoutes } from './routes/apps.ts';
import { downloadRoutes } from './routes/downloads.ts';
import { meRoutes } from './routes/me.ts';
import { mfaRoutes } from './routes/mfa.ts';
import { passkeyRoutes } from './routes/passkeys.ts';
import { passwordRoutes } from './routes/password.ts';
import { pushRoutes } from './routes/push.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { sshKeyRoutes } from './routes/ssh-keys.ts';
import { supportRoutes } from './routes/support.ts';

/** Every route of the API, in one table. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...meRoutes,
  ...appRoutes,
  ...passwordRoutes,
  ...mfaRoutes,
  ...passkeyRoutes,
  ...sshKeyRoutes,
  ...sessionRoutes,
  ...downloadRoutes,
  ...supportRoutes,
  ...pushRoutes,
];

/**
 * Headers on every API answer: never cached (B12), never sniffed or framed;
 * the language of any words in it (RFC 9110 §8.5), so a launcher showing a
 * problem to someone who reads another language can use its own words.
 */
const BASE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Content-Language': PORTAL_CONTENT_LANGUAGE,
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

type TokenVerifier = (authorization: string | undefined) => Promise<AccessToken>;

/**
 * Builds the API middleware for a portal.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750 RFC 6750 (bearer tokens)
 */
export function createApi(ctx: PortalContext): Koa.Middleware {
  const verifyToken = createAccessTokenVerifier({
    issuer: ctx.issuer,
    audience: apiAudience(ctx.issuer),
    keys: rereadingJwks(ctx.db, ctx.jwks, ctx.clock),
    algorithms: algorithmsOfKeys(ctx.jwks.keys),
    clock: ctx.clock,
  });
  const router = createApiRouter(API_ROUTES, (route, koa) => handleRoute(ctx, verifyToken, route, koa));
  const problems = answerProblems(ctx);
  const cors = launcherCors();
  const allowedMethods = router.allowedMethods();
  const routes = router.routes();
  const end = async () => {};
  // Outermost first: problems wrap CORS wrap the 405 check wrap the routes.
  const api = (koa: RouterContext) =>
    problems(koa, () => cors(koa, () => allowedMethods(koa, () => routes(koa, end))));

  return (koa, next) => {
    const path = koa.path;
    if (path === RESET_PASSWORD_PATH) return handleResetPasswordPage(ctx, koa);
    if (path.startsWith('/downloads/files/')) return serveAgentFile(ctx, koa);
    if (path !== API_BASE_PATH && !path.startsWith(`${API_BASE_PATH}/`)) return next();
    // The router adds `params` and `router` to the context as it matches.
    return api(koa as RouterContext);
  };
}

/**
 * The API's routes on `@koa/router`: one handler per table entry, and per
 * address an `OPTIONS` answer (CORS preflight) naming the methods it accepts.
 * Unknown addresses and methods fall through to {@link answerProblems}.
 */
export function createApiRouter(
  routes: readonly ApiRoute[],
  handle: (route: ApiRoute, koa: RouterContext) => Promise<void>,
): Router {
  const router = new Router({ prefix: API_BASE_PATH });
  const methodsByPath = new Map<string, HttpMethod[]>();
  for (const route of routes) {
    const methods = methodsByPath.get(route.path) ?? [];
    if (methods.includes(route.method))
      throw new Error(`Route ${route.method} ${route.path} is defined twice.`);
    methodsByPath.set(route.path, [...methods, route.method]);
    router.register(route.path, [route.method], (koa: RouterContext) => handle(route, koa));
  }
  for (const [path, methods] of methodsByPath) router.options(path, launcherPreflight(methods));
  return router;
}

/** Runs one route: authentication, body, handler, response validation, ETag. */
async function handleRoute(
  ctx: PortalContext,
  verifyToken: TokenVerifier,
  route: ApiRoute,
  koa: RouterContext,
): Promise<void> {
  const request: RequestInfo = {
    method: koa.method,
    path: koa.path.slice(API_BASE_PATH.length) || '/',
    params: { ...koa.params },
    query: new URLSearchParams(koa.querystring),
    headers: koa.headers,
    ip: koa.ip || null,
    userAgent: koa.get('User-Agent') || null,
    acceptsLanguages: (...languages) => koa.acceptsLanguages(...languages),
    raw: koa.req,
  };

  const auth = route.auth ? await authenticate(ctx, verifyToken, koa.get('Authorization')) : {};
  const body = route.body ? parseBody(route.body, await readJsonBody(koa.req)) : undefined;
  // For public routes `auth` is empty: their handler type has no token or user to read.
  const result = await route.handler({
    portal: ctx,
    request,
    body,
    ...auth,
  } as AuthedRouteContext<unknown>);
  const status = result.status ?? (result.body === undefined ? 204 : 200);
  if (result.headers) koa.set(result.headers);
  if (result.stream) {
    // Server-sent events: unbuffered, never cached or transformed on the way.
    koa.req.socket.setTimeout(0);
    koa.set({ 'Cache-Control': 'no-store, no-transform', 'X-Accel-Buffering': 'no' });
    koa.status = 200;
    koa.type = 'text/event-stream';
    koa.body = result.stream;
    return;
  }
  if (result.body === undefined || !route.response) {
    // Body first: Koa turns an empty body into 204 unless the status is set after it.
    koa.body = null;
    koa.status = status;
    return;
  }
  const checked = route.response.safeParse(result.body);
  if (!checked.success) {
    throw new Error(`Response of ${route.method} ${route.path} does not match its schema`, {
      cause: checked.error,
    });
  }
  const json = JSON.stringify(checked.data);
  if (route.etag) {
    // Strong validator: a digest of the exact bytes sent (RFC 9110 §8.8.3).
    const etag = `"${createHash('sha256').update(json).digest('base64url')}"`;
    koa.set('ETag', etag);
    if (ifNoneMatchMatches(koa.get('If-None-Match'), etag)) {
      koa.status = 304;
      koa.body = null;
      return;
    }
  }
  koa.status = status;
  koa.type = 'application/json';
  koa.body = json;
}

/**
 * The outermost API layer: base headers on every answer, and every failure
 * as a problem — thrown {@link ApiProblem}s, an address no route has (404),
 * a method the address does not take (`allowedMethods`' 405/501, answered as
 * 405 with `Allow`, RFC 9110 §15.5.6), and bugs (500, logged). A client that
 * left mid-request is not a bug: nothing is logged for it (B21).
 */
function answerProblems(ctx: PortalContext): Koa.Middleware {
  return async (koa, next) => {
    koa.set(BASE_HEADERS);
    try {
      await next();
      if (koa.status === 405 || koa.status === 501) {
        // The methods the table declares; HEAD (implied by GET) and OPTIONS (preflight) go unlisted.
        const allow = koa.response
          .get('Allow')
          .split(',')
          .map((method) => method.trim())
          .filter((method) => method && method !== 'HEAD' && method !== 'OPTIONS');
        if (allow.length === 0) throw notFoundPath();
        throw new ApiProblem(405, 'method_not_allowed', 'Method not allowed', {
          detail: `Use ${allow.join(' or ')} for this address.`,
          headers: { Allow: allow.join(', ') },
        });
      }
      if (koa.status === 404 && koa.body == null) throw notFoundPath();
    } catch (error) {
      sendProblem(ctx, koa, error);
    }
  };
}

/**
 * Verifies the bearer token and loads the enabled user it names.
 *
 * @throws {ApiProblem} 401 with an RFC 6750 challenge.
 */
async function authenticate(
  ctx: PortalContext,
  verifyToken: TokenVerifier,
  authorization: string,
): Promise<{ token: AccessToken; user: UserRecord }> {
  const token = await verifyToken(authorization || undefined);
  const user = await ctx.repos.users.findById(token.userId);
  // A token outlives a disabled or deleted account by up to its lifetime; refuse it here.
  if (!user) throw invalidToken('The account of this access token no longer exists.');
  if (user.disabled) {
    throw new ApiProblem(401, 'account_disabled', 'Account disabled', {
      detail: 'Your account is disabled. Contact your administrator.',
      headers: {
        'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The account is disabled."',
      },
    });
  }
  // B6/B14: only the launcher's tokens are for this API (the provider refuses the API resource
  // to any other client; this is the second lock).
  if (token.clientId !== LAUNCHER_CLIENT_ID) {
    throw invalidToken('This access token was not issued to Portal Launcher.');
  }
  // B4/B13: a signature proves who issued the token, not that the sign-in behind it still
  // stands. Ending a session, changing or resetting the password, or a reused refresh token
  // revokes the grant; its access tokens stop here at once instead of living out their TTL.
  if (!token.grantId || !(await ctx.repos.oidcStore.find('Grant', token.grantId))) {
    throw invalidToken('The sign-in behind this access token has ended.');
  }
  return { token, user };
}

/** `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/` is ignored, `*` matches. */
function ifNoneMatchMatches(header: string, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .includes(etag);
}

function notFoundPath(): ApiProblem {
  return new ApiProblem(404, 'not_found', 'Not found', {
    detail: 'The portal API has no such address. Update the launcher if this keeps happening.',
  });
}

function sendProblem(ctx: PortalContext, koa: Koa.Context, error: unknown): void {
  let problem: ApiProblem;
  if (error instanceof ApiProblem) {
    problem = error;
  } else if (isClientGone(error)) {
    // The client left mid-request (B21): nobody reads this answer, and nothing on our side failed.
    problem = new ApiProblem(400, 'bad_request', 'Request incomplete', {
      detail: 'The request ended before it was complete. Send it again.',
    });
  } else {
    // A bug, not an expected failure: log it for the operator, tell the client nothing about it.
    ctx.log(
      `api error ${koa.method} ${koa.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    problem = new ApiProblem(500, 'internal_error', 'Internal error', {
      detail:
        'Something went wrong on the portal. Try again later; contact your administrator if it persists.',
    });
  }
  koa.set(problem.headers);
  koa.status = problem.status;
  koa.type = 'application/problem+json';
  koa.body = JSON.stringify(problemSchema.parse(problem.toProblem()));
}
