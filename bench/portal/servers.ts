/**
 * The processes the portal benchmark measures (bench/portal.ts), each started
 * from serve.ts in a process of its own:
 *
 * - {@link startBaseline}: a bare koa app, the same-run yardstick;
 * - {@link startPortals}: the portal as the benchmark's environment asks for
 *   it — one node on SQLite (default), one node on a throwaway PostgreSQL
 *   cluster (`BENCH_POSTGRES=1`), or `BENCH_NODES=N` nodes on PostgreSQL
 *   behind Debian's nginx, round robin, with the balancer's address as the
 *   one issuer (the deployment docs/deploy.md describes; the nginx
 *   configuration is the multi-node tests' own, server/test/nginx.ts).
 *
 * Every server reports the CPU time its processes have used, read from /proc,
 * so a figure per request holds while other work competes for the cores.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import type { DemoAccounts } from '../../server/src/seed.ts';
import { freeLoopbackPort, startNginx } from '../../server/test/nginx.ts';
import { startPostgres } from '../../server/test/postgres.ts';
import { type Announcement, READY, type ServeKind } from './protocol.ts';

/** A server under load: where to send requests, and what it has cost so far. */
export interface Server {
  url: string;
  demo?: DemoAccounts;
  /** CPU seconds (user + system) of the server's processes so far; undefined where /proc is not there. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

/** The portal as measured, with what the report says about it. */
export interface Portals extends Server {
  /** "1 node, SQLite (WAL)", "1 node, PostgreSQL", "2 nodes, PostgreSQL, nginx round robin". */
  description: string;
  /** One node on SQLite: the case the issue's speed goal is set for. */
  embedded: boolean;
  /** From the first process started to the last one listening (keys, migrations, demo data). */
  startMs: number;
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on every Linux architecture). */
const USER_HZ = 100;

/** A process's CPU seconds from /proc (Linux), or undefined. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return undefined;
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts serve.ts in its own process and waits for its announcement; its other output is drained. */
async function serve(kind: ServeKind, env: NodeJS.ProcessEnv = process.env): Promise<Server & Announcement> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'serve.ts'), kind],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
    },
  );
  const lines = readline.createInterface({ input: child.stdout });
  const announced = await new Promise<Announcement>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The ${kind} server exited (${code}) before listening.`)));
    lines.on('line', (line) => {
      if (line.startsWith(`${READY} `)) resolve(JSON.parse(line.slice(READY.length + 1)));
    });
  });
  return { ...announced, cpuSeconds: () => processCpuSeconds(child.pid), stop: () => stop(child) };
}

/** The bare koa app. */
export const startBaseline = () => serve('baseline');

/** Stops what started, last first, even when one of them fails to stop. */
async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stopOne of stops.reverse()) await stopOne().catch(() => {});
}

/** The portal as `BENCH_NODES` and `BENCH_POSTGRES` ask (see the module comment). */
export async function startPortals(): Promise<Portals> {
  const nodes = Number(process.env.BENCH_NODES ?? 1);
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error('BENCH_NODES must be a whole number ≥ 1.');
  const usePostgres = nodes > 1 || process.env.BENCH_POSTGRES === '1';
  const started = performance.now();
  const stops: (() => Promise<void>)[] = [];
  try {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (usePostgres) {
      const postgres = await startPostgres();
      stops.push(() => postgres.stop());
      // The portal processes read PORTAL_DATABASE_URL like `npm start` does.
      env.PORTAL_DATABASE_URL = await postgres.createDatabase();
    }
    if (nodes === 1) {
      const portal = await serve('portal', env);
      stops.push(() => portal.stop());
      return {
        ...portal,
        description: usePostgres ? '1 node, PostgreSQL' : '1 node, SQLite (WAL)',
        embedded: !usePostgres,
        startMs: performance.now() - started,
        stop: () => stopAll(stops),
      };
    }
    const balancerPort = await freeLoopbackPort();
    env.PORTAL_ISSUER = `http://127.0.0.1:${balancerPort}`;
    // The first node migrates and seeds; the others join the same database.
    const servers = [await serve('portal', env)];
    stops.push(() => servers[0]?.stop() ?? Promise.resolve());
    for (let i = 1; i < nodes; i++) {
      const node = await serve('node', env);
      servers.push(node);
      stops.push(() => node.stop());
    }
    const nginx = await startNginx(
      balancerPort,
      servers.map((server) => new URL(server.address).host),
    );
    stops.push(() => nginx.stop());
    return {
      url: nginx.url,
      demo: servers[0]?.demo,
      description: `${nodes} nodes, PostgreSQL, nginx round robin`,
      embedded: false,
      startMs: performance.now() - started,
      cpuSeconds: () => {
        let total = 0;
        for (const server of servers) {
          const seconds = server.cpuSeconds();
          if (seconds === undefined) return undefined;
          total += seconds;
        }
        return total;
      },
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}
