/**
 * Launcher search benchmark: `node --import tsx bench/search.ts`.
 *
 * Generates 5,000 realistic apps from a seeded PRNG (the same catalog on
 * every run, bench/search-engines/catalog.ts) and replays typing ~20 queries
 * one character at a time, as a person does in the popup. Each query is one
 * popup session: a fresh index is built and its build time is counted in
 * that session's first keystroke, so the per-keystroke median and p99 include
 * the index build. Compared in the same run: our engine
 * (utils/catalog/search.ts), the two library candidates with our thin
 * ranking/highlight layer (bench/search-engines/), and a naive
 * `name.toLowerCase().includes(q)` filter, the floor for "look at every app".
 * Also prints each engine's size as the popup would ship it (bundled,
 * minified, gzipped). The goal is ≤ 1 ms median per keystroke.
 *
 * Options: `--apps N`, `--rounds N`, `--engine NAME` (repeatable).
 * Wall-clock figures on a shared machine are rough: compare engines within
 * one run, not across runs.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { PortalApp } from '../contract/schemas.ts';
import type { SearchIndex, SearchIndexOptions } from '../utils/catalog/search.ts';
import { createSearchIndex as ours } from '../utils/catalog/search.ts';
import { generateApps, QUERIES } from './search-engines/catalog.ts';
import { createSearchIndex as minisearch } from './search-engines/minisearch.ts';
import { createSearchIndex as ufuzzy } from './search-engines/ufuzzy.ts';

type Engine = (apps: readonly PortalApp[], options?: SearchIndexOptions) => SearchIndex;

/** Each engine, and the module that the popup would bundle for it. */
const ENGINES: Record<string, { create: Engine; entry: string }> = {
  ours: { create: ours, entry: '../utils/catalog/search.ts' },
  minisearch: { create: minisearch, entry: './search-engines/minisearch.ts' },
  ufuzzy: { create: ufuzzy, entry: './search-engines/ufuzzy.ts' },
  naive: { create: naiveIndex, entry: '' },
};

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '5' },
    engine: { type: 'string', multiple: true },
  },
});
const APP_COUNT = Number(values.apps);
const ROUNDS = Number(values.rounds);
const chosen = values.engine ?? Object.keys(ENGINES);
for (const name of chosen) {
  if (!ENGINES[name])
    throw new Error(`--engine must be one of ${Object.keys(ENGINES).join(', ')}, not ${name}`);
}

/** The naive baseline folds nothing and ranks nothing; building it is lower-casing the names. */
function naiveIndex(apps: readonly PortalApp[]): SearchIndex {
  const lowerNames = apps.map((app) => app.name.toLowerCase());
  const none = { name: [], category: [], description: [] };
  return {
    size: apps.length,
    search(query) {
      const q = query.toLowerCase();
      const out = [];
      for (let i = 0; i < apps.length; i++) {
        if ((lowerNames[i] as string).includes(q))
          out.push({ app: apps[i] as PortalApp, score: 0, highlights: none });
      }
      return out;
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

interface Figures {
  median: number;
  p99: number;
  max: number;
  build: number;
  keystrokes: number;
}

/**
 * Types every query `ROUNDS` times, each in a fresh "popup": build, then one
 * search per keystroke, reading the highlights of the first 50 hits as the
 * popup renders them. Returns per-keystroke figures, build included.
 */
function measure(create: Engine, apps: readonly PortalApp[]): Figures & { checksum: number } {
  const samples: number[] = [];
  const builds: number[] = [];
  let checksum = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const query of QUERIES) {
      let t = performance.now();
      const index = create(apps, { locales: 'en' });
      let pending = performance.now() - t;
      builds.push(pending);
      for (let length = 1; length <= query.length; length++) {
        t = performance.now();
        const results = index.search(query.slice(0, length));
        for (const result of results.slice(0, 50)) checksum += result.highlights.name.length;
        checksum += results.length;
        samples.push(performance.now() - t + pending);
        pending = 0;
      }
    }
  }
  const sorted = samples.sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
    build: percentile(
      [...builds].sort((a, b) => a - b),
      50,
    ),
    keystrokes: samples.length,
    checksum,
  };
}

/** The engine's module bundled and minified as the popup would ship it, gzipped (level 9), in bytes. */
async function shippedBytes(entry: string): Promise<number | null> {
  if (!entry) return null;
  // esbuild comes with tsx; the popup's own build (Vite) gives similar figures.
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [new URL(entry, import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    platform: 'browser',
    logLevel: 'silent',
  });
  return gzipSync(out.outputFiles[0]?.contents ?? new Uint8Array(), { level: 9 }).length;
}

const apps = generateApps(APP_COUNT, 20261128);
const fmt = (ms: number) => ms.toFixed(3).padStart(9);
console.log(`apps: ${APP_COUNT}, queries: ${QUERIES.length}, rounds: ${ROUNDS} (a fresh index per query)`);
console.log(
  'engine        median ms   p99 ms    max ms  build ms  min+gz KB  keystrokes  goal (median <= 1 ms)',
);
// Warm-up: one untimed pass per engine, so that JIT tiers do not favour whoever runs last.
for (const name of chosen) (ENGINES[name] as { create: Engine }).create(apps).search('warm');
for (const name of chosen) {
  const engine = ENGINES[name] as { create: Engine; entry: string };
  const f = measure(engine.create, apps);
  const bytes = await shippedBytes(engine.entry);
  console.log(
    `${name.padEnd(12)} ${fmt(f.median)} ${fmt(f.p99)} ${fmt(f.max)} ${fmt(f.build)} ${(bytes === null ? '-' : (bytes / 1024).toFixed(1)).padStart(10)} ${String(f.keystrokes).padStart(11)}  ${f.median <= 1 ? 'met' : 'NOT met'}   (checksum ${f.checksum})`,
  );
}
