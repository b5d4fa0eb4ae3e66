import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHROME_EXTENSION_ID,
  FIREFOX_POST_LOGOUT_REDIRECT_URI,
  FIREFOX_REDIRECT_URI,
  GECKO_EXTENSION_ID,
  isLauncherOrigin,
} from './constants.ts';
import { problemSchema } from './schemas.ts';

describe('Firefox contract', () => {
  it('B1: the Firefox redirect URIs are what identity.getRedirectURL yields for the gecko id (SHA-1 hex host)', () => {
    // Firefox: `https://${sha1hex(extension.id)}.${redirectDomain}/` + path (child/ext-identity.js),
    // redirectDomain = pref extensions.webextensions.identity.redirectDomain = "extensions.allizom.org".
    const host = `${createHash('sha1').update(GECKO_EXTENSION_ID, 'utf8').digest('hex')}.extensions.allizom.org`;
    expect(FIREFOX_REDIRECT_URI).toBe(`https://${host}/callback`);
    expect(FIREFOX_POST_LOGOUT_REDIRECT_URI).toBe(`https://${host}/signed-out`);
  });

  it('B12: launcher origins are the pinned Chromium id and Firefox per-profile extension origins, nothing else', () => {
    expect(isLauncherOrigin(`chrome-extension://${CHROME_EXTENSION_ID}`)).toBe(true);
    expect(isLauncherOrigin('moz-extension://8c5f1f46-3d0e-4b7a-9b1e-2f6a0c7d9e11')).toBe(true);
    for (const origin of [
      'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'https://evil.example',
      'null',
      '',
      'moz-extension://8c5f1f46-3d0e-4b7a-9b1e-2f6a0c7d9e11/',
      'moz-extension://8c5f1f46-3d0e-4b7a-9b1e-2f6a0c7d9e11.evil.example',
      'moz-extension://not-a-uuid',
      'MOZ-EXTENSION://8C5F1F46-3D0E-4B7A-9B1E-2F6A0C7D9E11',
    ]) {
      expect(isLauncherOrigin(origin), origin).toBe(false);
    }
  });
});

describe('problem bodies', () => {
  it('C8: a `rules` member the launcher cannot read is dropped; the problem itself is kept', () => {
    const base = { title: 'Password does not meet the policy', status: 422, code: 'password_policy' };
    expect(problemSchema.parse({ ...base, rules: ['common', 'email'] }).rules).toEqual(['common', 'email']);
    for (const odd of ['common', ['x'.repeat(41)], Array(11).fill('common'), [{ rule: 'common' }]]) {
      const parsed = problemSchema.parse({ ...base, rules: odd });
      expect(parsed).toMatchObject(base);
      expect(parsed.rules).toBeUndefined();
    }
  });
});
