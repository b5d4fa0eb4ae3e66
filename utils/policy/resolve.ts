/**
 * The one place that decides the effective settings: managed policy (admin) >
 * user settings > defaults (DESIGN.md "Inside the extension").
 *
 * Contract: pure and total. {@link resolveSettings} accepts anything (storage
 * can hold values from an older version, a typo in a Firefox policies.json, a
 * hostile value) and never throws: every value it cannot use becomes a
 * {@link PolicyProblem} and the next source down applies instead (A11, C8).
 */
import * as z from 'zod/mini';
import { ACR_MFA, LAUNCHER_CLIENT_ID } from '../../contract/constants';
import {
  type AssuranceRulePolicy,
  MANAGED_POLICY_KEYS,
  type ManagedPolicy,
  managedPolicyFields,
  OPTIONS_SECTIONS,
  type OptionsSection,
  POLICY_APP_KEYS,
  type PolicyApp,
  type Theme,
  USER_SETTING_KEYS,
  type UserSettings,
  userSettingsFields,
} from './schema';

// zod's English messages: the admin-facing problems below quote them (zod/mini loads no locale).
import '../zod-config.ts';

/** The effective configuration every part of the extension reads. */
export interface Settings {
  /** The OpenID Provider's issuer; `null` until an admin or the user sets one. */
  portalUrl: string | null;
  /** OAuth `client_id` of the launcher at that provider. */
  clientId: string;
  brandName: string;
  /** `#rrggbb`, or `null` for the built-in colours. */
  brandColor: string | null;
  brandLogoUrl: string | null;
  /** App ids the admin pins first, in this order. */
  pinnedApps: string[];
  /** How fresh the second factor must be for sensitive actions (RFC 9470 `max_age`). */
  stepUpMaxAgeSeconds: number;
  /** Per-app freshness overrides, app id → seconds. */
  appStepUpMaxAge: Record<string, number>;
  /** Sign out after this many idle minutes; `null` for never. */
  idleSignOutMinutes: number | null;
  /** Whether the user may choose the portal address. */
  allowUserPortalUrl: boolean;
  /** Options page sections to show, in display order. */
  optionsSections: OptionsSection[];
  /** The `acr` value a step-up asks for (RFC 9470 `acr_values`). */
  stepUpAcrValue: string;
  /** Whom employees contact when access is denied (an https address or an email), or `null`. */
  adminContact: string | null;
  /** What proves a fresh second factor, per issuer (utils/auth/step-up.ts `AssuranceRule`). */
  stepUpAssurance: Record<string, AssuranceRulePolicy>;
  /** Apps defined by policy, for providers without the portal API. */
  apps: PolicyApp[];
  theme: Theme;
  /** BCP 47 tag, or `null` to follow the browser. */
  language: string | null;
}

/** Where a problem came from: the admin's policy or the user's stored settings. */
export type PolicySource = 'managed' | 'user';

/** A value that was ignored, and why. The options page lists these (A11). */
export interface PolicyProblem {
  /** The setting's key, or `null` when the whole object was unusable. */
  key: string | null;
  source: PolicySource;
  /** What happened and what to do, in a sentence a person can act on. */
  message: string;
}

/** The result of resolving the sources. */
export interface PolicyResult {
  settings: Settings;
  /** Keys whose value the admin decides; the UI shows them locked and refuses edits. */
  forced: ReadonlySet<keyof Settings>;
  problems: PolicyProblem[];
}

/** The sources, exactly as read from storage (anything at all). */
export interface PolicySources {
  managed: unknown;
  user: unknown;
}

/** Default step-up freshness: five minutes, as the portal asks for sensitive changes. */
export const DEFAULT_STEP_UP_MAX_AGE_SECONDS = 300;
export const DEFAULT_BRAND_NAME = 'Portal Launcher';

/** The defaults, as a fresh object each call (callers may mutate their copy). */
export function defaultSettings(): Settings {
  return {
    portalUrl: null,
    clientId: LAUNCHER_CLIENT_ID,
    brandName: DEFAULT_BRAND_NAME,
    brandColor: null,
    brandLogoUrl: null,
    pinnedApps: [],
    stepUpMaxAgeSeconds: DEFAULT_STEP_UP_MAX_AGE_SECONDS,
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
  };
}

/** A hostile or broken source may hold thousands of keys; report a few, then summarise. */
const MAX_UNKNOWN_KEY_PROBLEMS = 20;
const MAX_KEY_LENGTH_IN_MESSAGES = 60;

