import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAUNCHER_ORIGINS } from '../../../contract/constants.ts';
import { launcherCors, launcherPreflight } from '../../src/api/cors.ts';

const launcher = LAUNCHER_ORIGINS[0];

/** A Koa app with the API's CORS layers: `/one` accepts POST, `/two` GET and PATCH. */
let server: http.Server;
let base: string;

beforeAll(async () => {
  const preflights: Record<string, Koa.Middleware> = {
    '/one': launcherPreflight(['POST']),
    '/two': launcherPreflight(['GET', 'PATCH']),
  };
  const app = new Koa();
  app.use(launcherCors());
  app.use(async (koa, next) => {
    const preflight = preflights[koa.path];
    if (koa.method === 'OPTIONS' && preflight) return preflight(koa, next);
    koa.body = { ok: true };
  });
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Headers of an actual GET from `origin` (none: no Origin header). */
async function actual(origin: string | undefined): Promise<Headers> {
  const response = await fetch(`${base}/two`, { headers: origin ? { origin } : {} });
  await response.arrayBuffer();
  return response.headers;
}

/** Headers of a preflight from `origin` for `path`. */
async function preflight(origin: string | undefined, path = '/one'): Promise<Headers> {
  const response = await fetch(`${base}${path}`, {
    method: 'OPTIONS',
    headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'POST' },
  });
  expect(response.status).toBe(204);
  return response.headers;
}

const accessControl = (headers: Headers) =>
  [...headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('CORS', () => {
  it('B12: the launcher origin is allowed, without credentials', async () => {
    const headers = await actual(launcher);
    expect(headers.get('access-control-allow-origin')).toBe(launcher);
    expect(headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect(headers.has('access-control-allow-credentials')).toBe(false);
    expect(headers.get('vary')).toBe('Origin');
  });

  it('B12: any other origin gets no CORS headers, also on preflight', async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      undefined,
    ]) {
      expect(accessControl(await actual(origin))).toEqual([]);
      const refused = await preflight(origin);
      expect(accessControl(refused)).toEqual([]);
      expect(refused.get('allow')).toBe('OPTIONS, POST');
    }
    const allowed = await preflight(launcher, '/two');
    expect(allowed.get('access-control-allow-methods')).toBe('GET, PATCH');
    expect(allowed.get('access-control-allow-headers')).toContain('Authorization');
    expect(allowed.has('access-control-allow-credentials')).toBe(false);
  });

  it('B12: a Firefox extension origin (random per profile) is allowed; look-alikes are not', async () => {
    const firefox = 'moz-extension://8c5f1f46-3d0e-4b7a-9b1e-2f6a0c7d9e11';
    expect((await actual(firefox)).get('access-control-allow-origin')).toBe(firefox);
    expect((await preflight(firefox)).get('access-control-allow-origin')).toBe(firefox);
    for (const origin of [
      'moz-extension://not-a-uuid',
      `${firefox}.evil.example`,
      `https://${firefox.slice(16)}`,
    ]) {
      expect((await actual(origin)).has('access-control-allow-origin')).toBe(false);
    }
  });
});
