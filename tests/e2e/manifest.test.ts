/**
 * A7/A8/A6: the built manifest asks for the minimum, and nothing outside the
 * extension can reach it. Reads the artifact `wxt build` produced.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROME_REDIRECT_URI } from '../../contract/constants.ts';
import { EXTENSION_DIR } from './harness.ts';

const manifest = JSON.parse(readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as Record<
  string,
  unknown
>;

describe('manifest', () => {
  it('A7: only storage, DNR-with-host-access, alarms and notifications; host access only to our own redirect host', () => {
    expect(manifest.permissions).toEqual([
      'storage',
      'declarativeNetRequestWithHostAccess',
      'alarms',
      'notifications',
    ]);
    expect(manifest.host_permissions).toEqual([`${new URL(CHROME_REDIRECT_URI).origin}/*`]);
    // The portal origin is optional, requested at run time.
    expect(manifest.optional_host_permissions).toEqual([
      'https://*/*',
      'http://127.0.0.1/*',
      'http://localhost/*',
    ]);
  });

  it('A6/A7: no content scripts, no externally_connectable, one web-accessible page (auth.html) and nothing else', () => {
    expect(manifest.content_scripts).toBeUndefined();
    expect(manifest.externally_connectable).toBeUndefined();
    expect(manifest.web_accessible_resources).toEqual([
      expect.objectContaining({ resources: ['auth.html'], use_dynamic_url: false }),
    ]);
  });

  it('A8: the default MV3 content security policy (no override)', () => {
    expect(manifest.content_security_policy).toBeUndefined();
    const background = readFileSync(path.join(EXTENSION_DIR, 'background.js'), 'utf8');
    expect(background).not.toMatch(/\beval\(|new Function\(/);
  });
});
