import { describe, expect, it } from 'vitest';
import { CHROME_POST_LOGOUT_REDIRECT_URI, CHROME_REDIRECT_URI } from '../../contract/constants.ts';
import { buildRedirectRules } from './redirect-rules.ts';

const AUTH_PAGE = 'chrome-extension://0d2a6ad3-5d24-4fb0-befb-42517234e986/auth.html';

/** RE2 and JS agree on this subset; apply the rule as DNR would. */
function apply(url: string): string | null {
  for (const rule of buildRedirectRules([CHROME_REDIRECT_URI, CHROME_POST_LOGOUT_REDIRECT_URI], AUTH_PAGE)) {
    const regex = new RegExp(rule.condition.regexFilter as string);
    const match = regex.exec(url);
    if (match) return String(rule.action.redirect?.regexSubstitution ?? '').replace('\\0', match[0]);
  }
  return null;
}

describe('A14: redirect rules', () => {
  it('divert the callback with its whole query to the auth page fragment', () => {
    const callback = `${CHROME_REDIRECT_URI}?code=abc&state=xyz&iss=http%3A%2F%2F127.0.0.1%3A8787`;
    expect(apply(callback)).toBe(`${AUTH_PAGE}#${callback}`);
  });

  it('divert the post-logout redirect', () => {
    expect(apply(`${CHROME_POST_LOGOUT_REDIRECT_URI}?state=s`)).toBe(
      `${AUTH_PAGE}#${CHROME_POST_LOGOUT_REDIRECT_URI}?state=s`,
    );
  });

  it.each([
    `${CHROME_REDIRECT_URI}/extra`,
    `${CHROME_REDIRECT_URI}x?code=1`,
    'https://evil.example.com/callback?code=1',
    `https://x${CHROME_REDIRECT_URI.slice('https://'.length)}`,
  ])('do not match %s', (url) => {
    expect(apply(url)).toBeNull();
  });

  it('only act on top-level navigations', () => {
    for (const rule of buildRedirectRules([CHROME_REDIRECT_URI], AUTH_PAGE)) {
      expect(rule.condition.resourceTypes).toEqual(['main_frame']);
    }
  });
});
