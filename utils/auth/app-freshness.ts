/**
 * How recent the second factor must be to open an app: the one rule, used by
 * the launcher to decide on a step-up before launching (utils/launcher/launcher.ts)
 * and by the popup to predict it on the app's tile (pages/popup/mfa-state.ts).
 *
 * Pure and dependency-free: the popup bundle imports it.
 */

/** The policy values the rule reads (`stepUpMaxAgeSeconds`, `appStepUpMaxAge`). */
export interface AppFreshnessPolicy {
  /** Freshness, in seconds, when neither the policy nor the app says otherwise. */
  readonly stepUpMaxAgeSeconds: number;
  /** Per-app overrides by app id, which win over the catalog. */
  readonly appStepUpMaxAge?: Readonly<Record<string, number>>;
}

/**
 * Seconds a second factor stays fresh enough for `app`: the administrator's
 * per-app value, else the app's own `mfaMaxAgeSeconds` from the catalog, else
 * the policy default.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3 (`max_age`)
 */
export function appMfaMaxAgeSeconds(
  app: { readonly id: string; readonly mfaMaxAgeSeconds: number | null },
  policy: AppFreshnessPolicy,
): number {
  const overrides = policy.appStepUpMaxAge ?? {};
  // Own keys only: an app id is data, and `constructor` must not find Object's.
  const override = Object.hasOwn(overrides, app.id) ? overrides[app.id] : undefined;
  return override ?? app.mfaMaxAgeSeconds ?? policy.stepUpMaxAgeSeconds;
}