/**
 * Resolves the effective settings from the managed policy and the user's
 * stored settings.
 *
 * - A managed key that is present and valid is **forced**, whatever its value
 *   (an admin who sets `""` for `brandName` forced an empty name).
 * - An invalid managed value is reported (`source: 'managed'`) and ignored:
 *   the user's value, else the default, applies, and the key is not forced.
 * - Invalid user values and unknown keys are reported and ignored likewise.
 * - When `allowUserPortalUrl` is `false`, the user's `portalUrl` is never used
 *   and `portalUrl` is forced, even if the managed address is missing or
 *   invalid: the admin said users may not choose where to sign in (A11).
 *
 * @see https://developer.chrome.com/docs/extensions/reference/api/storage#property-managed
 */
export function resolveSettings(sources: PolicySources): PolicyResult {
  const problems: PolicyProblem[] = [];
  // Typed as Partial<Settings> so the compiler checks that every validated
  // value fits its settings field.
  const managed: Partial<Settings> = readSource(
    sources.managed,
    'managed',
    managedPolicyFields,
    problems,
  ) as Partial<ManagedPolicy>;
  const user: Partial<Settings> = readSource(
    sources.user,
    'user',
    userSettingsFields,
    problems,
  ) as Partial<UserSettings>;

  const settings: Settings = { ...defaultSettings(), ...managed };
  const forced = new Set<keyof Settings>(MANAGED_POLICY_KEYS.filter((key) => Object.hasOwn(managed, key)));

  if (!settings.allowUserPortalUrl && !forced.has('portalUrl')) {
    forced.add('portalUrl');
    if (!problems.some((problem) => problem.source === 'managed' && problem.key === 'portalUrl')) {
      problems.push({
        key: 'portalUrl',
        source: 'managed',
        message:
          'The policy forbids choosing the portal address (allowUserPortalUrl is false) but sets no portalUrl, ' +
          'so the launcher has no portal to sign in to. Ask your administrator to set portalUrl.',
      });
    }
  }

  for (const key of USER_SETTING_KEYS) {
    if (!forced.has(key) && Object.hasOwn(user, key)) Object.assign(settings, { [key]: user[key] });
  }

  return { settings, forced, problems };
}

/**
 * Validates each key of one source on its own, so one bad value costs only
 * itself. Returns the valid values; pushes a problem for everything else.
 */
function readSource(
  raw: unknown,
  source: PolicySource,
  fields: Record<string, z.core.$ZodType>,
  problems: PolicyProblem[],
): Record<string, unknown> {
  const valid: Record<string, unknown> = {};
  // Nothing stored (first run, or no policy on this browser) is normal, not a problem.
  if (raw === undefined || raw === null) return valid;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({
      key: null,
      source,
      message:
        source === 'managed'
          ? `The managed policy is not an object (got ${describeType(raw)}), so all of it was ignored. ${ADMIN_REMEDY}`
          : `Your saved settings were unreadable (got ${describeType(raw)}) and were ignored; defaults apply. ${USER_REMEDY}`,
    });
    return valid;
  }

  let unknownKeys = 0;
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(fields, key)) {
      unknownKeys += 1;
      if (unknownKeys <= MAX_UNKNOWN_KEY_PROBLEMS) problems.push(unknownKeyProblem(key, source, fields));
      continue;
    }
    // A user setting set to null means "back to the default", not an error.
    if (source === 'user' && value === null) continue;
    const result = z.safeParse(fields[key] as z.core.$ZodType, value);
    if (result.success) {
      valid[key] = result.data;
      if (source === 'managed' && key === 'apps') reportUnknownAppProperties(value, problems);
    } else {
      problems.push({ key, source, message: invalidValueMessage(key, source, value, result.error) });
    }
  }
  if (unknownKeys > MAX_UNKNOWN_KEY_PROBLEMS) {
    problems.push({
      key: null,
      source,
      message: `${unknownKeys - MAX_UNKNOWN_KEY_PROBLEMS} more unknown settings were ignored.`,
    });
  }
  return valid;
}

const ADMIN_REMEDY = 'Ask your administrator to correct the policy.';
const USER_REMEDY = 'Set it again in Settings.';

function invalidValueMessage(
  key: string,
  source: PolicySource,
  value: unknown,
  error: z.core.$ZodError,
): string {
  const details = error.issues
    .slice(0, 3)
    .map((issue) => {
      const text = sentence(issueText(issue, valueAt(value, issue.path)));
      if (issue.path.length === 0) return text;
      const where = formatPath([key, ...issue.path]);
      return text.startsWith('It ') ? `${where} ${text.slice(3)}` : `${where}: ${text}`;
    })
    .join(' ');
  return source === 'managed'
    ? `The policy value for ${key} is invalid and was ignored. ${details} ${ADMIN_REMEDY}`
    : `Your saved setting ${key} is invalid and was ignored. ${details} ${USER_REMEDY}`;
}

