/**
 * The launcher search bench's data: a seeded generator of realistic app
 * catalogs (vendors with diacritics and camel case, products, suffixes,
 * categories, descriptions; the same catalog for the same seed) and what
 * people type into the popup. Shared by bench/search.ts and its engines.
 */
import type { PortalApp } from '../../contract/schemas.ts';

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

export function generateApps(count: number, seed: number): PortalApp[] {
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
      kind: 'oidc',
      url: null,
      detailsUrl: null,
    });
  }
  return apps;
}

/** What people type: names, prefixes, initials, diacritics left out, typos, several words. */
export const QUERIES = [
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
