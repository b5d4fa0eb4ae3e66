/**
 * Step-up rules (RFC 9470): what a resource asked for, and whether an
 * authentication proves it. Pure functions over plain data.
 */
import type { WWWAuthenticateChallenge } from 'oauth4webapi';
import { ACR_MFA } from '../../contract/constants.ts';
import { appMfaMaxAgeSeconds } from './app-freshness.ts';
import { AuthError, type StepUpReasonCode } from './errors.ts';

/**
 * What a resource (or the catalog) demands: one of `acrValues` (empty = any),
 * no older than `maxAge` seconds, and (`secondFactor`) a second factor proven
 * as the issuer's {@link AssuranceRule} says.
 */
export interface StepUpRequirement {
  acrValues: readonly string[];
  /** Seconds; null = any age. */
  maxAge: number | null;
  /**
   * Whether a second factor is demanded (an app or action that requires MFA).
   * Absent: demanded exactly when `acrValues` names a level (an RFC 9470
   * challenge without `acr_values` asks only for a recent sign-in).
   */
  secondFactor?: boolean;
}

/** The authentication a code flow proved (never a refresh, A4). */
export interface ProvenAuthentication {
  acr: string | null;
  amr: readonly string[];
  /** Epoch seconds. */
  authTime: number | null;
}

/**
 * What proves a fresh second factor at one issuer: policy `stepUpAssurance`
 * (utils/policy/schema.ts), else {@link defaultAssuranceRule}.
 */
export interface AssuranceRule {
  /** `acr` values that prove a second factor; requested as `acr_values`, in this order. */
  acrValues: readonly string[];
  /** Whether `amr` must also name a second factor (RFC 8176) when `acr` is one of `acrValues`. */
  requireSecondFactorAmr: boolean;
  /**
   * Whether an ID token without `acr` proves a second factor by `amr` alone
   * (providers that emit no `acr`); `amr` must then name a second factor.
   */
  acceptAmrWithoutAcr: boolean;
}

/** The strict rule: the requested level in `acr` and a second factor in `amr`. */
export function defaultAssuranceRule(acr: string = ACR_MFA): AssuranceRule {
  return { acrValues: [acr], requireSecondFactorAmr: true, acceptAmrWithoutAcr: false };
}

/** The assurance settings of the policy (utils/policy/resolve.ts `Settings`). */
export interface AssuranceSettings {
  /** Policy `stepUpAcrValue`: the level of the default rule; empty means {@link ACR_MFA}. */
  stepUpAcrValue: string;
  /** Policy `stepUpAssurance`: issuer → rule. */
  stepUpAssurance?: Readonly<Record<string, AssuranceRule>>;
}

/** The rule for `issuer`: the policy's entry for exactly that issuer, else the strict default. */
export function assuranceRuleFor(settings: AssuranceSettings, issuer: string | null): AssuranceRule {
  const rules = settings.stepUpAssurance ?? {};
  if (issuer !== null && Object.hasOwn(rules, issuer)) return rules[issuer] as AssuranceRule;
  return defaultAssuranceRule(settings.stepUpAcrValue || ACR_MFA);
}

/**
 * RFC 8176 method values that are a factor beyond the password. `mfa` itself
 * says "multiple factors were used".
 *
 * @see https://www.rfc-editor.org/rfc/rfc8176#section-2
 */
const SECOND_FACTOR_AMR = new Set([
  'mfa',
  'otp',
  'hwk',
  'swk',
  'sms',
  'tel',
  'fpt',
  'face',
  'iris',
  'retina',
  'vbm',
  'pop',
  'sc',
]);

/** Allowed clock difference between the portal and this machine, seconds. */
export const CLOCK_SKEW_SECONDS = 5;
/** How far in the future an `auth_time` may lie before it is refused, seconds. */
const FUTURE_LIMIT_SECONDS = 60;

