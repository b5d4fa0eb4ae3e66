import { describe, expect, it } from 'vitest';
import { suggestDeviceName } from './device-name.ts';

const words = (browser: string, system: string) => `${browser} on ${system}`;

describe('suggested approver name (issue 13)', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      'Chrome on Linux',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      'Chrome on Linux',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:153.0) Gecko/20100101 Firefox/153.0',
      'Firefox on Windows',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      'Microsoft Edge on macOS',
    ],
  ])('%s → %s', (userAgent, name) => {
    expect(suggestDeviceName(userAgent, words, 'This browser')).toBe(name);
  });

  it('an unknown agent gets the fallback; the words come from the caller (the page language)', () => {
    expect(suggestDeviceName('', words, 'This browser')).toBe('This browser');
    expect(
      suggestDeviceName(
        'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0',
        (b, s) => `${b} unter ${s}`,
        'x',
      ),
    ).toBe('Firefox unter Linux');
  });
});
