import { describe, expect, it } from 'vitest';
import { isSafeLaunchUrl, normalizePortalUrl } from './addresses.ts';

describe('helpers', () => {
  it.each([
    ['https://app.example.com/sso?t=1', true],
    ['http://127.0.0.1:8080/login', true],
    ['http://localhost:3000/', true],
    ['http://app.example.com/', false],
    ['javascript:alert(1)', false],
    ['data:text/html,hi', false],
    ['https://user:pass@app.example.com/', false],
    ['not a url', false],
  ])('A9: isSafeLaunchUrl(%s) = %s', (url, safe) => {
    expect(isSafeLaunchUrl(url)).toBe(safe);
  });

  it.each([
    ['portal.example.com', 'https://portal.example.com'],
    ['https://portal.example.com/', 'https://portal.example.com'],
    ['https://idp.example.com/realms/acme/', 'https://idp.example.com/realms/acme'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
  ])('normalizePortalUrl(%s) = %s', (input, expected) => {
    expect(normalizePortalUrl(input)).toBe(expected);
  });

  it.each([
    ['http://portal.example.com', 'insecure_portal_url'],
    ['ftp://x', 'insecure_portal_url'],
    ['https://u:p@portal.example.com', 'invalid_portal_url'],
    ['https://portal.example.com/?x=1', 'invalid_portal_url'],
    ['https://exa mple.com', 'invalid_portal_url'],
  ])('A11: normalizePortalUrl refuses %s with %s', (input, code) => {
    expect(() => normalizePortalUrl(input)).toThrow(expect.objectContaining({ name: 'AuthError', code }));
  });
});
