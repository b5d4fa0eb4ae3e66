import { describe, expect, it } from 'vitest';
import { ACR_MFA, ACR_PASSWORD } from '../../contract/constants.ts';
import { AuthError } from './errors.ts';
import {
  type AssuranceRule,
  assertStepUpSatisfied,
  assuranceRuleFor,
  combineRequirements,
  defaultAssuranceRule,
  isAuthenticationSufficient,
  mfaRequirement,
  provenMfaTime,
  stepUpChallenge,
  stepUpShortfall,
} from './step-up.ts';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const nowSeconds = NOW / 1000;
const mfa = { acr: ACR_MFA, amr: ['pwd', 'otp', 'mfa'], authTime: nowSeconds - 60 };
const requirement = { acrValues: [ACR_MFA], maxAge: 300 };
const strict = defaultAssuranceRule();

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
    expect(isAuthenticationSufficient(auth, requirement, strict, NOW)).toBe(sufficient);
    if (!sufficient) {
      expect(() => assertStepUpSatisfied(auth, requirement, strict, NOW)).toThrow(AuthError);
    }
  });

  it('A4: no max_age means any age of a real MFA is enough', () => {
    expect(
      isAuthenticationSufficient(
        { ...mfa, authTime: 0 },
        { acrValues: [ACR_MFA], maxAge: null },
        strict,
        NOW,
      ),
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
    expect(isAuthenticationSufficient(pwd, recent as never, strict, NOW)).toBe(true);
    expect(
      isAuthenticationSufficient({ ...pwd, authTime: nowSeconds - 400 }, recent as never, strict, NOW),
    ).toBe(false);
  });

  it('C6: a shared step-up satisfies both requirements (stricter max_age wins)', () => {
    expect(
      combineRequirements({ acrValues: [ACR_MFA], maxAge: 300 }, { acrValues: [ACR_MFA], maxAge: 60 }),
    ).toEqual({
      acrValues: [ACR_MFA],
      maxAge: 60,
      secondFactor: true,
    });
  });
});

/** The reason `auth` is refused under `rule` for an app needing MFA within 300 s, or null. */
function reason(auth: { acr: string | null; amr: string[]; authTime: number | null }, rule: AssuranceRule) {
  return stepUpShortfall(auth, mfaRequirement(300, rule), rule, NOW);
}

