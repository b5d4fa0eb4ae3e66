/**
 * Reference portal benchmark (`node --import tsx bench/portal.ts`, part of
 * `npm run bench`).
 *
 * Three kinds of process, so the load generator never competes with what it
 * measures inside one event loop: this orchestrator, the servers
 * (bench/portal/servers.ts and serve.ts: the portal, and a bare koa app as the
 * same-run baseline) and the load generators (bench/portal/load.ts with autocannon,
 * bench/portal/sign-ins.ts for whole sign-ins). Each phase has a warm-up that
 * is not counted. All traffic stays on loopback; every phase is bounded in time.
 *
 * Prints, for each endpoint: requests/s, p50 and p99 latency, errors, and the
 * ratio of its throughput to the baseline's, and the server process's CPU
 * time per measured request (from /proc, so it holds on a machine where other
 * work competes for the cores; also as a ratio to the baseline's); for the sustained launch phase
 * also the last 10 s against the first 10 s (a falling figure means something
 * grows with load, e.g. a table scanned per request).
 *
 * Environment: BENCH_POSTGRES=1 (the portal on a throwaway PostgreSQL cluster,
 * server/test/postgres.ts, instead of SQLite), BENCH_NODES=N (N portal nodes
 * on PostgreSQL behind nginx, round robin; their CPU is summed), BENCH_SECONDS (sustained launch phase, default 60),
 * BENCH_SHORT_SECONDS (other phases, default 20), BENCH_WARMUP_SECONDS
 * (default 5), BENCH_HASHES (argon2id samples, default 15).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { API_BASE_PATH, apiAudience, LAUNCHER_CLIENT_ID } from '../contract/constants.ts';
import { TEAM_WIKI } from '../server/src/demo-apps/rp.ts';
import { hashPassword } from '../server/src/services/passwords.ts';
import { signIn } from '../server/test/sign-in.ts';
import { type LoadPlan, type LoadResult, MEASURING } from './portal/protocol.ts';
import { type Server, startBaseline, startPortals } from './portal/servers.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const SHORT = Number(process.env.BENCH_SHORT_SECONDS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const HASHES = Number(process.env.BENCH_HASHES ?? 15);
const CONNECTIONS = 16;
const MANY_CONNECTIONS = 200;
const SIGN_IN_CONCURRENCY = 4;

const here = path.dirname(fileURLToPath(import.meta.url));
const script = (name: string) => path.join(here, 'portal', name);

/**
 * Runs one generator script in its own process and returns its last line (JSON).
 * `onLine` sees every line as it comes (load.ts announces its measured phase).
 */
async function runChild<T>(name: string, plan: object, onLine?: (line: string) => void): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', script(name), JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = '';
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.trim()) last = line;
    onLine?.(line);
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`${name} exited with ${code}`);
  return JSON.parse(last) as T;
}

/** A load phase's result with the server's CPU time per measured request (ms), when it could be read. */
type Measured = LoadResult & { cpuMsPerRequest?: number };

async function load(
  server: Pick<Server, 'cpuSeconds'>,
  plan: Omit<LoadPlan, 'warmupSeconds'>,
): Promise<Measured> {
  let cpuAtStart: number | undefined;
  const result = await runChild<LoadResult>('load.ts', { warmupSeconds: WARMUP, ...plan }, (line) => {
    if (line === MEASURING) cpuAtStart = server.cpuSeconds();
  });
  const cpuAtEnd = server.cpuSeconds();
  if (cpuAtStart === undefined || cpuAtEnd === undefined || result.requests === 0) return result;
  return { ...result, cpuMsPerRequest: ((cpuAtEnd - cpuAtStart) * 1000) / result.requests };
}

async function timeArgon2(): Promise<{ params: string; medianMs: number }> {
  const sample = await hashPassword('benchmark password');
  // PHC string: $argon2id$v=19$m=19456,t=2,p=1$salt$hash
  const params = /^\$(argon2id)\$v=(\d+)\$([^$]+)\$/.exec(sample);
  const times: number[] = [];
  for (let i = 0; i < HASHES; i++) {
    const started = performance.now();
    await hashPassword(`benchmark password ${i}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    params: params ? `${params[1]} v=${params[2]} ${params[3]}` : 'unknown',
    medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN,
  };
}

/** One request before a phase: a load of refusals would measure the wrong path. */
async function expectOk(url: string, init: RequestInit): Promise<void> {
  const response = await fetch(url, init);
  if (response.status !== 200)
    throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const perSecond = (value: number) => `${value.toFixed(0)} req/s`;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([name]) => name.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const line = `+${'-'.repeat(width + 2)}+${'-'.repeat(valueWidth + 2)}+`;
  return [
    line,
    ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value.padStart(valueWidth)} |`),
    line,
  ].join('\n');
}

function loadRows(label: string, result: Measured, baseline: Measured): [string, string][] {
  const rows: [string, string][] = [
    [
      `${label}: throughput (× baseline)`,
      `${perSecond(result.perSecond)} (${(result.perSecond / baseline.perSecond).toFixed(2)}×)`,
    ],
    [`${label}: p50 / p99 latency`, `${ms(result.p50)} / ${ms(result.p99)}`],
    [`${label}: errors / non-2xx`, `${result.errors} / ${result.non2xx}`],
  ];
  if (result.cpuMsPerRequest !== undefined && baseline.cpuMsPerRequest !== undefined) {
    rows.push([
      `${label}: server CPU per request (× baseline)`,
      `${result.cpuMsPerRequest.toFixed(3)} ms (${(result.cpuMsPerRequest / baseline.cpuMsPerRequest).toFixed(1)}×)`,
    ]);
  }
  return rows;
}

