/**
 * How a portal API route is declared: method, path, whether it needs a bearer
 * token, the zod schemas of its request and response bodies, and a handler.
 *
 * Contract: handlers receive an already validated body (and, for `auth: true`,
 * the verified token and the user it names, enabled) and return a
 * {@link RouteResult}. The framework (`index.ts`) validates the returned body
 * against `response` before sending it, so a handler cannot leak a field the
 * shared schema does not describe.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type * as z from 'zod/mini';
import type { PortalContext } from '../context.ts';
import type { UserRecord } from '../repo/users.ts';
import type { AccessToken } from './auth.ts';

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What a handler may know about the HTTP request. */
export interface RequestInfo {
  method: string;
  /** Path below the API base (`/me/ssh-keys/abc`). */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Client address as Koa resolved it. */
  ip: string | null;
  userAgent: string | null;
  /** Koa's `Accept-Language` negotiation (RFC 9110 §12.5.4): the first of `languages` the client prefers. */
  acceptsLanguages(...languages: string[]): string | false;
  raw: IncomingMessage;
}

/** What an unauthenticated handler receives. */
export interface PublicRouteContext<B> {
  portal: PortalContext;
  request: RequestInfo;
  body: B;
}

/** What an authenticated handler receives. */
export interface AuthedRouteContext<B> extends PublicRouteContext<B> {
  token: AccessToken;
  user: UserRecord;
}

/** A handler's answer. `body` is validated against the route's `response` schema. */
export interface RouteResult<T> {
  status?: number;
  body?: T;
  headers?: Record<string, string>;
  /** A server-sent event stream to answer with instead of a body (`text/event-stream`). */
  stream?: NodeJS.ReadableStream;
}

interface RouteBase<BS extends z.ZodMiniType | undefined, RS extends z.ZodMiniType | undefined> {
  method: HttpMethod;
  /** Pattern below the API base, `:name` for parameters. */
  path: string;
  /** Schema of the JSON request body; routes without one read no body. */
  body?: BS;
  /** Schema of the JSON response body; routes without one answer without a body. */
  response?: RS;
  /** Answer with a strong ETag over the body and honour `If-None-Match` (RFC 9110 §8.8.3, §13.1.2). */
  etag?: boolean;
}

type BodyOf<BS> = BS extends z.ZodMiniType ? z.output<BS> : undefined;
type ResponseOf<RS> = RS extends z.ZodMiniType ? z.input<RS> : never;

/** A route that needs a bearer access token. */
export interface AuthedRouteDefinition<
  BS extends z.ZodMiniType | undefined,
  RS extends z.ZodMiniType | undefined,
> extends RouteBase<BS, RS> {
  auth: true;
  handler: (
    c: AuthedRouteContext<BodyOf<BS>>,
  ) => Promise<RouteResult<ResponseOf<RS>>> | RouteResult<ResponseOf<RS>>;
}

/** A route anyone may call (password policy, reset request). */
export interface PublicRouteDefinition<
  BS extends z.ZodMiniType | undefined,
  RS extends z.ZodMiniType | undefined,
> extends RouteBase<BS, RS> {
  auth: false;
  handler: (
    c: PublicRouteContext<BodyOf<BS>>,
  ) => Promise<RouteResult<ResponseOf<RS>>> | RouteResult<ResponseOf<RS>>;
}

/** A route with its types erased, as the API table (`index.ts`) holds it. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  auth: boolean;
  body?: z.ZodMiniType;
  response?: z.ZodMiniType;
  etag?: boolean;
  handler: (c: AuthedRouteContext<unknown>) => Promise<RouteResult<unknown>> | RouteResult<unknown>;
}

/** Declares a route; the generic parameters tie the handler's types to the schemas. */
export function defineRoute<
  BS extends z.ZodMiniType | undefined = undefined,
  RS extends z.ZodMiniType | undefined = undefined,
>(definition: AuthedRouteDefinition<BS, RS> | PublicRouteDefinition<BS, RS>): ApiRoute {
  return definition as unknown as ApiRoute;
}
