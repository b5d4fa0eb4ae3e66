import { describe, expect, it } from 'vitest';
import { isLoopbackHost, networkUrlProblem } from './addresses.ts';
import { appSchema } from './schemas.ts';

const app = {
  id: 'payroll',
  name: 'Payroll',
  description: null,
  iconUrl: null,
  category: null,
  requiresMfa: false,
  mfaMaxAgeSeconds: null,
};

describe('appSchema.detailsUrl', () => {
  it('C8: a catalog cached before details links existed still parses, with no link', () => {
    expect(appSchema.parse(app).detailsUrl).toBeNull();
  });

  it('keeps an https details link, and a loopback http one (development)', () => {
    expect(appSchema.parse({ ...app, detailsUrl: 'https://intranet.example.com/payroll' }).detailsUrl).toBe(
      'https://intranet.example.com/payroll',
    );
    expect(appSchema.parse({ ...app, detailsUrl: 'http://127.0.0.1:4100/about' }).detailsUrl).toBe(
      'http://127.0.0.1:4100/about',
    );
  });

  it('A9: refuses a details link that is not a web address a tab may open', () => {
    for (const detailsUrl of [
      'javascript:alert(1)',
      'data:text/html,hi',
      'http://intranet.example.com/payroll',
      'https://user:pass@intranet.example.com/',
      'not a url',
    ]) {
      expect(appSchema.safeParse({ ...app, detailsUrl }).success, detailsUrl).toBe(false);
    }
  });
});

describe('the one address rule', () => {
  it('loopback is 127.0.0.0/8, localhost and ::1, after URL normalisation', () => {
    const host = (url: string) => new URL(url).hostname;
    expect(isLoopbackHost(host('http://127.1'))).toBe(true);
    expect(isLoopbackHost(host('http://127.255.0.1'))).toBe(true);
    expect(isLoopbackHost(host('http://[::1]'))).toBe(true);
    expect(isLoopbackHost(host('http://127.0.0.1.example.com'))).toBe(false);
    expect(isLoopbackHost(host('http://[::ffff:7f00:1]'))).toBe(false);
  });

  it('names what is wrong with an address', () => {
    expect(networkUrlProblem(new URL('http://portal.example.com'))).toMatch(/https/);
    expect(networkUrlProblem(new URL('ftp://portal.example.com'))).toMatch(/not ftp:/);
    expect(networkUrlProblem(new URL('https://a:b@portal.example.com'))).toMatch(/user name or password/);
    expect(networkUrlProblem(new URL('https://portal.example.com'))).toBeNull();
  });
});
