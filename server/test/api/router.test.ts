/**
 * The API's routing table on `@koa/router`: parameters decoded, trailing
 * slash tolerated, unknown addresses left unanswered (the problem layer
 * makes them 404), wrong methods 405 with `Allow`, duplicates refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_BASE_PATH } from '../../../contract/constants.ts';
import { createApiRouter } from '../../src/api/index.ts';
import { type ApiRoute, defineRoute } from '../../src/api/route.ts';

const routes: ApiRoute[] = [
  defineRoute({ method: 'GET', path: '/me', auth: false, handler: () => ({}) }),
  defineRoute({ method: 'PATCH', path: '/me', auth: false, handler: () => ({}) }),
  defineRoute({ method: 'DELETE', path: '/me/ssh-keys/:id', auth: false, handler: () => ({}) }),
  defineRoute({ method: 'POST', path: '/apps/:id/launch', auth: false, handler: () => ({}) }),
];

let server: http.Server;
let base: string;

beforeAll(async () => {
  const router = createApiRouter(routes, async (route, koa) => {
    koa.body = { route: `${route.method} ${route.path}`, params: koa.params };
  });
  const app = new Koa();
  app.use(router.allowedMethods());
  app.use(router.routes());
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${API_BASE_PATH}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(method: string, path: string) {
  const response = await fetch(`${base}${path}`, { method });
  const json = response.headers.get('content-type')?.startsWith('application/json')
    ? await response.json()
    : null;
  return { status: response.status, allow: response.headers.get('allow'), json };
}

describe('router', () => {
  it('matches literal paths and decodes parameters', async () => {
    expect(await call('GET', '/me')).toMatchObject({ status: 200, json: { route: 'GET /me', params: {} } });
    expect(await call('POST', '/apps/team%20wiki/launch')).toMatchObject({
      status: 200,
      json: { route: 'POST /apps/:id/launch', params: { id: 'team wiki' } },
    });
    expect(await call('GET', '/me/')).toMatchObject({ status: 200, json: { route: 'GET /me' } });
  });

  it('tells an unknown path (404) from a wrong method (405 with Allow)', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    const wrongMethod = await call('PUT', '/me');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.allow?.split(', ')).toEqual(expect.arrayContaining(['GET', 'PATCH']));
    expect((await call('GET', '/apps//launch')).status).toBe(404);
  });

  it('refuses duplicate routes', () => {
    const [first] = routes as [ApiRoute];
    expect(() => createApiRouter([...routes, first], async () => {})).toThrow(/defined twice/);
  });
});
