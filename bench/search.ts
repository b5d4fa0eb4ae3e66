/**
 * Launcher search benchmark: `node --import tsx bench/search.ts`.
 *
 * Generates 5,000 realistic apps from a seeded PRNG (the same catalog on
 * every run), times building the index, then replays typing ~20 queries one
 * character at a time, as a person does in the popup, and reports the cost
 * per keystroke against a naive `name.toLowerCase().includes(q)` filter over
 * the same data in the same run. Options: `--apps N`, `--rounds N`.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { PortalApp } from '../contract/schemas.ts';
import { createSearchIndex } from '../utils/catalog/search.ts';

const { values } = parseArgs({
  options: { apps: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '5' } },
});
const APP_COUNT = Number(values.apps);
const ROUNDS = Number(values.rounds);

/** mulberry32: tiny, seedable, good enough to shuffle words deterministically. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VENDORS = [
  'Acme',
  'Atlas',
  'Beacon',
  'Bright',
  'Cascade',
  'Cedar',
  'Cobalt',
  'Crest',
  'Delta',
  'Echo',
  'Ember',
  'Falcon',
  'Fjord',
  'Granite',
  'Harbor',
  'Helix',
  'Horizon',
  'Iris',
  'Juniper',
  'Kite',
  'Lumen',
  'Maple',
  'Meridian',
  'Nimbus',
  'Nova',
  'Onyx',
  'Orbit',
  'Pine',
  'Pulse',
  'Quartz',
  'Radiant',
  'Sable',
  'Summit',
  'Tandem',
  'Tidal',
  'Umbra',
  'Vertex',
  'Willow',
  'Zenith',
  'Ålborg',
  'Café',
  'Müller',
  'Société',
  'Łódź',
  'São',
  'Þór',
  'Crème',
  'Señor',
  'Nordström',
  'Zürich',
  'GitHub',
  'PagerDuty',
  'DocuSign',
  'HubSpot',
];
const PRODUCTS = [
  'Wiki',
  'Payroll',
  'Expenses',
  'Helpdesk',
  'Drive',
  'Mail',
  'Calendar',
  'Chat',
  'Meet',
  'CRM',
  'Analytics',
  'Dashboard',
  'Tickets',
  'Vault',
  'Docs',
  'Sheets',
  'Forms',
  'Learning',
  'Recruiting',
  'Benefits',
  'Travel',
  'Procurement',
  'Inventory',
  'Monitoring',
  'Logs',
  'Deploy',
  'Build',
  'Registry',
  'Signatures',
  'Contracts',
  'Insights',
  'Roadmap',
  'Tasks',
  'Design',
  'Whiteboard',
  'Status',
  'Backup',
  'Identity',
  'Directory',
  'Portal',
];
const SUFFIXES = [
  '',
  '',
  '',
  ' Cloud',
  ' Pro',
  ' Enterprise',
  ' (Staging)',
  ' EU',
  ' US',
  ' Admin',
  ' 365',
  ' Go',
];
const CATEGORIES = [
  'Engineering',
  'Finance',
  'Human Resources',
  'Sales',
  'Marketing',
  'Productivity',
  'Communication',
  'Security',
  'IT Operations',
  'Legal',
  'Design',
  'Customer Support',
  'Analytics',
  'Facilities',
];
const PHRASES = [
  'for the whole company',
  'used by the platform team',
  'single sign-on enabled',
  'managed by IT',
  'with approval workflows',
  'for contractors and employees',
  'including mobile access',
  'in the EU region',
  'with audit logging',
  'for quarterly planning',
  'connected to the data warehouse',
  'with offline support',
];
const VERBS = [
  'Track',
  'Manage',
  'Share',
  'Review',
  'Plan',
  'Automate',
  'Monitor',
  'Approve',
  'Search',
  'Publish',
];
const OBJECTS = [
  'expenses',
  'incidents',
  'documents',
  'contracts',
  'invoices',
  'deployments',
  'candidates',
  'purchase orders',
  'customer tickets',
  'design files',
  'release notes',
  'time off',
  'budgets',
  'leads',
  'assets',
  'dashboards',
];

function generateApps(count: number, seed: number): PortalApp[] {
  const random = createRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const apps: PortalApp[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${pick(VENDORS)} ${pick(PRODUCTS)}${pick(SUFFIXES)}`;
    const description =
      random() < 0.1 ? null : `${pick(VERBS)} ${pick(OBJECTS)} and ${pick(OBJECTS)} ${pick(PHRASES)}.`;
    apps.push({
      id: `app-${i}`,
      name,
      description,
      iconUrl: null,
      category: random() < 0.05 ? null : pick(CATEGORIES),
      requiresMfa: random() < 0.2,
      mfaMaxAgeSeconds: null,
      detailsUrl: null,
    });
  }
  return apps;
}

/** What people type: names, prefixes, initials, diacritics left out, typos, several words. */
const QUERIES = [
  'payroll',
  'acme wiki',
  'github',
  'pagerduty',
  'hr',
  'expenses',
  'zurich',
  'lodz payroll',
  'cafe mail',
  'helpdsk',
  'monitoirng',
  'nimbus deploy',
  'customer tickets',
  'security',
  'docusign',
  'hubspot crm',
  'audit logging',
  'staging',
  'tw',
  'recruiting',
];

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

function summarize(samples: number[]): { median: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? 0 };
}

const apps = generateApps(APP_COUNT, 20261128);

const buildStart = performance.now();
const index = createSearchIndex(apps);
const buildMs = performance.now() - buildStart;

// The naive baseline folds nothing and ranks nothing: the floor for "look at every app".
const lowerNames = apps.map((app) => app.name.toLowerCase());
function naiveSearch(query: string): PortalApp[] {
  const q = query.toLowerCase();
  const out: PortalApp[] = [];
  for (let i = 0; i < apps.length; i++)
    if ((lowerNames[i] as string).includes(q)) out.push(apps[i] as PortalApp);
  return out;
}

const ours: number[] = [];
const naive: number[] = [];
let sink = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const query of QUERIES) {
    index.search(''); // the box is cleared before each new query
    for (let length = 1; length <= query.length; length++) {
      const typed = query.slice(0, length);
      let t = performance.now();
      sink += index.search(typed).length;
      ours.push(performance.now() - t);
      t = performance.now();
      sink += naiveSearch(typed).length;
      naive.push(performance.now() - t);
    }
  }
}

const a = summarize(ours);
const b = summarize(naive);
const fmt = (ms: number) => ms.toFixed(3).padStart(8);
console.log(`apps: ${APP_COUNT}, queries: ${QUERIES.length}, keystrokes: ${ours.length} (${ROUNDS} rounds)`);
console.log(`index build: ${buildMs.toFixed(1)} ms`);
console.log('per keystroke (ms)    median      p95      max');
console.log(`search index        ${fmt(a.median)} ${fmt(a.p95)} ${fmt(a.max)}`);
console.log(`naive includes      ${fmt(b.median)} ${fmt(b.p95)} ${fmt(b.max)}`);
console.log(
  `ratio (index/naive) ${fmt(a.median / b.median)} ${fmt(a.p95 / b.p95)} ${fmt(a.max / b.max)}   (checksum ${sink})`,
);
console.log(`goal: median <= 1 ms per keystroke: ${a.median <= 1 ? 'met' : 'NOT met'}`);
