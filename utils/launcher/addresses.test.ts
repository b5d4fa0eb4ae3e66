import { describe, expect, it } from 'vitest';
import { isSafeLaunchUrl } from './addresses.ts';

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
});
