/**
 * Zod schemas for managed policy (what an administrator sets through enterprise
 * browser policy) and for the user's own settings.
 *
 * Contract: pure, framework-free; safe to import from any context. The
 * extension validates every managed value itself (A11): Chrome applies
 * `public/managed_schema.json`, but Firefox applies no schema at all, so
 * anything may arrive here. Each key has its own schema so that one bad value
 * is reported and ignored without taking the others down (C8).
 *
 * Chrome's schema is no substitute: measured on Chromium 156, a policy with
 * `portalUrl: "http://portal.example"` or an app `url: "javascript:…"` reaches
 * `storage.managed` untouched (the JSON schema has no way to say "https unless
 * loopback"), while values breaking a `pattern`, bound or `enum` are dropped
 * silently. These schemas are the gate.
 *
 * Keep `public/managed_schema.json` in step with {@link managedPolicyFields}:
 * a unit test compares their key sets.
 */
import * as z from 'zod/mini';
import { networkUrlProblem, parseUrl } from '../../contract/addresses.ts';
import { adminContactSchema } from '../../contract/admin-contact.ts';
import { lazy } from '../../contract/lazy.ts';
import { APP_KINDS, appIdSchema } from '../../contract/schemas.ts';
import { portalAddressProblem } from '../portal/address.ts';

/** Options page sections an administrator may show or hide. */
export const OPTIONS_SECTIONS = [
  'profile',
  'password',
  'mfa',
  'ssh-keys',
  'downloads',
  'sessions',
  'settings',
] as const;
export const optionsSectionSchema = lazy(() => z.enum(OPTIONS_SECTIONS));
export type OptionsSection = z.infer<typeof optionsSectionSchema>;

/** Colour themes the user may pick. */
export const THEMES = ['system', 'light', 'dark'] as const;
export const themeSchema = lazy(() => z.enum(THEMES));
export type Theme = z.infer<typeof themeSchema>;

/** Upper bound for every freshness value, in seconds (one day, like `mfaMaxAgeSeconds` in the portal API). */
export const MAX_AGE_LIMIT_SECONDS = 86_400;
/** Upper bound for the idle sign-out, in minutes (30 days). */
export const IDLE_SIGN_OUT_LIMIT_MINUTES = 43_200;
/** Most apps a policy may list (`apps`), and most ids it may pin (`pinnedApps`). */
export const MAX_POLICY_APPS = 500;
export const MAX_PINNED_APPS = 100;
/** Longest URL accepted anywhere in policy, except image data URLs. */
export const MAX_URL_LENGTH = 2048;
/** Longest icon or logo (a `data:image/...` URL may carry the image itself). */
export const MAX_IMAGE_URL_LENGTH = 100_000;

// ---------------------------------------------------------------- URLs

/**
 * The portal address, which is the OpenID Provider's issuer identifier, by
 * the one rule of utils/portal/address.ts: an absolute `https:` URL (loopback
 * `http:` for development) with no query, fragment or credentials, kept
 * exactly as written apart from surrounding whitespace, because the
 * discovery document's `issuer` must match it (A3).
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#IssuerDiscovery issuer form
 */
export const portalUrlSchema = lazy(() =>
  z.string().check(
    z.trim(),
    z.maxLength(MAX_URL_LENGTH, `The portal address must be at most ${MAX_URL_LENGTH} characters.`),
    z.superRefine((value, ctx) => {
      const problem = portalAddressProblem(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: `The portal address ${problem.reason}` });
    }),
  ),
);

/**
 * Where a policy-defined app opens: `https:` (or loopback `http:`) only, so a
 * policy can never make the launcher open `javascript:`, `data:` or `file:`
 * URLs (A9).
 */
export const appUrlSchema = lazy(() =>
  z.string().check(
    z.trim(),
    z.maxLength(MAX_URL_LENGTH, `The address must be at most ${MAX_URL_LENGTH} characters.`),
    z.superRefine((value, ctx) => {
      const url = parseUrl(value);
      if (url === null) {
        ctx.addIssue({ code: 'custom', message: 'Not a valid URL (https://app.example.com).' });
        return;
      }
      const problem = networkUrlProblem(url);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: `The address ${problem}` });
    }),
  ),
);

