/**
 * Sign-in load for the portal benchmark, in a process of its own
 * (`node --import tsx bench/portal/sign-ins.ts '{"issuer":…,"email":…,"password":…,"concurrency":4,"seconds":15}'`).
 *
 * Each worker runs whole sign-ins through the real pages (authorization
 * request, email, password, code exchange), as a browser would; the password
 * step's argon2id verification is what bounds them. autocannon cannot drive
 * this (every step needs the previous step's cookies and CSRF token), so a
 * plain loop does, with the same warm-up/measure split.
 */
import { performance } from 'node:perf_hooks';
import { signIn } from '../../server/test/sign-in.ts';

interface SignInPlan {
  issuer: string;
  email: string;
  password: string;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

const plan = JSON.parse(process.argv[2] ?? '') as SignInPlan;

async function run(seconds: number): Promise<{ latencies: number[]; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      try {
        await signIn({ issuer: plan.issuer }, { email: plan.email, password: plan.password });
        latencies.push(performance.now() - started);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return { latencies, failures };
}

const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;

await run(plan.warmupSeconds);
const { latencies, failures } = await run(plan.seconds);
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    signIns: latencies.length,
    perSecond: latencies.length / plan.seconds,
    p50: at(latencies, 0.5),
    p99: at(latencies, 0.99),
    failures,
  }),
);
