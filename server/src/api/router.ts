/**
 * A tiny router for the portal API: method + path pattern → route.
 *
 * Patterns are literal segments and `:name` parameters (`/me/ssh-keys/:id`).
 * A parameter matches one non-empty segment; its value is percent-decoded.
 * `match` tells "no such path" (404) apart from "path exists, other method"
 * (405 with `Allow`, RFC 9110 §15.5.6).
 */

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface CompiledRoute<R> {
  method: HttpMethod;
  segments: string[];
  route: R;
}

/** What {@link Router.match} found. */
export type RouteMatch<R> =
  | { kind: 'found'; route: R; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: HttpMethod[] }
  | { kind: 'not_found' };

/** Routes keyed by method and path pattern. */
export class Router<R> {
  readonly #routes: CompiledRoute<R>[] = [];

  /** Adds a route; throws on a duplicate method + pattern (a wiring bug). */
  add(method: HttpMethod, pattern: string, route: R): this {
    const segments = splitPath(pattern);
    const duplicate = this.#routes.some(
      (r) => r.method === method && r.segments.join('/') === segments.join('/'),
    );
    if (duplicate) throw new Error(`Route ${method} ${pattern} is defined twice.`);
    this.#routes.push({ method, segments, route });
    return this;
  }

  /** Finds the route for a request path (already stripped of the API base path). */
  match(method: string, path: string): RouteMatch<R> {
    const segments = splitPath(path);
    const allow = new Set<HttpMethod>();
    for (const candidate of this.#routes) {
      const params = matchSegments(candidate.segments, segments);
      if (!params) continue;
      if (candidate.method === method) return { kind: 'found', route: candidate.route, params };
      allow.add(candidate.method);
    }
    return allow.size > 0 ? { kind: 'method_not_allowed', allow: [...allow] } : { kind: 'not_found' };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const segment = actual[i] as string;
    if (expected.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(segment);
      } catch {
        return null; // a malformed escape cannot name anything we store
      }
      params[expected.slice(1)] = value;
    } else if (expected !== segment) {
      return null;
    }
  }
  return params;
}
