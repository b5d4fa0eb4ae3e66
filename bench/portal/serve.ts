/**
 * The servers the portal benchmark loads, each in a process of its own so the
 * load generator never shares a CPU queue with what it measures:
 *
 * - `portal`: the reference portal on a fresh data folder with demo data,
 *   started the way `npm start` starts it (audit lines go to stdout, which the
 *   parent drains);
 * - `baseline`: a bare koa "hello" app, the same-run yardstick the portal's
 *   figures are divided by.
 *
 * Prints `BENCH_READY {"url": …, "demo": …}` when listening, then serves
 * until SIGTERM.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { startPortal } from '../../server/src/app.ts';
import { READY } from './protocol.ts';

const kind = process.argv[2];

async function serveBaseline(): Promise<() => Promise<void>> {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { hello: 'world' };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  console.log(`${READY} ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}`);
  return () => new Promise((resolve) => server.close(() => resolve()));
}

async function servePortal(): Promise<() => Promise<void>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
  const portal = await startPortal({ dataDir, port: 0, seedDemo: true });
  const demo = portal.demo;
  if (!demo) throw new Error('The portal started without demo data.');
  console.log(`${READY} ${JSON.stringify({ url: portal.issuer, demo })}`);
  return async () => {
    await portal.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

if (kind !== 'portal' && kind !== 'baseline') {
  console.error('usage: serve.ts portal|baseline');
  process.exit(2);
}
const close = kind === 'portal' ? await servePortal() : await serveBaseline();
process.once('SIGTERM', () => {
  void close().then(() => process.exit(0));
});