/** The requirement for an app or action that needs MFA under `rule`. */
export function mfaRequirement(maxAgeSeconds: number | null, rule: AssuranceRule): StepUpRequirement {
  return { acrValues: [...rule.acrValues], maxAge: maxAgeSeconds, secondFactor: true };
}

/**
 * Extracts an RFC 9470 challenge (`insufficient_user_authentication`) from
 * parsed `WWW-Authenticate` challenges, or null when there is none.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3
 */
export function stepUpChallenge(challenges: readonly WWWAuthenticateChallenge[]): StepUpRequirement | null {
  for (const challenge of challenges) {
    if (challenge.scheme !== 'bearer') continue;
    if (challenge.parameters.error !== 'insufficient_user_authentication') continue;
    // No acr_values means "any assurance, but recent enough" (a plain re-authentication).
    const acrValues = (challenge.parameters.acr_values ?? '').split(' ').filter(Boolean);
    const maxAgeText = challenge.parameters.max_age;
    const maxAge = maxAgeText !== undefined && /^\d+$/.test(maxAgeText) ? Number(maxAgeText) : null;
    return { acrValues, maxAge };
  }
  return null;
}

/** One reason, with the values its message shows and an English sentence for logs and tests. */
export interface StepUpShortfall {
  code: StepUpReasonCode;
  params: string[];
  message: string;
}

function shortfall(code: StepUpReasonCode, params: string[], message: string): StepUpShortfall {
  return { code, params, message };
}

/**
 * Why `auth` falls short of `requirement` at an issuer with `rule`, or null
 * when it satisfies it. Checked in this order: `acr`, `amr`, `auth_time`.
 *
 * - A present `acr` must be one of the requirement's values (a provider that
 *   ignored `acr_values` and answered with the session's level is refused).
 * - A missing `acr` is refused unless the rule accepts `amr` alone.
 * - `amr` must name a second factor when the rule says so, and always when
 *   `amr` alone is the proof.
 * - With `max_age`, `auth_time` must be present, non-zero, not older than
 *   `max_age` (plus {@link CLOCK_SKEW_SECONDS}) and not in the future.
 *   oauth4webapi's own `max_age` check is off (utils/auth/oidc.ts) so that
 *   this one gives the reason.
 */
export function stepUpShortfall(
  auth: ProvenAuthentication,
  requirement: StepUpRequirement,
  rule: AssuranceRule,
  nowMs: number,
): StepUpShortfall | null {
  const secondFactor = requirement.secondFactor ?? requirement.acrValues.length > 0;
  const required = requirement.acrValues.join(' ');
  let amrIsTheProof = false;
  if (requirement.acrValues.length > 0 || secondFactor) {
    if (auth.acr === null) {
      if (!(secondFactor && rule.acceptAmrWithoutAcr)) {
        return shortfall(
          'step_up_acr_missing',
          [required],
          `The provider did not say which assurance it confirmed (required: "${required}").`,
        );
      }
      amrIsTheProof = true;
    } else if (requirement.acrValues.length > 0 && !requirement.acrValues.includes(auth.acr)) {
      return shortfall(
        'step_up_acr_not_accepted',
        [auth.acr, required],
        `The provider confirmed assurance "${auth.acr}", not the required "${required}".`,
      );
    } else if (requirement.acrValues.length === 0) {
      // A rule without acr values: amr is the only proof whatever acr says.
      amrIsTheProof = true;
    }
  }
  const needsAmr = secondFactor && (amrIsTheProof || rule.requireSecondFactorAmr);
  if (needsAmr && !auth.amr.some((method) => SECOND_FACTOR_AMR.has(method))) {
    const methods = auth.amr.join(', ') || '—';
    return shortfall(
      'step_up_no_second_factor',
      [methods],
      `The provider did not confirm a second factor (methods: ${methods}).`,
    );
  }
  if (requirement.maxAge !== null) {
    // auth_time 0 is 1970: a provider that does not know when the person authenticated.
    if (auth.authTime === null || auth.authTime <= 0) {
      return shortfall(
        'step_up_time_unproven',
        [],
        'The provider did not say when you verified, so freshness cannot be proven.',
      );
    }
    const ageSeconds = nowMs / 1000 - auth.authTime;
    if (ageSeconds > requirement.maxAge + CLOCK_SKEW_SECONDS) {
      return shortfall(
        'step_up_too_old',
        [String(Math.floor(ageSeconds)), String(requirement.maxAge)],
        `Your verification is ${Math.floor(ageSeconds)} s old; this app needs one within ${requirement.maxAge} s.`,
      );
    }
    if (ageSeconds < -FUTURE_LIMIT_SECONDS) {
      return shortfall(
        'step_up_time_in_future',
        [],
        'The provider reported a verification time in the future.',
      );
    }
  }
  return null;
}

