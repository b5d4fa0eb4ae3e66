/**
 * `public/managed_schema.json` is what Chrome validates policy against and what
 * admin consoles show; the zod schemas are what the extension enforces (A11).
 * These tests keep the two in step and keep the JSON within the subset of JSON
 * Schema that Chrome implements. Measured on Chromium 156: a schema with an
 * unknown type stops the extension loading; an unknown attribute (`default`,
 * `maxLength`) is ignored, so it would look like a rule while enforcing nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from './resolve';
import { MANAGED_POLICY_KEYS, managedPolicyFields, OPTIONS_SECTIONS, POLICY_APP_KEYS } from './schema';

interface JsonSchema {
  type?: string;
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

const schema = JSON.parse(
  readFileSync(new URL('../../public/managed_schema.json', import.meta.url), 'utf8'),
) as JsonSchema;

/** Attributes Chrome's policy schema parser accepts, per type (components/policy/core/common/schema.cc). */
const CHROME_ATTRIBUTES: Record<string, readonly string[]> = {
  array: ['description', 'id', 'items', 'sensitiveValue', 'title', 'type'],
  boolean: ['description', 'id', 'sensitiveValue', 'title', 'type'],
  integer: ['description', 'enum', 'id', 'maximum', 'minimum', 'sensitiveValue', 'title', 'type'],
  number: ['description', 'id', 'sensitiveValue', 'title', 'type'],
  object: [
    'additionalProperties',
    'description',
    'id',
    'patternProperties',
    'properties',
    'required',
    'sensitiveValue',
    'title',
    'type',
  ],
  string: ['description', 'enum', 'id', 'pattern', 'sensitiveValue', 'title', 'type'],
};

/** Every schema node with its path: properties, array items and map values, recursively. */
function walk(node: JsonSchema, path: string): Array<[string, JsonSchema]> {
  const nodes: Array<[string, JsonSchema]> = [[path, node]];
  for (const [key, child] of Object.entries(node.properties ?? {}))
    nodes.push(...walk(child, `${path}.${key}`));
  if (node.items) nodes.push(...walk(node.items, `${path}[]`));
  if (node.additionalProperties) nodes.push(...walk(node.additionalProperties, `${path}{}`));
  return nodes;
}

/** Validates a value the way Chrome's schema does (the subset used here), returning error paths. */
function chromeValidate(node: JsonSchema, value: unknown, path = '$'): string[] {
  const type = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (type !== node.type) return [`${path}: expected ${node.type}, got ${type}`];
  const errors: string[] = [];
  if (node.enum && !node.enum.includes(value)) errors.push(`${path}: not in enum`);
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum) errors.push(`${path}: below minimum`);
    if (node.maximum !== undefined && value > node.maximum) errors.push(`${path}: above maximum`);
  }
  if (typeof value === 'string' && node.pattern && !new RegExp(node.pattern).test(value)) {
    errors.push(`${path}: does not match pattern`);
  }
  if (Array.isArray(value) && node.items) {
    for (const [index, item] of value.entries()) {
      errors.push(...chromeValidate(node.items, item, `${path}[${index}]`));
    }
  }
  if (type === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const required of node.required ?? []) {
      if (!(required in record)) errors.push(`${path}.${required}: required`);
    }
    for (const [key, child] of Object.entries(record)) {
      const childSchema = node.properties?.[key] ?? node.additionalProperties;
      if (childSchema) errors.push(...chromeValidate(childSchema, child, `${path}.${key}`));
    }
  }
  return errors;
}

const FULL_POLICY = {
  portalUrl: 'https://portal.acme.example',
  clientId: 'acme-launcher',
  brandName: 'Acme',
  brandColor: '#0b5cad',
  brandLogoUrl: 'https://cdn.acme.example/logo.svg',
  pinnedApps: ['payroll', 'wiki'],
  stepUpMaxAgeSeconds: 600,
  appStepUpMaxAge: { payroll: 120 },
  idleSignOutMinutes: 480,
  allowUserPortalUrl: false,
  optionsSections: ['profile', 'mfa', 'ssh-keys'],
  stepUpAcrValue: 'urn:acme:loa:2',
  adminContact: 'it-help@acme.example',
  stepUpAssurance: {
    'https://portal.acme.example': { acrValues: ['urn:acme:loa:2'], requireSecondFactorAmr: false },
    'https://idp.acme.example/realms/staff': { acrValues: [], acceptAmrWithoutAcr: true },
  },
  apps: [
    {
      id: 'payroll',
      name: 'Payroll',
      url: 'https://payroll.acme.example/sso',
      iconUrl: 'data:image/png;base64,iVBORw0KGgo=',
      requiresMfa: true,
      mfaMaxAgeSeconds: 300,
      description: 'Pay slips and expenses',
      category: 'Finance',
    },
    { id: 'wiki', name: 'Team Wiki', url: 'https://wiki.acme.example' },
  ],
};

