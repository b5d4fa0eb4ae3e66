import { describe, expect, it } from 'vitest';
import type { Download } from '../../contract/schemas.ts';
import { detectOs, formatSize, orderDownloads } from './downloads-section.tsx';
import { groupSecret } from './mfa-section.tsx';
import { visibleSections } from './options-app.tsx';
import { policyChecklist } from './password-section.tsx';
import { errorAttributes } from './ui.tsx';

const download = (id: string, os: Download['os']): Download => ({
  id,
  name: 'Portal Agent',
  os,
  arch: 'x64',
  version: '1.0.0',
  url: `https://portal.example.com/${id}`,
  sha256: 'a'.repeat(64),
  sizeBytes: 1000,
});

describe('options page helpers', () => {
  it('B10: the checklist counts characters as people do and leaves the common-password rule to the portal', () => {
    const policy = { minLength: 8, maxLength: 64, checksCommonPasswords: true };
    expect(policyChecklist(policy, 'short').map((row) => row.met)).toEqual([false, true, null]);
    // Seven emoji are seven characters (14 UTF-16 units), still too short.
    expect(policyChecklist(policy, '🔑'.repeat(7))[0]?.met).toBe(false);
    expect(policyChecklist(policy, '🔑'.repeat(8))[0]?.met).toBe(true);
    expect(policyChecklist(policy, 'x'.repeat(65))[1]?.met).toBe(false);
    expect(policyChecklist({ ...policy, checksCommonPasswords: false }, 'x')).toHaveLength(2);
  });

  it('B10: the rules the portal named when it refused this password are marked unmet, unknown names ignored', () => {
    const policy = { minLength: 8, maxLength: 64, checksCommonPasswords: true };
    const rows = policyChecklist(policy, 'password1', ['common', 'email', 'a_rule_from_a_newer_portal']);
    expect(rows.map((row) => [row.id, row.met])).toEqual([
      ['min', true],
      ['max', true],
      ['common', false],
      ['email', false],
    ]);
    // A portal that publishes no common-password rule but names it anyway still gets its row.
    expect(
      policyChecklist({ ...policy, checksCommonPasswords: false }, 'password1', ['common']).map((r) => r.id),
    ).toEqual(['min', 'max', 'common']);
    expect(policyChecklist(policy, 'long enough', ['min_length'])[0]?.met).toBe(false);
  });

  it('shows a TOTP secret in groups of four without padding', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(groupSecret('JBSWY3DPEH======')).toBe('JBSW Y3DP EH');
  });

  it('detects the OS from client hints or the user agent, and lists its downloads first', () => {
    expect(detectOs({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156' })).toBe('linux');
    expect(detectOs({ userAgent: 'Mozilla/5.0', userAgentData: { platform: 'Windows' } })).toBe('windows');
    expect(detectOs({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)' })).toBe('macos');
    expect(detectOs({ userAgent: 'Mozilla/5.0 (Linux; Android 14)' })).toBeNull();
    const list = [download('w', 'windows'), download('m', 'macos'), download('l', 'linux')];
    expect(orderDownloads(list, 'linux').map((d) => d.id)).toEqual(['l', 'w', 'm']);
    expect(orderDownloads(list, null).map((d) => d.id)).toEqual(['w', 'm', 'l']);
  });

  it('formats sizes', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(25 * 1024 * 1024)).toBe('25 MB');
  });

  it('A11: shows the sections the policy lists, in its order; Settings when it lists none', () => {
    expect(visibleSections(['ssh-keys', 'profile']).map((s) => s.id)).toEqual(['ssh-keys', 'profile']);
    expect(visibleSections([]).map((s) => s.id)).toEqual(['settings']);
    expect(visibleSections(['nonsense']).map((s) => s.id)).toEqual(['settings']);
  });

  it('ties an input to its error only while there is one, and to its hint always', () => {
    expect(errorAttributes('name-error', undefined)).toEqual({
      'aria-invalid': undefined,
      'aria-describedby': undefined,
    });
    expect(errorAttributes('name-error', 'Required')).toEqual({
      'aria-invalid': 'true',
      'aria-describedby': 'name-error',
    });
    expect(errorAttributes('key-error', undefined, 'key-hint')).toEqual({
      'aria-invalid': undefined,
      'aria-describedby': 'key-hint',
    });
    expect(errorAttributes('key-error', 'Too short', 'key-hint')).toEqual({
      'aria-invalid': 'true',
      'aria-describedby': 'key-hint key-error',
    });
  });
});