async function main(): Promise<void> {
  const rows: [string, string][] = [];
  const argon = await timeArgon2();
  rows.push(['argon2id parameters', argon.params]);
  rows.push([`argon2id hash (median of ${HASHES})`, ms(argon.medianMs)]);

  const baselineServer = await startBaseline();
  let baseline: Measured;
  try {
    baseline = await load(baselineServer, {
      url: baselineServer.url,
      method: 'GET',
      connections: CONNECTIONS,
      seconds: SHORT,
    });
  } finally {
    await baselineServer.stop();
  }
  rows.push([`baseline (bare koa), ${CONNECTIONS} connections`, perSecond(baseline.perSecond)]);
  rows.push(['baseline: p50 / p99 latency', `${ms(baseline.p50)} / ${ms(baseline.p99)}`]);
  if (baseline.cpuMsPerRequest !== undefined) {
    rows.push(['baseline: server CPU per request', `${baseline.cpuMsPerRequest.toFixed(3)} ms`]);
  }

  const portal = await startPortals();
  rows.push(['portal (all its processes on this machine)', portal.description]);
  rows.push(['portal start, empty database (keys, migrations, demo data)', ms(portal.startMs)]);
  try {
    const bob = portal.demo?.bob;
    if (!bob) throw new Error('The portal started without demo accounts.');
    const issuer = { issuer: portal.url };
    const session = await signIn(issuer, { email: bob.email, password: bob.password });
    const bearer = { authorization: `Bearer ${session.access_token}` };

    const launchUrl = `${portal.url}${API_BASE_PATH}/apps/${TEAM_WIKI.id}/launch`;
    await expectOk(launchUrl, { method: 'POST', headers: bearer });
    await expectOk(`${portal.url}${API_BASE_PATH}/me/apps`, { headers: bearer });
    const launch = await load(portal, {
      url: launchUrl,
      method: 'POST',
      headers: bearer,
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    rows.push(...loadRows(`launch, ${CONNECTIONS} connections, ${SECONDS} s`, launch, baseline));
    const window = Math.min(10, Math.floor(SECONDS / 3));
    const first = sum(launch.perSecondSeries.slice(0, window));
    const last = sum(launch.perSecondSeries.slice(-window));
    rows.push([`launch: last ${window} s / first ${window} s`, `${((100 * last) / first).toFixed(0)} %`]);
    if (portal.embedded) {
      const goalMet =
        launch.perSecond >= 2000 &&
        launch.p99 < 20 &&
        last >= 0.9 * first &&
        launch.errors + launch.non2xx === 0;
      rows.push([
        'one-node goal (≥ 2,000 req/s, p99 < 20 ms, ≥ 90 % sustained, no errors)',
        goalMet ? 'met' : 'not met',
      ]);
    }

    const crowd = await load(portal, {
      url: launchUrl,
      method: 'POST',
      headers: bearer,
      connections: MANY_CONNECTIONS,
      seconds: SHORT,
    });
    rows.push(...loadRows(`launch, ${MANY_CONNECTIONS} connections`, crowd, baseline));

    const apps = await load(portal, {
      url: `${portal.url}${API_BASE_PATH}/me/apps`,
      method: 'GET',
      headers: bearer,
      connections: CONNECTIONS,
      seconds: SHORT,
    });
    rows.push(...loadRows(`GET /me/apps, ${CONNECTIONS} connections`, apps, baseline));

    // Rotating refresh tokens: one grant per token in the pool, twice the connections (load.ts).
    const refreshTokens: string[] = [];
    for (let i = 0; i < 2 * CONNECTIONS; i++) {
      refreshTokens.push((await signIn(issuer, { email: bob.email, password: bob.password })).refresh_token);
    }
    const refresh = await load(portal, {
      url: `${portal.url}/token`,
      method: 'POST',
      form: {
        grant_type: 'refresh_token',
        refresh_token: '{refresh_token}',
        client_id: LAUNCHER_CLIENT_ID,
        resource: apiAudience(portal.url),
      },
      refreshTokens,
      connections: CONNECTIONS,
      seconds: SHORT,
    });
    rows.push(...loadRows(`token endpoint (refresh), ${CONNECTIONS} connections`, refresh, baseline));

    const signIns = await runChild<{ perSecond: number; p50: number; p99: number; failures: number }>(
      'sign-ins.ts',
      {
        issuer: portal.url,
        email: bob.email,
        password: bob.password,
        concurrency: SIGN_IN_CONCURRENCY,
        warmupSeconds: WARMUP,
        seconds: SHORT,
      },
    );
    rows.push([
      `whole sign-ins (pages + argon2id + code), ${SIGN_IN_CONCURRENCY} at once`,
      `${signIns.perSecond.toFixed(1)} /s`,
    ]);
    rows.push([
      'sign-in: p50 / p99 / failures',
      `${ms(signIns.p50)} / ${ms(signIns.p99)} / ${signIns.failures}`,
    ]);
  } finally {
    await portal.stop();
  }
  console.log(
    `Portal benchmark — Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}`,
  );
  console.log(table(rows));
}

await main();
