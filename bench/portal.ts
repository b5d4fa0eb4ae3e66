/**
 * Reference portal benchmark (`node --import tsx bench/portal.ts`).
 *
 * Measures, on loopback only and with bounded counts and time:
 * - argon2id: the parameters the portal hashes with and the median time per hash;
 * - cold start: `startPortal` on an empty data folder (keys, migrations, demo
 *   seed) until discovery answers, and a restart on the same folder;
 * - launches: `POST /api/v1/apps/{payroll}/launch` with a fresh MFA token,
 *   sequential and concurrent — requests per second and p50/p99 latency.
 *
 * Options (environment): BENCH_HASHES (default 15), BENCH_LAUNCHES (default
 * 500), BENCH_CONCURRENCY (default 16), BENCH_MAX_SECONDS per phase (default 15).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ACR_MFA, API_BASE_PATH } from '../contract/constants.ts';
import { type RunningPortal, startPortal } from '../server/src/app.ts';
import { hashPassword } from '../server/src/services/passwords.ts';
import { signIn } from '../server/test/sign-in.ts';

const HASHES = Number(process.env.BENCH_HASHES ?? 15);
const LAUNCHES = Number(process.env.BENCH_LAUNCHES ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MAX_MS = Number(process.env.BENCH_MAX_SECONDS ?? 15) * 1000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const ms = (value: number) => `${value.toFixed(1)} ms`;

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
  return { params: params ? `${params[1]} v=${params[2]} ${params[3]}` : 'unknown', medianMs: median(times) };
}

async function startAndDiscover(dataDir: string): Promise<{ portal: RunningPortal; ms: number }> {
  const started = performance.now();
  const portal = await startPortal({ dataDir, port: 0, seedDemo: true, logger: () => {} });
  const response = await fetch(`${portal.issuer}/.well-known/openid-configuration`);
  if (response.status !== 200) throw new Error(`Discovery answered ${response.status}`);
  await response.arrayBuffer();
  return { portal, ms: performance.now() - started };
}

interface LaunchStats {
  count: number;
  failures: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

async function launchLoad(
  portal: RunningPortal,
  token: string,
  appId: string,
  concurrency: number,
): Promise<LaunchStats> {
  const url = `${portal.issuer}${API_BASE_PATH}/apps/${encodeURIComponent(appId)}/launch`;
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < LAUNCHES && performance.now() - started < MAX_MS) {
      next++;
      const t0 = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (response.status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    failures,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

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

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-bench-'));
  const rows: [string, string][] = [];
  try {
    const argon = await timeArgon2();
    rows.push(['argon2id parameters', argon.params]);
    rows.push([`argon2id hash (median of ${HASHES})`, ms(argon.medianMs)]);

    const cold = await startAndDiscover(dataDir);
    rows.push(['cold start, empty data folder (to discovery)', ms(cold.ms)]);
    await cold.portal.close();
    const warm = await startAndDiscover(dataDir);
    rows.push(['restart, existing data folder (to discovery)', ms(warm.ms)]);
    const portal = warm.portal;
    try {
      const demo = portal.demo;
      if (!demo) throw new Error('The portal started without demo data.');
      const signedIn = await signIn(portal, {
        email: demo.alice.email,
        password: demo.alice.password,
        totpSecret: demo.alice.totpSecret,
        acrValues: ACR_MFA,
      });
      const payroll = portal.context.repos.apps.list().find((app) => app.requiresMfa);
      if (!payroll) throw new Error('No app requiring MFA in the demo data.');
      for (const [label, concurrency] of [
        ['sequential', 1],
        [`concurrent (${CONCURRENCY})`, CONCURRENCY],
      ] as const) {
        const stats = await launchLoad(portal, signedIn.access_token, payroll.id, concurrency);
        rows.push([`launch ${label}: requests (failures)`, `${stats.count} (${stats.failures})`]);
        rows.push([`launch ${label}: throughput`, `${stats.perSecond.toFixed(0)} req/s`]);
        rows.push([`launch ${label}: p50 / p99 latency`, `${ms(stats.p50)} / ${ms(stats.p99)}`]);
      }
    } finally {
      await portal.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `Portal benchmark — Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}`,
  );
  console.log(table(rows));
}

await main();
