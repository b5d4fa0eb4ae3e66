/**
 * Step-up rules (RFC 9470): what a resource asked for, and whether an
 * authentication proves it. Pure functions over plain data.
 */
import type { WWWAuthenticateChallenge } from 'oauth4webapi';
import { ACR_MFA } from '../../contract/constants.ts';
import { appMfaMaxAgeSeconds } from './app-freshness.ts';
import { AuthError } from './errors.ts';

/**
 * What a resource (or the catalog) demands: one of `acrValues` (empty = any),
 * no older than `maxAge` seconds.
 */
export interface StepUpRequirement {
  acrValues: readonly string[];
  /** Seconds; null = any age. */
  maxAge: number | null;
}

/** The authentication a code flow proved (never a refresh, A4). */
export interface ProvenAuthentication {
  acr: string | null;
  amr: readonly string[];
  /** Epoch seconds. */
  authTime: number | null;
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

/** The requirement for an app the catalog marks `requiresMfa`. */
export function mfaRequirement(maxAgeSeconds: number | null, acr: string = ACR_MFA): StepUpRequirement {
  return { acrValues: [acr], maxAge: maxAgeSeconds };
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

/** Why an authentication falls short of a requirement, or null when it satisfies it. */
export function stepUpShortfall(
  auth: ProvenAuthentication | null,
  requirement: StepUpRequirement,
  nowMs: number,
): string | null {
  if (!auth) return 'There is no proven authentication.';
  if (requirement.acrValues.length > 0 && (!auth.acr || !requirement.acrValues.includes(auth.acr))) {
    return `The portal confirmed assurance "${auth.acr ?? 'none'}", not the required "${requirement.acrValues.join(' ')}".`;
  }
  // An MFA level is only believed with a second factor in `amr` (RFC 8176).
  if (requirement.acrValues.includes(ACR_MFA) && !auth.amr.some((method) => SECOND_FACTOR_AMR.has(method))) {
    return 'The portal did not confirm a second factor.';
  }
  if (requirement.maxAge !== null) {
    if (auth.authTime === null) return 'The portal did not say when you verified.';
    const ageSeconds = nowMs / 1000 - auth.authTime;
    if (ageSeconds > requirement.maxAge + CLOCK_SKEW_SECONDS) {
      return 'Your verification is too old for this app.';
    }
    if (ageSeconds < -60) return 'The portal reported a verification time in the future.';
  }
  return null;
}

/** True when `auth` already satisfies `requirement`: no step-up tab needed. */
export function isAuthenticationSufficient(
  auth: ProvenAuthentication | null,
  requirement: StepUpRequirement,
  nowMs: number,
): boolean {
  return stepUpShortfall(auth, requirement, nowMs) === null;
}

/**
 * A4: checks a step-up result itself rather than trusting the portal's word:
 * `acr` in the required set, `amr` with a second factor, `auth_time` fresh.
 * Throws `step_up_insufficient`.
 */
export function assertStepUpSatisfied(
  auth: ProvenAuthentication,
  requirement: StepUpRequirement,
  nowMs: number,
): void {
  const shortfall = stepUpShortfall(auth, requirement, nowMs);
  if (shortfall) {
    throw new AuthError('step_up_insufficient', `${shortfall} The app was not opened. Try again.`);
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
  return { acrValues: acrValues.length > 0 ? acrValues : [...a.acrValues], maxAge };
}

/** The policy settings that decide how fresh an app's second factor must be. */
export interface AppStepUpPolicy {
  /** Policy `appStepUpMaxAge`: seconds per app id. */
  appStepUpMaxAge: Readonly<Record<string, number>>;
  /** Policy `stepUpMaxAgeSeconds`: the default. */
  stepUpMaxAgeSeconds: number;
  /** Policy `stepUpAcrValue`; empty means {@link ACR_MFA}. */
  stepUpAcrValue: string;
}

/**
 * The requirement for an app that needs MFA: freshness from the one rule
 * ({@link appMfaMaxAgeSeconds}), at the policy's MFA level.
 */
export function appRequirement(
  policy: AppStepUpPolicy,
  app: { id: string; mfaMaxAgeSeconds: number | null },
): StepUpRequirement {
  return mfaRequirement(appMfaMaxAgeSeconds(app, policy), policy.stepUpAcrValue || ACR_MFA);
}

/**
 * When `auth` last proved a second factor at the policy's MFA level `acr`
 * (`auth_time`, epoch seconds), or null when it did not: the popup's MFA
 * markers and the toolbar badge count from it.
 */
export function provenMfaTime(auth: ProvenAuthentication | null, acr: string, nowMs: number): number | null {
  return auth && isAuthenticationSufficient(auth, mfaRequirement(null, acr), nowMs) ? auth.authTime : null;
}
