/**
 * docs/admin.md's "Glewlwyd" section shows the JSON bodies an administrator
 * sends to Glewlwyd's admin API. They must be exactly what the end-to-end
 * setup (tests/e2e/glewlwyd/setup.ts) sends, so the documented settings are
 * the tested ones. Each block is marked `<!-- glewlwyd:<name> -->`; secrets
 * and addresses are placeholders here and generated values in the test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { glewlwydSettings, grantBody, totpRegistrationBody, userBody } from '../e2e/glewlwyd/settings.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const guide = readFileSync(path.join(ROOT, 'docs/admin.md'), 'utf8');

/** The section from its heading to the next second-level heading. */
function section(heading: string): string {
  const start = guide.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/admin.md has no "## ${heading}" section.`);
  const end = guide.indexOf('\n## ', start + 1);
  return guide.slice(start, end < 0 ? undefined : end);
}

/** Every marked JSON block of the section, parsed, by name. */
function markedBlocks(text: string): Map<string, unknown> {
  const blocks = new Map<string, unknown>();
  for (const match of text.matchAll(/<!-- glewlwyd:(\w+) -->\n```json\n([\s\S]*?)\n```/g)) {
    blocks.set(match[1] as string, JSON.parse(match[2] as string));
  }
  return blocks;
}

const settings = glewlwydSettings('https://glewlwyd.example.com/api/oidc', {
  key: '<RS256 private key, PKCS#8 PEM>',
  cert: '<its public key, SPKI PEM>',
});
const expected: Record<string, unknown> = {
  ...settings,
  user: userBody({ username: 'ada', password: '<password>', name: 'Ada Lovelace', email: 'ada@example.com' }),
  totp: totpRegistrationBody('ada', '<base32 secret>'),
  grant: grantBody(),
};

describe('docs/admin.md "Glewlwyd" (the settings the e2e setup applies)', () => {
  const blocks = markedBlocks(section('Glewlwyd'));

  it('documents every body the setup sends, and nothing else', () => {
    expect([...blocks.keys()].sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected))('the %s body is exactly the one the setup sends', (name) => {
    expect(blocks.get(name)).toEqual(expected[name]);
  });

  it('names the caveats: no acr, auth_time 0, refresh without a new refresh or ID token, no end_session_endpoint', () => {
    const text = section('Glewlwyd');
    for (const caveat of [
      'No `acr`',
      '`auth_time` is 0',
      'same refresh token',
      'No `end_session_endpoint`',
    ]) {
      expect(text).toContain(caveat);
    }
  });
});
