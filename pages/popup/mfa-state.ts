/**
 * What the launcher says about an app's second-factor requirement before the
 * click: "MFA needed" when opening it will ask for a code, or "Verified, N
 * min left" while the last second factor is still fresh enough for it. The
 * background makes the real decision (RFC 9470 step-up); this only predicts
 * it from the same inputs and the same rule (utils/auth/app-freshness.ts), so
 * the person is not surprised by a code prompt.
 */
import type { PortalApp } from '../../contract/schemas.ts';
import { appMfaMaxAgeSeconds } from '../../utils/auth/app-freshness.ts';
import { mfaMinutesLeft } from '../../utils/toolbar/toolbar-state.ts';

/** The marker to show. */
export type MfaState =
  | { readonly kind: 'none' }
  | { readonly kind: 'needed' }
  | { readonly kind: 'verified'; readonly minutesLeft: number };

/** Inputs besides the app. */
export interface MfaStateOptions {
  /** Epoch seconds of the last authentication that proved a second factor (`auth_time` with an MFA `acr`), or null. */
  readonly mfaAuthTime: number | null;
  /** Epoch milliseconds now. */
  readonly now: number;
  /** Freshness to assume when the app does not give its own `mfaMaxAgeSeconds` (policy `stepUpMaxAgeSeconds`). */
  readonly defaultMaxAgeSeconds: number;
  /** Policy overrides per app id (`appStepUpMaxAge`), which win over the catalog. */
  readonly appMaxAge?: Readonly<Record<string, number>>;
}

/**
 * The marker for `app`. Minutes come from the toolbar badge's own count
 * ({@link mfaMinutesLeft}: rounded down, 0 in the last minute), so the popup
 * and the badge always say the same; at 0 the factor is still fresh and the
 * marker flips to "needed" only when it really is stale.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3 (`max_age` against `auth_time`)
 */
export function mfaState(app: PortalApp, options: MfaStateOptions): MfaState {
  if (!app.requiresMfa) return { kind: 'none' };
  const maxAge = appMfaMaxAgeSeconds(app, {
    stepUpMaxAgeSeconds: options.defaultMaxAgeSeconds,
    ...(options.appMaxAge ? { appStepUpMaxAge: options.appMaxAge } : {}),
  });
  const minutesLeft = mfaMinutesLeft(options.mfaAuthTime, maxAge, options.now);
  return minutesLeft === null ? { kind: 'needed' } : { kind: 'verified', minutesLeft };
}