describe('public/managed_schema.json', () => {
  it('A11: is a Chrome policy schema: a top-level object without additionalProperties', () => {
    expect(schema.type).toBe('object');
    expect(schema).not.toHaveProperty('additionalProperties');
  });

  it('A11: declares exactly the keys the zod schema validates, and the same app properties', () => {
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual([...MANAGED_POLICY_KEYS].sort());
    expect(Object.keys(managedPolicyFields).sort()).toEqual([...MANAGED_POLICY_KEYS].sort());
    const appSchema = schema.properties?.apps?.items;
    expect(Object.keys(appSchema?.properties ?? {}).sort()).toEqual([...POLICY_APP_KEYS].sort());
    expect(appSchema?.required?.sort()).toEqual(['id', 'name', 'url']);
  });

  it('A11: every property, item and map value has a title and a description, recursively', () => {
    const nodes = walk(schema, '$');
    expect(nodes.length).toBeGreaterThan(MANAGED_POLICY_KEYS.length + POLICY_APP_KEYS.length);
    for (const [path, node] of nodes) {
      expect(node.title, `${path} has a title`).toMatch(/\S/);
      expect(node.description, `${path} has a description`).toMatch(/\S{3}/);
    }
  });

  it('A11: uses only types and attributes Chrome enforces (an unknown type stops the extension loading)', () => {
    for (const [path, node] of walk(schema, '$')) {
      const allowed = CHROME_ATTRIBUTES[node.type ?? ''];
      expect(allowed, `${path} has a Chrome type`).toBeDefined();
      for (const attribute of Object.keys(node)) {
        expect(allowed, `${path} attribute ${attribute}`).toContain(attribute);
      }
      if (node.type === 'array') expect(node.items, `${path} has items`).toBeDefined();
    }
  });

  it('A11: the options section enum matches the zod enum', () => {
    expect(schema.properties?.optionsSections?.items?.enum).toEqual([...OPTIONS_SECTIONS]);
  });

  it('A11: integer bounds match the zod bounds', () => {
    const bounded = walk(schema, '$').filter(([, node]) => node.type === 'integer');
    expect(bounded.map(([path]) => path).sort()).toEqual(
      [
        '$.appStepUpMaxAge{}',
        '$.apps[].mfaMaxAgeSeconds',
        '$.idleSignOutMinutes',
        '$.stepUpMaxAgeSeconds',
      ].sort(),
    );
    const probe = (value: number, path: string) => {
      const policy =
        path === '$.appStepUpMaxAge{}'
          ? { appStepUpMaxAge: { payroll: value } }
          : path === '$.apps[].mfaMaxAgeSeconds'
            ? { apps: [{ id: 'a', name: 'A', url: 'https://a.example', mfaMaxAgeSeconds: value }] }
            : { [path.slice(2)]: value };
      return resolveSettings({ managed: policy, user: {} }).problems.length === 0;
    };
    for (const [path, node] of bounded) {
      const { minimum, maximum } = node as Required<Pick<JsonSchema, 'minimum' | 'maximum'>>;
      expect(probe(minimum, path), `${path} accepts ${minimum}`).toBe(true);
      expect(probe(maximum, path), `${path} accepts ${maximum}`).toBe(true);
      expect(probe(minimum - 1, path), `${path} refuses ${minimum - 1}`).toBe(false);
      expect(probe(maximum + 1, path), `${path} refuses ${maximum + 1}`).toBe(false);
    }
  });

  it('A11: a full example policy passes both Chrome-style validation and the extension', () => {
    expect(chromeValidate(schema, FULL_POLICY)).toEqual([]);
    const { settings, forced, problems } = resolveSettings({ managed: FULL_POLICY, user: {} });
    expect(problems).toEqual([]);
    expect(forced.size).toBe(MANAGED_POLICY_KEYS.length);
    expect(settings.apps[1]).toMatchObject({ id: 'wiki', requiresMfa: false, iconUrl: null });
  });

  it.each([
    ['an issuer that is not https', { 'http://idp.example': { acrValues: ['mfa'] } }],
    ['a rule with no proof at all', { 'https://idp.example': { acrValues: [] } }],
    ['an unknown property', { 'https://idp.example': { acrValues: ['mfa'], amr: true } }],
  ])('A4/A11: stepUpAssurance with %s is refused and the strict default stays', (_label, value) => {
    const { problems, settings } = resolveSettings({ managed: { stepUpAssurance: value }, user: {} });
    expect(problems.map((problem) => problem.key)).toContain('stepUpAssurance');
    expect(settings.stepUpAssurance).toEqual({});
  });

  it.each([
    ['brandColor', 'navy'],
    ['stepUpMaxAgeSeconds', 90_000],
    ['idleSignOutMinutes', 0],
    ['optionsSections', ['billing']],
    ['stepUpAcrValue', 'two values'],
    ['stepUpAssurance', { 'https://idp.example': { acrValues: ['two values'] } }],
    ['allowUserPortalUrl', 'no'],
    ['apps', [{ id: 'x', name: 'X' }]],
  ])('C8: what Chrome would drop (%s) the extension also refuses', (key, value) => {
    expect(chromeValidate(schema, { [key]: value }).length).toBeGreaterThan(0);
    const { problems, forced } = resolveSettings({ managed: { [key]: value }, user: {} });
    expect(problems.map((problem) => problem.key)).toContain(key);
    expect(forced.has(key as never)).toBe(false);
  });
});
