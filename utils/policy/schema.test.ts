import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../contract/addresses';
import type { PortalApp } from '../../contract/schemas';
import {
  acrValueSchema,
  appUrlSchema,
  colorSchema,
  imageUrlSchema,
  languageSchema,
  managedPolicyFields,
  policyAppSchema,
  portalUrlSchema,
} from './schema';

describe('portalUrlSchema', () => {
  it.each([
    'https://portal.example.com',
    'https://portal.example.com/',
    'https://portal.example.com:8443/realms/acme',
    'http://127.0.0.1:8787',
    'http://127.10.20.30',
    'http://localhost:3000',
    'http://[::1]:8787',
  ])('A11: accepts %s', (value) => {
    expect(portalUrlSchema.safeParse(value)).toEqual({ success: true, data: value });
  });

  it.each([
    ['http://portal.example.com', 'must use https://'],
    ['http://10.0.0.5', 'must use https://'],
    ['http://128.0.0.1', 'must use https://'],
    ['http://localhost.evil.test', 'must use https://'],
    ['http://127.0.0.1.nip.io', 'must use https://'],
    ['javascript:alert(1)', 'not javascript:'],
    ['file:///etc/passwd', 'not file:'],
    ['ftp://portal.example.com', 'not ftp:'],
    ['https://user:secret@portal.example.com', 'user name or password'],
    ['https://portal.example.com@evil.test', 'user name or password'],
    ['https://portal.example.com/?tenant=a', 'query'],
    ['https://portal.example.com/?', 'query'],
    ['https://portal.example.com/#x', 'fragment'],
    ['https://portal.example.com/#', 'fragment'],
    ['portal.example.com', 'not a valid URL'],
    ['', 'not a valid URL'],
    [`https://portal.example.com/${'a'.repeat(3000)}`, 'at most 2048'],
  ])('A11: refuses %s', (value, reason) => {
    const result = portalUrlSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join(' ')).toContain(reason);
  });

  it('C8: refuses non-strings with a type error instead of throwing', () => {
    for (const value of [42, null, {}, ['https://portal.example.com'], true]) {
      expect(portalUrlSchema.safeParse(value).success).toBe(false);
    }
  });

  it('A3: keeps the address exactly as written (the issuer must match discovery character for character)', () => {
    expect(portalUrlSchema.parse('  https://Portal.Example.com  ')).toBe('https://Portal.Example.com');
  });
});

describe('isLoopbackHost', () => {
  it('A11: recognises loopback hosts after URL normalisation and nothing else', () => {
    const host = (url: string) => new URL(url).hostname;
    expect(isLoopbackHost(host('http://127.1'))).toBe(true);
    expect(isLoopbackHost(host('http://0x7f.0.0.1'))).toBe(true);
    expect(isLoopbackHost(host('http://[0:0:0:0:0:0:0:1]'))).toBe(true);
    expect(isLoopbackHost(host('http://LOCALHOST'))).toBe(true);
    expect(isLoopbackHost(host('http://[::ffff:10.0.0.1]'))).toBe(false);
    expect(isLoopbackHost(host('http://0.0.0.0'))).toBe(false);
    expect(isLoopbackHost(host('http://localhost.example.com'))).toBe(false);
    expect(isLoopbackHost(host('http://127.0.0.1.example.com'))).toBe(false);
  });
});

describe('app and image URLs', () => {
  it.each([
    'javascript:alert(document.cookie)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///C:/Windows',
    'http://wiki.example.com',
    'chrome://settings',
  ])('A9: an app URL %s is refused', (value) => {
    expect(appUrlSchema.safeParse(value).success).toBe(false);
  });

  it('A9: an app URL may be https or loopback http, with a query or fragment', () => {
    expect(appUrlSchema.safeParse('https://wiki.example.com/start?x=1#top').success).toBe(true);
    expect(appUrlSchema.safeParse('http://127.0.0.1:9001/login').success).toBe(true);
  });

  it('C8: icons may be https or inline images, never script-capable documents', () => {
    expect(imageUrlSchema.safeParse('https://cdn.example.com/logo.svg').success).toBe(true);
    expect(imageUrlSchema.safeParse('data:image/png;base64,iVBORw0KGgo=').success).toBe(true);
    expect(imageUrlSchema.safeParse('data:image/svg+xml,%3Csvg%3E%3C/svg%3E').success).toBe(true);
    expect(imageUrlSchema.safeParse('data:text/html;base64,PHNjcmlwdD4=').success).toBe(false);
    expect(imageUrlSchema.safeParse('javascript:alert(1)').success).toBe(false);
    expect(imageUrlSchema.safeParse(`data:image/png;base64,${'A'.repeat(100_001)}`).success).toBe(false);
  });
});

