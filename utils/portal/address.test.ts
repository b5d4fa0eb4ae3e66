import { describe, expect, it, vi } from 'vitest';
import { portalUrlSchema } from '../policy/schema.ts';
import {
  normalizePortalUrl,
  portalAddressFromInput,
  portalAddressProblem,
  portalOriginPattern,
  requestPortalHostPermission,
} from './address.ts';

describe('the portal address rule (one for the popup, the options page and policy)', () => {
  it.each([
    ['portal.example.com', 'https://portal.example.com'],
    ['  https://portal.example.com  ', 'https://portal.example.com'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['localhost:8787', 'https://localhost:8787'],
  ])('a typed %j is the address %s', (input, expected) => {
    expect(normalizePortalUrl(input)).toBe(expected);
  });

  it.each([
    'https://portal.example.com/',
    'https://idp.example.com/realms/acme',
    'https://idp.example.com/realms/acme/',
    'https://Portal.Example.com',
  ])('A3: %s is kept exactly (it is the issuer that discovery must match)', (address) => {
    expect(normalizePortalUrl(address)).toBe(address);
    // The administrator's policy and the options page store the same thing.
    expect(portalUrlSchema.parse(address)).toBe(address);
  });

  it.each([
    ['http://portal.example.com', 'insecure_portal_url', 'insecure'],
    ['ftp://x', 'insecure_portal_url', 'insecure'],
    ['https://u:p@portal.example.com', 'invalid_portal_url', 'credentials'],
    ['https://portal.example.com/?x=1', 'invalid_portal_url', 'query'],
    ['https://portal.example.com/?', 'invalid_portal_url', 'query'],
    ['https://portal.example.com/#top', 'invalid_portal_url', 'fragment'],
    ['https://exa mple.com', 'invalid_portal_url', 'invalid'],
  ])('A11: %s is refused with %s', (input, code, kind) => {
    expect(() => normalizePortalUrl(input)).toThrow(expect.objectContaining({ name: 'AuthError', code }));
    expect(portalAddressProblem(input)?.kind).toBe(kind);
    // Policy refuses the same addresses.
    expect(portalUrlSchema.safeParse(input).success).toBe(false);
  });

  it('only typed text gets a scheme: policy must spell it out', () => {
    expect(portalAddressFromInput('portal.example.com')).toBe('https://portal.example.com');
    expect(portalAddressFromInput('')).toBe('');
    expect(portalUrlSchema.safeParse('portal.example.com').success).toBe(false);
  });

  it.each([
    ['portal.example.com', 'https://portal.example.com/*'],
    ['https://idp.example.com:8443/realms/acme/', 'https://idp.example.com/*'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1/*'],
    ['http://[::1]:8787', 'http://[::1]/*'],
    ['http://portal.example.com', null],
    ['https://portal.example.com/?x', null],
    ['not a url at all', null],
  ])('the host permission for %s is %s', (input, pattern) => {
    expect(portalOriginPattern(input)).toBe(pattern);
  });

  it('asks for the permission of an acceptable address only, and a refusal is no error', async () => {
    const request = vi.fn(async () => {
      throw new Error('Permission request must be made in a user gesture.');
    });
    requestPortalHostPermission('portal.example.com', { request });
    requestPortalHostPermission('http://portal.example.com', { request });
    expect(request).toHaveBeenCalledTimes(1);
    expect(request).toHaveBeenCalledWith({ origins: ['https://portal.example.com/*'] });
    await Promise.resolve();
  });
});
