import { describe, expect, it } from 'vitest';
import { mfaState } from '../../pages/popup/mfa-state.ts';
import { testApp } from '../portal/__tests__/apps.ts';
import { appMfaMaxAgeSeconds } from './app-freshness.ts';

const policy = { stepUpMaxAgeSeconds: 300, appStepUpMaxAge: { payroll: 60 } };

describe('per-app second-factor freshness (one rule for the launcher and the popup)', () => {
  it('B13: the policy per app wins, then the catalog, then the policy default', () => {
    expect(appMfaMaxAgeSeconds({ id: 'payroll', mfaMaxAgeSeconds: 900 }, policy)).toBe(60);
    expect(appMfaMaxAgeSeconds({ id: 'wiki', mfaMaxAgeSeconds: 900 }, policy)).toBe(900);
    expect(appMfaMaxAgeSeconds({ id: 'wiki', mfaMaxAgeSeconds: null }, policy)).toBe(300);
    expect(appMfaMaxAgeSeconds({ id: 'wiki', mfaMaxAgeSeconds: null }, { stepUpMaxAgeSeconds: 120 })).toBe(
      120,
    );
  });

  it('an override of 0 is kept (every launch asks), not taken for "no override"', () => {
    expect(
      appMfaMaxAgeSeconds(
        { id: 'vault', mfaMaxAgeSeconds: 900 },
        { ...policy, appStepUpMaxAge: { vault: 0 } },
      ),
    ).toBe(0);
  });

  it('C8: an app id that names an Object property finds no override', () => {
    expect(appMfaMaxAgeSeconds({ id: 'constructor', mfaMaxAgeSeconds: null }, policy)).toBe(300);
    expect(appMfaMaxAgeSeconds({ id: 'toString', mfaMaxAgeSeconds: 45 }, policy)).toBe(45);
  });

  it('the popup predicts with the same rule', () => {
    const now = 1_000_000_000_000;
    const app = { ...testApp('payroll'), requiresMfa: true, mfaMaxAgeSeconds: 900 };
    const options = { now, defaultMaxAgeSeconds: 300, appMaxAge: policy.appStepUpMaxAge };
    // 59 s ago: fresh for the 60 s override; 61 s ago: not, although the catalog would allow 900 s.
    expect(mfaState(app, { ...options, mfaAuthTime: now / 1000 - 59 })).toMatchObject({ kind: 'verified' });
    expect(mfaState(app, { ...options, mfaAuthTime: now / 1000 - 61 })).toEqual({ kind: 'needed' });
  });
});
