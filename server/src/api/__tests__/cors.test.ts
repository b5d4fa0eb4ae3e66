import { describe, expect, it } from 'vitest';
import { LAUNCHER_ORIGINS } from '../../../../utils/portal/contract.ts';
import { corsHeaders, preflightHeaders } from '../cors.ts';

const allowed = new Set<string>(LAUNCHER_ORIGINS);
const launcher = LAUNCHER_ORIGINS[0];

describe('CORS', () => {
  it('B12: the launcher origin is allowed, without credentials', () => {
    const headers = corsHeaders(launcher, allowed);
    expect(headers['Access-Control-Allow-Origin']).toBe(launcher);
    expect(headers['Access-Control-Expose-Headers']).toContain('WWW-Authenticate');
    expect(headers).not.toHaveProperty('Access-Control-Allow-Credentials');
    expect(headers.Vary).toBe('Origin');
  });

  it('B12: any other origin gets no CORS headers, also on preflight', () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      undefined,
    ]) {
      const headers = { ...corsHeaders(origin, allowed), ...preflightHeaders(origin, allowed, ['POST']) };
      expect(Object.keys(headers).filter((name) => name.startsWith('Access-Control-'))).toEqual([]);
    }
    const preflight = preflightHeaders(launcher, allowed, ['GET', 'PATCH']);
    expect(preflight['Access-Control-Allow-Methods']).toBe('GET, PATCH');
    expect(preflight['Access-Control-Allow-Headers']).toContain('Authorization');
  });
});
