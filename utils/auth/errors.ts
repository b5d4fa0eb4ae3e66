/**
 * The launcher's closed set of error codes. Every error the background can
 * hand to the popup carries one of these, so the UI branches on `code`, never
 * on message text. Messages say what happened and what to do.
 */
import { CodedError } from '../errors.ts';

/**
 * Why a step-up result falls short (A4, utils/auth/step-up.ts), as a code the
 * pages word in the person's language with the error's `params`.
 */
export type StepUpReasonCode =
  /** The ID token has no `acr`, and the rule does not accept `amr` alone. */
  | 'step_up_acr_missing'
  /** `acr` is not one of the accepted values (a provider that ignored `acr_values`). */
  | 'step_up_acr_not_accepted'
  /** `amr` names no second factor where the rule needs one. */
  | 'step_up_no_second_factor'
  /** `auth_time` missing or 0: freshness cannot be proven. */
  | 'step_up_time_unproven'
  /** `auth_time` older than `max_age`. */
  | 'step_up_too_old'
  /** `auth_time` too far in the future. */
  | 'step_up_time_in_future';

/** Codes of {@link AuthError}. */
export type AuthErrorCode =
  /** No portal address is configured yet. */
  | 'not_configured'
  /** A typed portal address is not a web address, or has a query, fragment or credentials. */
  | 'invalid_portal_url'
  /** A typed portal address is not https (plain http is for this computer only). */
  | 'insecure_portal_url'
  /** The administrator set the portal address; it cannot be changed here. */
  | 'portal_url_forced'
  /** The action needs a signed-in session and there is none (or it ended). */
  | 'signed_out'
  /** The employee closed or abandoned the sign-in / step-up tab (C5). */
  | 'cancelled'
  /** The redirect did not match a pending flow: unknown, reused or expired `state` (A2). */
  | 'invalid_callback'
  /** The portal answered the authorization request with `error=` (A2). */
  | 'authorization_denied'
  /** The ID token or token response failed validation (A3). */
  | 'invalid_token_response'
  /** The step-up result does not prove a fresh second factor (A4). */
  | 'step_up_insufficient'
  /** A4, with the reason ({@link StepUpReasonCode}; `params` fill the message). */
  | StepUpReasonCode
  /** The portal could not be reached or did not answer in time (C3). */
  | 'network'
  /** The portal configuration (discovery) is unusable. */
  | 'portal_misconfigured'
  /** A launch was refused: unknown app, or an unsafe launch URL (A9). */
  | 'launch_refused'
  /** The host permission for the portal was not granted. */
  | 'permission_denied';

/**
 * An expected failure of sign-in, session or launch. `cause` keeps the
 * underlying library error (oauth4webapi, fetch) for diagnostics.
 */
export class AuthError extends CodedError<AuthErrorCode> {
  override readonly name = 'AuthError';
}

/** True when `error` is an {@link AuthError}, optionally with the given code. */
export function isAuthError(error: unknown, code?: AuthErrorCode): error is AuthError {
  return error instanceof AuthError && (code === undefined || error.code === code);
}