/**
 * What is wrong with one value, in words an administrator can act on. Zod's
 * own wording ("Invalid input: expected number, received string") names no
 * remedy, and a union says only "Invalid input". Firefox's policies.json and
 * the Windows registry (REG_SZ) make quoted numbers and booleans the commonest
 * mistake, so those get the exact fix.
 */
function issueText(issue: z.core.$ZodIssue, actual: unknown): string {
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED_NAMES[issue.expected] ?? `a ${issue.expected}`;
    if (actual === undefined) return `${capitalise(expected)} is missing`;
    let text = `It must be ${expected}, not ${describeType(actual)}`;
    if (typeof actual === 'string') {
      const trimmed = actual.trim();
      const quotedNumber = issue.expected === 'number' && trimmed !== '' && Number.isFinite(Number(trimmed));
      const quotedBoolean = issue.expected === 'boolean' && (trimmed === 'true' || trimmed === 'false');
      if (quotedNumber || quotedBoolean) text += `; write it without quotes: ${trimmed}`;
      else text += ` (${JSON.stringify(truncate(actual))})`;
    }
    return text;
  }
  if (issue.code === 'invalid_union') {
    // The launcher's unions are "" (meaning none) or a real value: explain the real value's rule.
    const branches = issue.errors.filter((branch) => branch.length > 0);
    const telling = branches.find((branch) => branch[0]?.code !== 'invalid_value') ?? branches[0];
    const first = telling?.[0];
    if (first) return issueText(first, valueAt(actual, first.path));
  }
  return issue.message;
}

const EXPECTED_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text (a string)',
  boolean: 'true or false',
  array: 'a list (an array)',
  object: 'an object',
  record: 'an object',
};

/** The part of `value` an issue path points at (undefined when it is not there). */
function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}

function unknownKeyProblem(
  key: string,
  source: PolicySource,
  fields: Record<string, unknown>,
): PolicyProblem {
  const shown = truncate(key);
  // Policy keys are case-sensitive, and a wrong case is the commonest typo.
  const suggestion = Object.keys(fields).find((known) => known.toLowerCase() === key.toLowerCase());
  const hint = suggestion === undefined ? '' : ` Did you mean ${suggestion}?`;
  return {
    key: shown,
    source,
    message:
      source === 'managed'
        ? `The policy sets ${shown}, which Portal Launcher does not know; it was ignored.${hint}`
        : `Your saved settings contain ${shown}, which this version does not use; it was ignored.`,
  };
}

/**
 * App entries keep working when they carry a property this version does not
 * know (a newer policy, or a typo), but the admin should hear about it: a
 * misspelt `requiresMFA` would otherwise silently mean "no MFA".
 */
function reportUnknownAppProperties(raw: unknown, problems: PolicyProblem[]): void {
  if (!Array.isArray(raw)) return;
  const known = new Set<string>(POLICY_APP_KEYS);
  raw.forEach((app: unknown, index) => {
    if (typeof app !== 'object' || app === null) return;
    const unknown = Object.keys(app).filter((property) => !known.has(property));
    if (unknown.length > 0) {
      problems.push({
        key: 'apps',
        source: 'managed',
        message: `apps[${index}] has properties Portal Launcher does not know (${unknown
          .slice(0, 5)
          .map(truncate)
          .join(', ')}); they were ignored. Known properties: ${POLICY_APP_KEYS.join(', ')}.`,
      });
    }
  });
}

function truncate(text: string): string {
  return text.length > MAX_KEY_LENGTH_IN_MESSAGES ? `${text.slice(0, MAX_KEY_LENGTH_IN_MESSAGES)}…` : text;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list (an array)';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'text (a string)';
  return `a ${typeof value}`;
}

/**
 * The valid part of the user's stored settings, and problems for the rest.
 * Used when rewriting them, so a save keeps every value that still counts (C8).
 */
export function readUserSettings(raw: unknown): { values: Partial<UserSettings>; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const values = readSource(raw, 'user', userSettingsFields, problems) as Partial<UserSettings>;
  return { values, problems };
}

/** Whether a change between two results changes who the user is signed in as or where (A11). */
export function isIdentityChange(previous: Settings, next: Settings): boolean {
  return previous.portalUrl !== next.portalUrl || previous.clientId !== next.clientId;
}
