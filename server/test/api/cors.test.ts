import { describe, expect, it } from 'vitest';
import { LAUNCHER_ORIGINS } from '../../../contract/constants.ts';
import { corsHeaders, preflightHeaders } from '../../src/api/cors.ts';

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

  it('B12: a Firefox extension origin (random per profile) is allowed; look-alikes are not', () => {
    const firefox = 'moz-extension://8c5f1f46-3d0e-4b7a-9b1e-2f6a0c7d9e11';
    expect(corsHeaders(firefox, allowed)['Access-Control-Allow-Origin']).toBe(firefox);
    expect(preflightHeaders(firefox, allowed, ['GET'])['Access-Control-Allow-Origin']).toBe(firefox);
    for (const origin of [
      'moz-extension://not-a-uuid',
      `${firefox}.evil.example`,
      `https://${firefox.slice(16)}`,
    ]) {
      expect(corsHeaders(origin, allowed)).not.toHaveProperty('Access-Control-Allow-Origin');
    }
  });
});