/** Raster and vector image types an icon may be inlined as. */
const DATA_IMAGE_URL = /^data:image\/(?:png|jpeg|gif|webp|svg\+xml)(?:;base64)?,/i;

/**
 * An icon or logo: an `https:` (or loopback `http:`) address, or an inline
 * `data:image/...` URL. Images render in `<img>`, where even SVG runs no
 * script, so `data:` is safe here though never for navigation.
 */
export const imageUrlSchema = lazy(() =>
  z.string().check(
    z.trim(),
    z.maxLength(MAX_IMAGE_URL_LENGTH, `The image must be at most ${MAX_IMAGE_URL_LENGTH} characters.`),
    z.superRefine((value, ctx) => {
      if (DATA_IMAGE_URL.test(value)) return;
      const url = parseUrl(value);
      if (url === null) {
        ctx.addIssue({
          code: 'custom',
          message: 'Not a valid image URL (https://… or data:image/png;base64,…).',
        });
        return;
      }
      const problem = networkUrlProblem(url);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: `The image address ${problem}` });
    }),
  ),
);

// ---------------------------------------------------------------- small values

/** An app id, as the portal API bounds it (`appSchema.id`). */

/** `#rrggbb`, returned in lower case so equal colours compare equal. */
export const colorSchema = lazy(() =>
  z.pipe(
    z
      .string()
      .check(
        z.trim(),
        z.regex(/^#[0-9a-fA-F]{6}$/, 'A colour must be written #rrggbb, for example #0b5cad.'),
      ),
    z.transform((value) => value.toLowerCase()),
  ),
);

/** Seconds a second factor stays fresh enough (RFC 9470 `max_age`). */
const maxAgeSecondsSchema = lazy(() =>
  // z.int() as a check, as classic `.int(message)` was: a standalone z.int(message) would also
  // give its message to a value that is no number at all.
  z
    .number()
    .check(
      z.int('Use a whole number of seconds.'),
      z.gte(0),
      z.lte(MAX_AGE_LIMIT_SECONDS, `At most ${MAX_AGE_LIMIT_SECONDS} seconds (one day).`),
    ),
);

/**
 * A single `acr` value. Whitespace separates values in `acr_values`, so a
 * value containing it would silently become several.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest acr_values
 */
export const acrValueSchema = lazy(() =>
  z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'The step-up acr value must not be empty.'),
      z.maxLength(200),
      z.regex(
        /^[\x21-\x7e]+$/,
        'The step-up acr value must be one value without spaces, in printable ASCII.',
      ),
    ),
);

/** Most providers a policy may give a step-up assurance rule for (`stepUpAssurance`). */
export const MAX_ASSURANCE_RULES = 20;

/**
 * What proves a fresh second factor at one provider (policy
 * `stepUpAssurance`, keyed by issuer). The strict default (no entry): the
 * `stepUpAcrValue` level in `acr` and a second factor in `amr`. An entry
 * must keep some proof: `acrValues`, or `acceptAmrWithoutAcr` (then `amr`
 * alone must name a second factor).
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken acr, amr
 * @see https://www.rfc-editor.org/rfc/rfc8176 amr values
 */
export const assuranceRuleSchema = lazy(() =>
  z.pipe(
    z
      .strictObject({
        acrValues: z._default(z.array(acrValueSchema).check(z.maxLength(10, 'At most 10 acr values.')), []),
        requireSecondFactorAmr: z._default(z.boolean(), true),
        acceptAmrWithoutAcr: z._default(z.boolean(), false),
      })
      .check(
        z.refine(
          (rule) => rule.acrValues.length > 0 || rule.acceptAmrWithoutAcr,
          'A rule needs acrValues, or acceptAmrWithoutAcr: true (amr alone then proves the second factor).',
        ),
      ),
    z.transform((rule) => ({
      ...rule,
      acrValues: [...new Set(rule.acrValues)],
    })),
  ),
);
export type AssuranceRulePolicy = z.output<typeof assuranceRuleSchema>;

