/**
 * The admin guide's promises, checked: every example policy file in
 * docs/policies parses, installs the right extension id, and configures the
 * launcher with values the extension itself accepts (A11); and every key of
 * public/managed_schema.json is documented in docs/admin.md's policy table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHROME_EXTENSION_ID,
  GECKO_EXTENSION_ID,
  LAUNCHER_POST_LOGOUT_REDIRECT_URIS,
  LAUNCHER_REDIRECT_URIS,
  LAUNCHER_SCOPES,
} from '../../contract/constants.ts';
import { MANAGED_POLICY_KEYS, resolveSettings } from '../../utils/policy/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLES_DIR = path.join(ROOT, 'docs/policies');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'public/managed_schema.json'), 'utf8')) as {
  properties: Record<string, { type: string }>;
};
const SCHEMA_KEYS = Object.keys(schema.properties);
const adminGuide = readFileSync(path.join(ROOT, 'docs/admin.md'), 'utf8');

function listJson(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listJson(full);
    return entry.name.endsWith('.json') ? [full] : [];
  });
}

type Json = Record<string, unknown>;
const examples = listJson(EXAMPLES_DIR).map((file) => ({
  name: path.relative(EXAMPLES_DIR, file),
  json: JSON.parse(readFileSync(file, 'utf8')) as Json,
}));
const chromeExamples = examples.filter((e) => !('policies' in e.json));
const firefoxExamples = examples.filter((e) => 'policies' in e.json);

/** Rows of the policy table in admin.md: `| \`key\` | type | default | effect |`. */
const documentedRows = [...adminGuide.matchAll(/^\| `([A-Za-z]+)` +\| ([a-z]+) +\|/gm)].map((match) => ({
  key: match[1] as string,
  type: match[2] as string,
}));
const documentedKeys = documentedRows.map((row) => row.key);

function expectHttps(url: unknown): void {
  expect(typeof url).toBe('string');
  expect(new URL(url as string).protocol).toBe('https:');
}

describe('docs/policies examples (docs/admin.md)', () => {
  it('there are Chrome/Edge and Firefox examples, and all parse as JSON', () => {
    expect(chromeExamples.length).toBeGreaterThanOrEqual(2);
    expect(firefoxExamples.length).toBeGreaterThanOrEqual(1);
  });

  it.each(chromeExamples)(
    'A11: $name force-installs the launcher and its 3rdparty config has no problems',
    ({ json }) => {
      const settings = json.ExtensionSettings as Record<string, Json> | undefined;
      const forcelist = json.ExtensionInstallForcelist as string[] | undefined;
      if (settings) {
        expect(settings[CHROME_EXTENSION_ID]?.installation_mode).toBe('force_installed');
        expectHttps(settings[CHROME_EXTENSION_ID]?.update_url);
      } else {
        const entry = forcelist?.find((item) => item.startsWith(`${CHROME_EXTENSION_ID};`));
        expectHttps(entry?.slice(CHROME_EXTENSION_ID.length + 1));
      }
      const config = (json['3rdparty'] as { extensions: Record<string, Json> }).extensions[
        CHROME_EXTENSION_ID
      ];
      expect(config).toBeDefined();
      const result = resolveSettings({ managed: config, user: undefined });
      expect(result.problems).toEqual([]);
      // Every key the admin sets is forced (locked in the UI), and exists in the schema Chromium applies.
      expect([...result.forced].sort()).toEqual(Object.keys(config as Json).sort());
      for (const key of Object.keys(config as Json)) expect(SCHEMA_KEYS).toContain(key);
    },
  );

  it.each(firefoxExamples)(
    'A11: $name force-installs the launcher and its 3rdparty config has no problems',
    ({ json }) => {
      const policies = json.policies as Json;
      const settings = (policies.ExtensionSettings as Record<string, Json>)[GECKO_EXTENSION_ID];
      expect(settings?.installation_mode).toBe('force_installed');
      expectHttps(settings?.install_url);
      // Firefox spells it "Extensions" (capital E) under 3rdparty.
      const config = (policies['3rdparty'] as { Extensions: Record<string, Json> }).Extensions[
        GECKO_EXTENSION_ID
      ];
      expect(config).toBeDefined();
      const result = resolveSettings({ managed: config, user: undefined });
      expect(result.problems).toEqual([]);
      expect([...result.forced].sort()).toEqual(Object.keys(config as Json).sort());
      for (const key of Object.keys(config as Json)) expect(SCHEMA_KEYS).toContain(key);
    },
  );

  it('the checks can fail: an invalid value in an example would be reported', () => {
    const result = resolveSettings({
      managed: { portalUrl: 'http://portal.example.com', brandColour: 'red' },
      user: undefined,
    });
    expect(result.problems.map((p) => p.key).sort()).toEqual(['brandColour', 'portalUrl']);
  });
});

describe('docs/admin.md policy table', () => {
  it('documents every key of public/managed_schema.json, and only those', () => {
    expect([...documentedKeys].sort()).toEqual([...SCHEMA_KEYS].sort());
  });

  it('gives each key the type the schema declares', () => {
    for (const row of documentedRows)
      expect(`${row.key}: ${row.type}`).toBe(`${row.key}: ${schema.properties[row.key]?.type}`);
  });

  it('the schema Chromium applies and the extension’s own validation name the same keys', () => {
    expect([...SCHEMA_KEYS].sort()).toEqual([...MANAGED_POLICY_KEYS].sort());
  });

  it('names the exact redirect URIs, post-logout URIs, scopes and both extension ids', () => {
    for (const uri of [...LAUNCHER_REDIRECT_URIS, ...LAUNCHER_POST_LOGOUT_REDIRECT_URIS])
      expect(adminGuide).toContain(uri);
    expect(adminGuide).toContain(LAUNCHER_SCOPES);
    expect(adminGuide).toContain(CHROME_EXTENSION_ID);
    expect(adminGuide).toContain(GECKO_EXTENSION_ID);
  });
});
