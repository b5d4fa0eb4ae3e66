/**
 * What every demo app of the reference portal shares: pages in the portal's
 * look, redirects, an in-memory cookie session per app (each app its own
 * cookie name: cookies ignore ports, RFC 6265 §8.5), and a loopback server
 * on a random port that logs (never throws) a failed request.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { html } from '../views/html.ts';
import { layout, PAGE_SECURITY_HEADERS } from '../views/pages.ts';

/** Sends a page in the portal's layout. */
export function page(
  res: http.ServerResponse,
  status: number,
  title: string,
  body: ReturnType<typeof html>,
): void {
  res.writeHead(status, { ...PAGE_SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
  res.end(layout(title, body));
}

/** Sends a redirect (never cached), setting the session cookie when it is new. */
export function redirect(res: http.ServerResponse, location: string, cookie?: string): void {
  res.writeHead(302, {
    Location: location,
    'Cache-Control': 'no-store',
    ...(cookie ? { 'Set-Cookie': cookie } : {}),
  });
  res.end();
}

/** In-memory sessions under one cookie name: the request's session, and a cookie to set when it is new. */
export function createSessions<S extends object>(cookieName: string) {
  const sessions = new Map<string, S>();
  return (req: http.IncomingMessage): { session: S; cookie?: string } => {
    const cookies = Object.fromEntries(
      (req.headers.cookie ?? '').split(';').map((part) => {
        const [key = '', ...value] = part.trim().split('=');
        return [key, value.join('=')];
      }),
    );
    const existing = cookies[cookieName];
    const found = existing ? sessions.get(existing) : undefined;
    if (found) return { session: found };
    const id = randomBytes(24).toString('base64url');
    const session = {} as S;
    sessions.set(id, session);
    return { session, cookie: `${cookieName}=${id}; Path=/; HttpOnly; SameSite=Lax` };
  };
}

/** A listening demo server. */
export interface DemoServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

/** Serves `handle` on `host`, random port; a failing request is logged and answered with an error page. */
export async function serveDemo(
  name: string,
  options: { host: string; log: (line: string) => void },
  handle: (req: http.IncomingMessage, res: http.ServerResponse, base: string) => Promise<void>,
): Promise<DemoServer> {
  let base = '';
  const server = http.createServer((req, res) => {
    handle(req, res, base).catch((error: unknown) => {
      options.log(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent)
        page(res, 500, 'Error', html`<h1>Something went wrong</h1><p role="alert">Try again.</p>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  base = `http://${options.host}:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