/**
 * A BCP 47 language tag, returned in canonical form (`en-us` → `en-US`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc5646#section-2.1 language tag syntax
 */
export const languageSchema = lazy(() =>
  z.pipe(
    z.string().check(z.trim(), z.minLength(1), z.maxLength(35, 'A language tag is at most 35 characters.')),
    z.transform((value, ctx) => {
      try {
        const [canonical] = Intl.getCanonicalLocales(value);
        if (canonical !== undefined) return canonical;
      } catch {
        // RangeError: not a well-formed tag; reported below.
      }
      // A mini transform has no ctx.addIssue: the issue goes on the list as classic's addIssue put it.
      ctx.issues.push({
        code: 'custom',
        message: `"${value}" is not a language tag (for example en or de-CH).`,
        input: value,
      });
      return z.NEVER;
    }),
  ),
);

// ---------------------------------------------------------------- apps

/**
 * An app defined by the policy, for identity providers without the portal API.
 * Same fields as the portal's `appSchema` (so the catalog treats both alike)
 * plus the `url` the launcher opens.
 */
const policyAppFields = {
  id: appIdSchema,
  /**
   * `oidc` (default), `saml` (the `url` is the provider's IdP-initiated
   * sign-on URL for the app) or `bookmark` (a plain link). All open the `url`,
   * after a step-up when `requiresMfa` says so.
   */
  kind: lazy(() => z._default(z.enum(APP_KINDS), 'oidc')),
  name: lazy(() => z.string().check(z.trim(), z.minLength(1, 'An app needs a name.'), z.maxLength(200))),
  url: appUrlSchema,
  iconUrl: lazy(() => z._default(z.nullable(imageUrlSchema), null)),
  requiresMfa: lazy(() => z._default(z.boolean(), false)),
  mfaMaxAgeSeconds: lazy(() => z._default(z.nullable(maxAgeSecondsSchema), null)),
  description: lazy(() => z._default(z.nullable(z.string().check(z.maxLength(1000))), null)),
  category: lazy(() => z._default(z.nullable(z.string().check(z.maxLength(200))), null)),
  /** A page with more about the app, shown as the app's "Details" link. */
  detailsUrl: lazy(() => z._default(z.nullable(appUrlSchema), null)),
} as const;
export const policyAppSchema = lazy(() => z.object(policyAppFields));
export type PolicyApp = z.output<typeof policyAppSchema>;
/** The properties an app entry may have (for reporting unknown ones). */
export const POLICY_APP_KEYS = Object.keys(policyAppFields) as ReadonlyArray<keyof PolicyApp>;

// ---------------------------------------------------------------- managed policy

/** `""` read as `null`: the branch of a union where an admin forces "none". */
const emptyAsNull = () =>
  z.pipe(
    z.literal(''),
    z.transform(() => null),
  );

/**
 * One schema per managed policy key. An empty string is a real value where
 * the setting can be "nothing" (an admin may force an empty brand name, or
 * force "no logo" / "no brand colour" with `""`, which becomes `null`).
 */
