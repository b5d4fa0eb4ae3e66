/**
 * The portal benchmark's load generator, run as a process of its own
 * (`node --import tsx bench/portal/load.ts '<LoadPlan JSON>'`): autocannon
 * drives a warm-up phase, then the measured phase, and prints one
 * {@link LoadResult} JSON line.
 *
 * Rotating refresh tokens cannot be replayed (a reused one revokes its grant),
 * so a refresh plan carries a pool of tokens, one per connection: each request
 * takes one and its response puts the new one back.
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { type LoadPlan, type LoadResult, MEASURING } from './protocol.ts';

const plan = JSON.parse(process.argv[2] ?? '') as LoadPlan;

/**
 * One pool for both phases. A phase's last in-flight requests may end
 * unanswered, losing their tokens, so the plan brings more tokens than connections.
 */
const pool = [...(plan.refreshTokens ?? [])];

function requestsFor(plan: LoadPlan): autocannon.Request[] | undefined {
  const { form } = plan;
  if (!form) return undefined;
  return [
    {
      method: plan.method,
      setupRequest: (request) => {
        const token = pool.shift();
        const values = Object.fromEntries(
          Object.entries(form).map(([name, value]) => [
            name,
            value === '{refresh_token}' ? (token ?? '') : value,
          ]),
        );
        return { ...request, body: new URLSearchParams(values).toString() };
      },
      onResponse: (status, body) => {
        if (status !== 200) return;
        const next = (JSON.parse(body) as { refresh_token?: string }).refresh_token;
        if (next) pool.push(next);
      },
    },
  ];
}

function phase(seconds: number, series?: number[]): Promise<autocannon.Result> {
  const requests = requestsFor(plan);
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: plan.url,
        method: plan.method,
        headers: {
          ...plan.headers,
          ...(plan.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        connections: plan.connections,
        duration: seconds,
        timeout: 10,
        ...(requests ? { requests } : {}),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (series) {
      const started = performance.now();
      instance.on('response', () => {
        const second = Math.floor((performance.now() - started) / 1000);
        if (second < seconds) series[second] = (series[second] ?? 0) + 1;
      });
    }
  });
}

if (plan.warmupSeconds > 0) await phase(plan.warmupSeconds);
console.log(MEASURING);
const series: number[] = [];
const result = await phase(plan.seconds, series);
for (let i = 0; i < plan.seconds; i++) series[i] ??= 0;
const output: LoadResult = {
  requests: result.requests.total,
  perSecond: result.requests.total / plan.seconds,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
  perSecondSeries: series,
};
console.log(JSON.stringify(output));