/** True when `auth` already satisfies `requirement`: no step-up tab needed. */
export function isAuthenticationSufficient(
  auth: ProvenAuthentication | null,
  requirement: StepUpRequirement,
  rule: AssuranceRule,
  nowMs: number,
): boolean {
  return auth !== null && stepUpShortfall(auth, requirement, rule, nowMs) === null;
}

/**
 * A4: checks a step-up result itself rather than trusting the provider's
 * word. Throws an {@link AuthError} whose code is the {@link StepUpReasonCode}
 * and whose `params` fill its message.
 */
export function assertStepUpSatisfied(
  auth: ProvenAuthentication,
  requirement: StepUpRequirement,
  rule: AssuranceRule,
  nowMs: number,
): void {
  const reason = stepUpShortfall(auth, requirement, rule, nowMs);
  if (reason) {
    throw new AuthError(reason.code, `${reason.message} The app was not opened.`, {
      params: reason.params,
    });
  }
}

/** Merges two requirements into one that satisfies both (shared step-up tab, C6). */
export function combineRequirements(a: StepUpRequirement, b: StepUpRequirement): StepUpRequirement {
  const acrValues =
    a.acrValues.length === 0
      ? [...b.acrValues]
      : b.acrValues.length === 0
        ? [...a.acrValues]
        : a.acrValues.filter((value) => b.acrValues.includes(value));
  const maxAge = a.maxAge === null ? b.maxAge : b.maxAge === null ? a.maxAge : Math.min(a.maxAge, b.maxAge);
  const secondFactor =
    (a.secondFactor ?? a.acrValues.length > 0) || (b.secondFactor ?? b.acrValues.length > 0);
  return { acrValues: acrValues.length > 0 ? acrValues : [...a.acrValues], maxAge, secondFactor };
}

/** The policy settings that decide how fresh an app's second factor must be, and what proves it. */
export interface AppStepUpPolicy extends AssuranceSettings {
  /** Policy `appStepUpMaxAge`: seconds per app id. */
  appStepUpMaxAge: Readonly<Record<string, number>>;
  /** Policy `stepUpMaxAgeSeconds`: the default. */
  stepUpMaxAgeSeconds: number;
}

/**
 * The requirement for an app that needs MFA: freshness from the one rule
 * ({@link appMfaMaxAgeSeconds}), proven as `rule` says.
 */
export function appRequirement(
  policy: AppStepUpPolicy,
  rule: AssuranceRule,
  app: { id: string; mfaMaxAgeSeconds: number | null },
): StepUpRequirement {
  return mfaRequirement(appMfaMaxAgeSeconds(app, policy), rule);
}

/**
 * When `auth` last proved a second factor under `rule` (`auth_time`, epoch
 * seconds), or null when it did not: the popup's MFA markers and the
 * toolbar badge count from it.
 */
export function provenMfaTime(
  auth: ProvenAuthentication | null,
  rule: AssuranceRule,
  nowMs: number,
): number | null {
  if (!auth || auth.authTime === null || auth.authTime <= 0) return null;
  return isAuthenticationSufficient(auth, mfaRequirement(null, rule), rule, nowMs) ? auth.authTime : null;
}