describe('A4: the step-up assurance rule (policy stepUpAssurance)', () => {
  const fresh = nowSeconds - 30;
  const acrOnly: AssuranceRule = {
    acrValues: ['loa-3'],
    requireSecondFactorAmr: false,
    acceptAmrWithoutAcr: false,
  };
  const acrAndAmr: AssuranceRule = {
    acrValues: ['loa-3'],
    requireSecondFactorAmr: true,
    acceptAmrWithoutAcr: false,
  };
  const amrOnly: AssuranceRule = { acrValues: [], requireSecondFactorAmr: true, acceptAmrWithoutAcr: true };

  it('acr only: the accepted acr is enough, amr need not name a factor (a provider without amr)', () => {
    expect(reason({ acr: 'loa-3', amr: [], authTime: fresh }, acrOnly)).toBeNull();
  });

  it('acr + amr: the accepted acr without a second factor in amr is refused (step_up_no_second_factor)', () => {
    expect(reason({ acr: 'loa-3', amr: ['pwd'], authTime: fresh }, acrAndAmr)).toMatchObject({
      code: 'step_up_no_second_factor',
      params: ['pwd'],
    });
    expect(reason({ acr: 'loa-3', amr: ['pwd', 'otp'], authTime: fresh }, acrAndAmr)).toBeNull();
  });

  it('amr only (Glewlwyd: no acr, amr password+otp): amr alone proves it when the rule accepts it', () => {
    expect(reason({ acr: null, amr: ['password', 'otp'], authTime: fresh }, amrOnly)).toBeNull();
    expect(reason({ acr: null, amr: ['password'], authTime: fresh }, amrOnly)).toMatchObject({
      code: 'step_up_no_second_factor',
      params: ['password'],
    });
  });

  it('amr missing: refused by the strict default and by an amr-only rule; accepted by acr only', () => {
    expect(reason({ acr: ACR_MFA, amr: [], authTime: fresh }, strict)).toMatchObject({
      code: 'step_up_no_second_factor',
      params: ['—'],
    });
    expect(reason({ acr: null, amr: [], authTime: fresh }, amrOnly)?.code).toBe('step_up_no_second_factor');
    expect(reason({ acr: 'loa-3', amr: [], authTime: fresh }, acrOnly)).toBeNull();
  });

  it('acr missing: refused (step_up_acr_missing) unless the rule accepts amr alone', () => {
    expect(reason({ acr: null, amr: ['pwd', 'otp'], authTime: fresh }, strict)).toMatchObject({
      code: 'step_up_acr_missing',
      params: [ACR_MFA],
    });
    expect(reason({ acr: null, amr: ['pwd', 'otp'], authTime: fresh }, acrAndAmr)?.code).toBe(
      'step_up_acr_missing',
    );
    expect(
      reason(
        { acr: null, amr: ['pwd', 'otp'], authTime: fresh },
        { ...acrAndAmr, acceptAmrWithoutAcr: true },
      ),
    ).toBeNull();
  });

  it("acr ignored by the provider (it answers with the session's level): never a successful step-up, the reason names both", () => {
    expect(reason({ acr: 'loa-1', amr: ['pwd', 'otp'], authTime: fresh }, acrAndAmr)).toMatchObject({
      code: 'step_up_acr_not_accepted',
      params: ['loa-1', 'loa-3'],
      message: 'The provider confirmed assurance "loa-1", not the required "loa-3".',
    });
    // Even a rule that accepts amr alone does not take a present, other acr.
    expect(
      reason(
        { acr: 'loa-1', amr: ['pwd', 'otp'], authTime: fresh },
        { ...acrAndAmr, acceptAmrWithoutAcr: true },
      )?.code,
    ).toBe('step_up_acr_not_accepted');
  });

  it.each([
    ['missing', null],
    ['0 (Glewlwyd without its session cookie)', 0],
  ])('auth_time %s: freshness cannot be proven (step_up_time_unproven)', (_label, authTime) => {
    expect(reason({ acr: null, amr: ['password', 'otp'], authTime }, amrOnly)?.code).toBe(
      'step_up_time_unproven',
    );
    expect(reason({ ...mfa, authTime }, strict)?.code).toBe('step_up_time_unproven');
  });

  it('auth_time too old or in the future: step_up_too_old (with the ages) and step_up_time_in_future', () => {
    expect(reason({ ...mfa, authTime: nowSeconds - 400 }, strict)).toMatchObject({
      code: 'step_up_too_old',
      params: ['400', '300'],
    });
    expect(reason({ ...mfa, authTime: nowSeconds + 3600 }, strict)?.code).toBe('step_up_time_in_future');
  });

  it('the refusal is an AuthError with the reason as code and its params', () => {
    try {
      assertStepUpSatisfied(
        { acr: 'loa-1', amr: ['otp'], authTime: fresh },
        mfaRequirement(300, acrAndAmr),
        acrAndAmr,
        NOW,
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ code: 'step_up_acr_not_accepted', params: ['loa-1', 'loa-3'] });
    }
  });

  it('the rule for an issuer: its own policy entry (exact issuer), else strict at stepUpAcrValue', () => {
    const settings = { stepUpAcrValue: 'mfa', stepUpAssurance: { 'https://idp.example': amrOnly } };
    expect(assuranceRuleFor(settings, 'https://idp.example')).toBe(amrOnly);
    expect(assuranceRuleFor(settings, 'https://idp.example/')).toEqual({
      acrValues: ['mfa'],
      requireSecondFactorAmr: true,
      acceptAmrWithoutAcr: false,
    });
    expect(assuranceRuleFor({ stepUpAcrValue: '' }, null)).toEqual(defaultAssuranceRule(ACR_MFA));
    expect(assuranceRuleFor(settings, 'constructor').acrValues).toEqual(['mfa']);
  });

  it('the MFA badge counts from a proven second factor only, never from auth_time 0', () => {
    expect(provenMfaTime({ acr: null, amr: ['password', 'otp'], authTime: fresh }, amrOnly, NOW)).toBe(fresh);
    expect(provenMfaTime({ acr: null, amr: ['password', 'otp'], authTime: 0 }, amrOnly, NOW)).toBeNull();
    expect(provenMfaTime({ acr: null, amr: ['password', 'otp'], authTime: fresh }, strict, NOW)).toBeNull();
  });
});
