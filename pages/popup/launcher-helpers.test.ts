import { describe, expect, it } from 'vitest';
import type { PortalApp } from '../../contract/schemas.ts';
import { mfaMinutesLeft } from '../../utils/toolbar/toolbar-state.ts';
import { mfaState } from './mfa-state.ts';
import { highlightSegments } from './segments.ts';

const app = (overrides: Partial<PortalApp> = {}): PortalApp => ({
  id: 'payroll',
  name: 'Payroll',
  description: null,
  iconUrl: null,
  category: null,
  requiresMfa: true,
  mfaMaxAgeSeconds: 300,
  kind: 'oidc',
  url: null,
  detailsUrl: null,
  ...overrides,
});

describe('MFA marker', () => {
  const now = 1_700_000_000_000;
  const base = { now, defaultMaxAgeSeconds: 600 };

  it('shows nothing for apps without MFA', () => {
    expect(mfaState(app({ requiresMfa: false }), { ...base, mfaAuthTime: null })).toEqual({ kind: 'none' });
  });

  it('A4: "needed" without any second factor in this session', () => {
    expect(mfaState(app(), { ...base, mfaAuthTime: null })).toEqual({ kind: 'needed' });
  });

  it('A4: "verified, 3 min left" within the app max age, rounded down like the toolbar badge', () => {
    const authTime = now / 1000 - 61; // 239 s left of 300
    expect(mfaState(app(), { ...base, mfaAuthTime: authTime })).toEqual({ kind: 'verified', minutesLeft: 3 });
  });

  it('A4: the popup marker and the toolbar badge count the same minutes at every second of the window', () => {
    for (let age = -30; age < 300; age += 7) {
      const authTime = now / 1000 - age;
      const marker = mfaState(app(), { ...base, mfaAuthTime: authTime });
      expect(marker).toEqual({ kind: 'verified', minutesLeft: mfaMinutesLeft(authTime, 300, now) });
    }
  });

  it('A4: never more minutes than the window, even with auth_time ahead of this clock', () => {
    expect(mfaState(app(), { ...base, mfaAuthTime: now / 1000 + 45 })).toEqual({
      kind: 'verified',
      minutesLeft: 5,
    });
  });

  it('A4: still verified (0 min) in the last minute, needed once stale', () => {
    expect(mfaState(app(), { ...base, mfaAuthTime: now / 1000 - 299 })).toEqual({
      kind: 'verified',
      minutesLeft: 0,
    });
  });

  it('A4: "needed" once the second factor is exactly as old as the max age', () => {
    expect(mfaState(app(), { ...base, mfaAuthTime: now / 1000 - 300 })).toEqual({ kind: 'needed' });
  });

  it('uses the policy default when the app gives no max age, and a per-app policy override first', () => {
    const authTime = now / 1000 - 400;
    expect(mfaState(app({ mfaMaxAgeSeconds: null }), { ...base, mfaAuthTime: authTime })).toEqual({
      kind: 'verified',
      minutesLeft: 3,
    });
    expect(mfaState(app(), { ...base, mfaAuthTime: authTime, appMaxAge: { payroll: 3600 } })).toEqual({
      kind: 'verified',
      minutesLeft: 53,
    });
  });
});

describe('highlight segments', () => {
  const join = (segments: { text: string }[]) => segments.map((s) => s.text).join('');

  it('marks the ranges and keeps the rest', () => {
    expect(highlightSegments('Team Wiki', [[5, 9]])).toEqual([
      { text: 'Team ', marked: false },
      { text: 'Wiki', marked: true },
    ]);
  });

  it('merges touching and overlapping ranges, sorts them, clamps them', () => {
    const segments = highlightSegments('Payroll', [
      [3, 5],
      [0, 2],
      [2, 3],
      [4, 99],
      [-3, -1],
    ]);
    expect(segments).toEqual([{ text: 'Payroll', marked: true }]);
  });

  it('always rebuilds the original text', () => {
    const text = 'Łódź Straße 365';
    for (const ranges of [
      [],
      [[1, 3]],
      [
        [0, 1],
        [5, 7],
        [12, 15],
      ],
      [[14, 2]],
    ] as [number, number][][]) {
      expect(join(highlightSegments(text, ranges))).toBe(text);
    }
  });
});
