import { describe, expect, it } from 'vitest';
import { describeDevice, shortVersion } from '../../src/services/user-agent.ts';

describe('describeDevice', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      { browser: 'Chrome 156', os: 'Linux' },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:153.0) Gecko/20100101 Firefox/153.0',
      { browser: 'Firefox 153', os: 'Windows 10' },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      { browser: 'Microsoft Edge 131', os: 'Windows 10' },
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      { browser: 'Safari 17.5', os: 'macOS Catalina' },
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      { browser: 'Chrome 131', os: 'Android 14' },
    ],
  ])('tells browser, version and system apart: %s', (userAgent, expected) => {
    expect(describeDevice(userAgent)).toEqual(expected);
  });

  it('an empty or unknown agent is described as unknown, not guessed', () => {
    expect(describeDevice(null)).toEqual({ browser: null, os: null });
    expect(describeDevice('')).toEqual({ browser: null, os: null });
    expect(describeDevice('curl/8.5.0')).toEqual({ browser: null, os: null });
  });

  it('shortens versions the way people say them', () => {
    expect(shortVersion('156.0.0.0')).toBe('156');
    expect(shortVersion('17.5')).toBe('17.5');
    expect(shortVersion('131.0.2903.86')).toBe('131');
    expect(shortVersion(undefined)).toBeNull();
    expect(shortVersion('beta')).toBeNull();
  });
});
