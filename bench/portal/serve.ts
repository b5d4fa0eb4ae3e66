/**
 * The servers the portal benchmark loads, each in a process of its own so the
 * load generator never shares a CPU queue with what it measures:
 *
 * - `portal`: the reference portal on a fresh data folder with demo data,
 *   started the way `npm start` starts it (audit lines go to stdout, which the
 *   parent drains);
 * - `node`: another portal node joining the first one's database (the
 *   `PORTAL_DATABASE_URL` and `PORTAL_ISSUER` it is given), without seeding;
 * - `baseline`: a bare koa "hello" app, the same-run yardstick the portal's
 *   figures are divided by.
 *
 * Prints `BENCH_READY {"url": …, "address": …, "demo": …}` (protocol.ts's
 * Announcement) when listening, then serves until SIGTERM.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { startPortal } from '../../server/src/app.ts';
import { type Announcement, READY, type ServeKind } from './protocol.ts';

const kind = process.argv[2] as ServeKind;

const announce = (announcement: Announcement) => console.log(`${READY} ${JSON.stringify(announcement)}`);

async function serveBaseline(): Promise<() => Promise<void>> {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { hello: 'world' };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  announce({ url, address: url });
  return () => new Promise((resolve) => server.close(() => resolve()));
}

async function servePortal(seed: boolean): Promise<() => Promise<void>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
  const portal = await startPortal({ dataDir, port: 0, seedDemo: seed, demoApps: seed });
  if (seed && !portal.demo) throw new Error('The portal started without demo data.');
  announce({ url: portal.issuer, address: portal.address, ...(portal.demo ? { demo: portal.demo } : {}) });
  return async () => {
    await portal.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

if (kind !== 'portal' && kind !== 'node' && kind !== 'baseline') {
  console.error('usage: serve.ts portal|node|baseline');
  process.exit(2);
}
const close = kind === 'baseline' ? await serveBaseline() : await servePortal(kind === 'portal');
process.once('SIGTERM', () => {
  void close().then(() => process.exit(0));
});
