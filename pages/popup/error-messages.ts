/**
 * The background's errors in the popup's language. The background speaks
 * English (its messages are also logged and tested); every error it sends
 * carries a `code` (utils/auth/errors.ts, utils/portal/api-client.ts,
 * utils/catalog/errors.ts, utils/messaging.ts), so the popup shows the
 * sentence for that code from `_locales` instead, in English, German or
 * Arabic. A code this table does not know (a newer background, a portal's
 * own code) falls back to the background's English text rather than to
 * nothing.
 *
 * Only types are imported from those modules: the popup bundle stays free of
 * zod and of the background's code (tests/unit/bundle-size.test.ts).
 */
import type { AuthErrorCode } from '../../utils/auth/errors.ts';
import type { CatalogErrorCode } from '../../utils/catalog/errors.ts';
import { type MessageKey, t } from '../../utils/i18n.ts';
import type { PortalApiErrorCode } from '../../utils/portal/api-client.ts';

/** Codes only the message channel itself produces (utils/messaging.ts, utils/messaging-client.ts). */
export type ChannelErrorCode =
  | 'forbidden_sender'
  | 'unknown_message'
  | 'invalid_request'
  | 'invalid_reply'
  | 'background_unavailable'
  | 'internal';

/** Every code the background (or the channel to it) can hand the popup. */
export type BackgroundErrorCode =
  | AuthErrorCode
  | PortalApiErrorCode
  | CatalogErrorCode
  | ChannelErrorCode
  /** `StepUpRequiredError` (utils/portal/api-client.ts). */
  | 'step_up_required'
  /** `appsProblem` in provider-only mode (utils/launcher/policy-source.ts). */
  | 'no_policy_apps';

/** The message for each code; `satisfies` makes a new code without a message a compile error. */
export const ERROR_MESSAGE_KEYS = {
  not_configured: 'errorNotConfigured',
  invalid_portal_url: 'errorInvalidPortalUrl',
  insecure_portal_url: 'errorInsecurePortalUrl',
  portal_url_forced: 'errorPortalUrlForced',
  signed_out: 'errorSignedOut',
  cancelled: 'errorCancelled',
  invalid_callback: 'errorInvalidCallback',
  authorization_denied: 'errorAuthorizationDenied',
  invalid_token_response: 'errorInvalidTokenResponse',
  step_up_insufficient: 'errorStepUpInsufficient',
  step_up_acr_missing: 'errorStepUpAcrMissing',
  step_up_acr_not_accepted: 'errorStepUpAcrNotAccepted',
  step_up_no_second_factor: 'errorStepUpNoSecondFactor',
  step_up_time_unproven: 'errorStepUpTimeUnproven',
  step_up_too_old: 'errorStepUpTooOld',
  step_up_time_in_future: 'errorStepUpTimeInFuture',
  network: 'errorNetwork',
  portal_misconfigured: 'errorPortalMisconfigured',
  launch_refused: 'errorLaunchRefused',
  permission_denied: 'errorPermissionDenied',
  not_found: 'errorNotFound',
  unauthorized: 'errorUnauthorized',
  forbidden: 'errorForbidden',
  invalid_response: 'errorInvalidResponse',
  portal_error: 'errorPortalError',
  step_up_required: 'errorStepUpRequired',
  admin_pinned: 'errorAdminPinned',
  favorites_full: 'errorFavoritesFull',
  not_a_favorite: 'errorNotAFavorite',
  forbidden_sender: 'errorRefused',
  unknown_message: 'errorRefused',
  invalid_request: 'errorRefused',
  /** Provider-only mode (utils/launcher/policy-source.ts listing): no portal API and no apps in policy. */
  no_policy_apps: 'errorNoPolicyApps',
  invalid_reply: 'invalidReply',
  background_unavailable: 'backgroundUnavailable',
  internal: 'genericError',
} as const satisfies Record<BackgroundErrorCode, MessageKey>;

/** True when the popup has its own words for this background error code. */
export function hasErrorMessage(code: string): boolean {
  return Object.hasOwn(ERROR_MESSAGE_KEYS, code);
}

/**
 * The sentence to show for a background error: the localized message for
 * `code` with the error's `params` in its placeholders (a step-up reason
 * names the `acr` it got), else `fallback` (the background's English text),
 * else a generic one.
 */
export function localizedError(
  code: string | null | undefined,
  fallback: string | null | undefined,
  params: readonly string[] = [],
): string {
  if (code && Object.hasOwn(ERROR_MESSAGE_KEYS, code)) {
    return t(ERROR_MESSAGE_KEYS[code as BackgroundErrorCode], ...params);
  }
  return fallback || t('genericError');
}
