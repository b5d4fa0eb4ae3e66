import { describe, expect, it } from 'vitest';
import { ACR_MFA, ACR_PASSWORD } from '../../contract/constants.ts';
import { AuthError } from './errors.ts';
import {
  assertStepUpSatisfied,
  combineRequirements,
  isAuthenticationSufficient,
  stepUpChallenge,
} from './step-up.ts';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const nowSeconds = NOW / 1000;
const mfa = { acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'], authTime: nowSeconds - 60 };
const requirement = { acrValues: [ACR_MFA], maxAge: 300 };

describe('step-up rules', () => {
  it.each([
    ['fresh MFA', mfa, true],
    ['password-only acr', { ...mfa, acr: ACR_PASSWORD }, false],
    ['no acr', { ...mfa, acr: null }, false],
    ['MFA acr without a second-factor amr', { ...mfa, amr: ['pwd'] }, false],
    ['stale auth_time', { ...mfa, authTime: nowSeconds - 301 - 5 }, false],
    ['missing auth_time', { ...mfa, authTime: null }, false],
    ['auth_time far in the future', { ...mfa, authTime: nowSeconds + 3600 }, false],
    ['hardware key amr', { ...mfa, amr: ['pwd', 'hwk'] }, true],
  ])('A4: %s → sufficient = %s', (_label, auth, sufficient) => {
    expect(isAuthenticationSufficient(auth, requirement, NOW)).toBe(sufficient);
    if (!sufficient) {
      expect(() => assertStepUpSatisfied(auth, requirement, NOW)).toThrow(AuthError);
    }
  });

  it('A4: no max_age means any age of a real MFA is enough', () => {
    expect(
      isAuthenticationSufficient({ ...mfa, authTime: 0 }, { acrValues: [ACR_MFA], maxAge: null }, NOW),
    ).toBe(true);
  });

  it('RFC 9470 §3: parses insufficient_user_authentication with acr_values and max_age', () => {
    expect(
      stepUpChallenge([
        {
          scheme: 'bearer',
          parameters: {
            error: 'insufficient_user_authentication',
            acr_values: `${ACR_MFA} other`,
            max_age: '120',
          },
        },
      ]),
    ).toEqual({ acrValues: [ACR_MFA, 'other'], maxAge: 120 });
  });

  it('RFC 9470: other challenges are not step-up', () => {
    expect(stepUpChallenge([{ scheme: 'bearer', parameters: { error: 'invalid_token' } }])).toBeNull();
    expect(
      stepUpChallenge([{ scheme: 'dpop', parameters: { error: 'insufficient_user_authentication' } }]),
    ).toBeNull();
    expect(
      stepUpChallenge([
        { scheme: 'bearer', parameters: { error: 'insufficient_user_authentication', max_age: 'soon' } },
      ]),
    ).toEqual({ acrValues: [], maxAge: null });
  });

  it('RFC 9470: a challenge with max_age only asks for a recent sign-in of any level', () => {
    const recent = stepUpChallenge([
      { scheme: 'bearer', parameters: { error: 'insufficient_user_authentication', max_age: '300' } },
    ]);
    expect(recent).toEqual({ acrValues: [], maxAge: 300 });
    const pwd = { acr: ACR_PASSWORD, amr: ['pwd'], authTime: nowSeconds - 10 };
    expect(isAuthenticationSufficient(pwd, recent as never, NOW)).toBe(true);
    expect(isAuthenticationSufficient({ ...pwd, authTime: nowSeconds - 400 }, recent as never, NOW)).toBe(
      false,
    );
  });

  it('C6: a shared step-up satisfies both requirements (stricter max_age wins)', () => {
    expect(
      combineRequirements({ acrValues: [ACR_MFA], maxAge: 300 }, { acrValues: [ACR_MFA], maxAge: 60 }),
    ).toEqual({
      acrValues: [ACR_MFA],
      maxAge: 60,
    });
  });
});