describe('small values', () => {
  it('C8: colours must be #rrggbb and come back in lower case', () => {
    expect(colorSchema.parse('#0B5CAD')).toBe('#0b5cad');
    for (const bad of ['0b5cad', '#0b5', '#0b5cadff', 'red', 'rgb(0,0,0)', '#gggggg']) {
      expect(colorSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('C8: an empty brand colour or logo forces "none", an empty brand name forces an empty name', () => {
    expect(managedPolicyFields.brandColor.parse('')).toBeNull();
    expect(managedPolicyFields.brandLogoUrl.parse('')).toBeNull();
    expect(managedPolicyFields.brandName.parse('')).toBe('');
  });

  it('C8: language tags are canonicalised and malformed ones refused', () => {
    expect(languageSchema.parse('en-us')).toBe('en-US');
    expect(languageSchema.parse('DE-ch')).toBe('de-CH');
    expect(languageSchema.safeParse('not a tag').success).toBe(false);
    expect(languageSchema.safeParse('x'.repeat(40)).success).toBe(false);
  });

  it('C8: the step-up acr value is one printable token', () => {
    expect(acrValueSchema.parse('urn:example:mfa')).toBe('urn:example:mfa');
    expect(acrValueSchema.safeParse('phr phrh').success).toBe(false);
    expect(acrValueSchema.safeParse('').success).toBe(false);
    expect(acrValueSchema.safeParse('mfa\n').success).toBe(true); // trimmed
    expect(acrValueSchema.safeParse('mf\u00e4').success).toBe(false);
  });

  it('C8: numbers are whole and bounded', () => {
    expect(managedPolicyFields.stepUpMaxAgeSeconds.safeParse(0).success).toBe(true);
    expect(managedPolicyFields.stepUpMaxAgeSeconds.safeParse(86_400).success).toBe(true);
    expect(managedPolicyFields.stepUpMaxAgeSeconds.safeParse(86_401).success).toBe(false);
    expect(managedPolicyFields.stepUpMaxAgeSeconds.safeParse(-1).success).toBe(false);
    expect(managedPolicyFields.stepUpMaxAgeSeconds.safeParse(1.5).success).toBe(false);
    expect(managedPolicyFields.stepUpMaxAgeSeconds.safeParse('300').success).toBe(false);
    expect(managedPolicyFields.stepUpMaxAgeSeconds.safeParse(Number.NaN).success).toBe(false);
    expect(managedPolicyFields.idleSignOutMinutes.safeParse(0).success).toBe(false);
    expect(managedPolicyFields.idleSignOutMinutes.safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
  });
});

describe('lists and maps', () => {
  it('C8: pinned apps are deduplicated keeping first positions, and bounded', () => {
    expect(managedPolicyFields.pinnedApps.parse(['a', 'b', 'a', 'c', 'b'])).toEqual(['a', 'b', 'c']);
    expect(
      managedPolicyFields.pinnedApps.safeParse(Array.from({ length: 101 }, (_, i) => `app-${i}`)).success,
    ).toBe(false);
    expect(managedPolicyFields.pinnedApps.safeParse(['ok', '']).success).toBe(false);
  });

  it('C8: options sections accept only known sections', () => {
    expect(managedPolicyFields.optionsSections.parse(['mfa', 'profile', 'mfa'])).toEqual(['mfa', 'profile']);
    expect(managedPolicyFields.optionsSections.safeParse(['profile', 'billing']).success).toBe(false);
    expect(managedPolicyFields.optionsSections.parse([])).toEqual([]);
  });

  it('C8: per-app freshness is a bounded map of app id to seconds', () => {
    expect(managedPolicyFields.appStepUpMaxAge.parse({ payroll: 60 })).toEqual({ payroll: 60 });
    expect(managedPolicyFields.appStepUpMaxAge.safeParse({ payroll: -5 }).success).toBe(false);
    expect(managedPolicyFields.appStepUpMaxAge.safeParse(['payroll']).success).toBe(false);
    const huge = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`app-${i}`, 60]));
    expect(managedPolicyFields.appStepUpMaxAge.safeParse(huge).success).toBe(false);
  });

  it('C8: a JSON "__proto__" key cannot reach the prototype of the parsed map', () => {
    const parsed = managedPolicyFields.appStepUpMaxAge.parse(
      JSON.parse('{"__proto__": {"polluted": 1}, "a": 5}'),
    );
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('A9: policy apps get the portal app shape with defaults, and duplicate ids are refused', () => {
    // The catalog treats policy apps and portal apps alike: this must compile.
    const asPortalApp: PortalApp = policyAppSchema.parse({
      id: 'wiki',
      name: 'Team Wiki',
      url: 'https://wiki.example.com',
    });
    expect(asPortalApp).toEqual({
      id: 'wiki',
      kind: 'oidc',
      name: 'Team Wiki',
      url: 'https://wiki.example.com',
      iconUrl: null,
      requiresMfa: false,
      mfaMaxAgeSeconds: null,
      description: null,
      category: null,
      detailsUrl: null,
    });
    const twice = [
      { id: 'wiki', name: 'Team Wiki', url: 'https://wiki.example.com' },
      { id: 'wiki', name: 'Other Wiki', url: 'https://other.example.com' },
    ];
    const result = managedPolicyFields.apps.safeParse(twice);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('listed twice');
  });
});

describe('adminContact', () => {
  const schema = managedPolicyFields.adminContact;

  it.each([
    ['https://help.example.com/it', 'https://help.example.com/it'],
    [' it-help@example.com ', 'it-help@example.com'],
    ['', null],
  ])('accepts %j (a page, an email, or "" for none)', (value, expected) => {
    expect(schema.safeParse(value)).toEqual({ success: true, data: expected });
  });

  it.each([
    ['javascript:alert(1)', 'not javascript:'],
    ['mailto:it@example.com', 'not mailto:'],
    ['http://help.example.com', 'must use https://'],
    ['https://user:pw@help.example.com', 'user name or password'],
    ['call the help desk', 'https:// address or an email address'],
    ['it@localhost', 'https:// address or an email address'],
    [`https://help.example.com/${'a'.repeat(3000)}`, 'at most 2048'],
  ])('A11: refuses %s with a sentence saying why', (value, reason) => {
    const result = schema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join(' ')).toContain(reason);
  });
});