export const managedPolicyFields = {
  portalUrl: portalUrlSchema,
  clientId: lazy(() =>
    z.string().check(
      z.trim(),
      z.minLength(1, 'The client id must not be empty.'),
      z.maxLength(200),
      // RFC 6749 Appendix A.1: client_id = *VSCHAR (printable ASCII, space included).
      z.regex(/^[\x20-\x7e]+$/, 'The client id must be printable ASCII.'),
    ),
  ),
  brandName: lazy(() =>
    z.string().check(z.trim(), z.maxLength(100, 'The brand name must be at most 100 characters.')),
  ),
  brandColor: lazy(() => z.union([emptyAsNull(), colorSchema])),
  brandLogoUrl: lazy(() => z.union([emptyAsNull(), imageUrlSchema])),
  pinnedApps: lazy(() =>
    z.pipe(
      z.array(appIdSchema).check(z.maxLength(MAX_PINNED_APPS, `At most ${MAX_PINNED_APPS} pinned apps.`)),
      // Pinning the same app twice means nothing more; keep the first position.
      z.transform((ids) => [...new Set(ids)]),
    ),
  ),
  stepUpMaxAgeSeconds: maxAgeSecondsSchema,
  appStepUpMaxAge: lazy(() =>
    z
      .record(appIdSchema, maxAgeSecondsSchema)
      .check(
        z.refine((map) => Object.keys(map).length <= MAX_POLICY_APPS, `At most ${MAX_POLICY_APPS} apps.`),
      ),
  ),
  idleSignOutMinutes: lazy(() =>
    z
      .number()
      .check(
        z.int('Use a whole number of minutes.'),
        z.gte(1, 'Use at least 1 minute (leave the policy unset for no idle sign-out).'),
        z.lte(IDLE_SIGN_OUT_LIMIT_MINUTES, `At most ${IDLE_SIGN_OUT_LIMIT_MINUTES} minutes (30 days).`),
      ),
  ),
  allowUserPortalUrl: lazy(() => z.boolean()),
  optionsSections: lazy(() =>
    z.pipe(
      z.array(optionsSectionSchema).check(z.maxLength(OPTIONS_SECTIONS.length * 2)),
      z.transform((sections) => [...new Set(sections)]),
    ),
  ),
  stepUpAcrValue: acrValueSchema,
  /** Whom employees contact when access is denied: an https address or an email (`""` = none). */
  adminContact: lazy(() => z.union([emptyAsNull(), adminContactSchema])),
  stepUpAssurance: lazy(() =>
    z.record(z.string().check(z.maxLength(MAX_URL_LENGTH)), assuranceRuleSchema).check(
      z.superRefine((rules, ctx) => {
        const issuers = Object.keys(rules);
        if (issuers.length > MAX_ASSURANCE_RULES) {
          ctx.addIssue({ code: 'custom', message: `At most ${MAX_ASSURANCE_RULES} providers.` });
        }
        for (const issuer of issuers) {
          const problem = portalAddressProblem(issuer);
          if (problem !== null) {
            ctx.addIssue({
              code: 'custom',
              path: [issuer],
              message: `The key "${issuer.slice(0, 100)}" must be a provider's issuer exactly: it ${problem.reason}`,
            });
          }
        }
      }),
    ),
  ),
  apps: lazy(() =>
    z.array(policyAppSchema).check(
      z.maxLength(MAX_POLICY_APPS, `At most ${MAX_POLICY_APPS} apps.`),
      z.superRefine((apps, ctx) => {
        const seen = new Set<string>();
        apps.forEach((app, index) => {
          if (seen.has(app.id)) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'id'],
              message: `The app id "${app.id}" is listed twice.`,
            });
          }
          seen.add(app.id);
        });
      }),
    ),
  ),
} as const;

export type ManagedPolicyKey = keyof typeof managedPolicyFields;
/** Valid managed values, as the extension uses them. */
export type ManagedPolicy = { [K in ManagedPolicyKey]: z.output<(typeof managedPolicyFields)[K]> };
export const MANAGED_POLICY_KEYS = Object.keys(managedPolicyFields) as ReadonlyArray<ManagedPolicyKey>;

/** The whole managed object at once (every key optional, unknown keys refused). */
export const managedPolicySchema = lazy(() => z.partial(z.strictObject(managedPolicyFields)));

// ---------------------------------------------------------------- user settings

/**
 * One schema per user-changeable setting, as stored under `settings` in
 * `storage.local`. `null` clears a setting back to its default.
 */
export const userSettingsFields = {
  portalUrl: lazy(() => z.nullable(portalUrlSchema)),
  theme: themeSchema,
  language: lazy(() => z.nullable(languageSchema)),
} as const;

export type UserSettingKey = keyof typeof userSettingsFields;
export type UserSettings = { [K in UserSettingKey]: z.output<(typeof userSettingsFields)[K]> };
export const USER_SETTING_KEYS = Object.keys(userSettingsFields) as ReadonlyArray<UserSettingKey>;

/** The stored user settings object (every key optional, unknown keys refused). */
export const userSettingsSchema = lazy(() => z.partial(z.strictObject(userSettingsFields)));
