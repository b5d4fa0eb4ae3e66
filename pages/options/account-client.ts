/**
 * How the options page talks to the background: the account verbs of
 * utils/account/protocol.ts over the one message protocol (utils/messaging.ts),
 * so the same envelope, sender check (A6) and validation apply.
 *
 * Contract: {@link callAccount} resolves with the verb's validated response or
 * rejects with `MessageError` carrying the background's code
 * (`signed_out`, `offline`, …). {@link changeAccount} never rejects, and
 * carries a change that waits on a step-up tab across a restart of the
 * service worker (C1): see {@link RESUMABLE}.
 */
import { browser } from 'wxt/browser';
import type * as z from 'zod/mini';
import type { AccountProblem, AccountProblemCode, AccountResult } from '../../utils/account/errors.ts';
import type { AccountProtocol, AccountResponse, AccountVerb } from '../../utils/account/protocol.ts';
import { MessageError, sendMessage } from '../../utils/messaging-client.ts';
import { ot } from './i18n.ts';

/** Sends one account message. */
export function callAccount<N extends AccountVerb>(
  name: N,
  request: z.input<AccountProtocol[N]['request']>,
): Promise<AccountResponse<N>> {
  return sendMessage(browser.runtime, name, request);
}

/**
 * The changes that may wait on a step-up tab (B11), each with the answer
 * that, to a resent request, means the first one was already carried out.
 *
 * Why the page resends rather than the background persisting the change: the
 * step-up flow itself is saved before its tab opens (C1), so a restarted
 * worker joins that same tab when the request comes again; and the only copy
 * of the request body stays in the page that holds it (a new password, for
 * one, is never written to any storage area, A5). A change already made
 * before the worker stopped answers its "already done" code on the resend
 * (the key is gone, the authenticator is off), which is the success the
 * person asked for. Changes that need no step-up are not resent: they never
 * wait long enough to meet a restart, and some must not run twice (a TOTP
 * code is accepted once, B8).
 *
 * A password change is never resent: had the first one gone through before
 * the worker stopped, the resend would carry the old password as the
 * current one, which the portal counts as a failed attempt towards lockout
 * (B9) and reports as wrong although the change was made. The page says the
 * worker restarted and asks the person to reload and check instead.
 */
const RESUMABLE: Partial<Record<AccountVerb, AccountProblemCode | null>> = {
  startTotpEnrollment: null,
  regenerateRecoveryCodes: null,
  removeTotp: 'totp_not_enabled',
  addSshKey: null,
  deleteSshKey: 'not_found',
  startPasskeyRegistration: null,
  deletePasskey: 'not_found',
};

/**
 * Answers to a resend that mean "perhaps the first one was carried out":
 * the outcome is unknown, so the page says the worker restarted (reload and
 * check) rather than reporting a failure that may not be one.
 */
const AMBIGUOUS_ON_RESEND: Partial<Record<AccountVerb, AccountProblemCode>> = {
  addSshKey: 'ssh_key_duplicate',
};

/** The background went away while answering (the service worker was stopped or restarted). */
function isRestart(error: unknown): boolean {
  return error instanceof MessageError && error.code === 'background_unavailable';
}

/**
 * Sends a change and turns a thrown failure (signed out, background gone)
 * into a problem too. A step-up change interrupted by a worker restart is
 * sent once more: the new worker joins the step-up tab that is still open.
 */
export async function changeAccount<N extends AccountVerb, T>(
  name: N,
  request: z.input<AccountProtocol[N]['request']>,
): Promise<AccountResult<T>> {
  try {
    return (await callAccount(name, request)) as unknown as AccountResult<T>;
  } catch (error) {
    if (!(isRestart(error) && name in RESUMABLE)) return { ok: false, problem: problemOf(error) };
  }
  try {
    const result = (await callAccount(name, request)) as unknown as AccountResult<T>;
    const alreadyDone = RESUMABLE[name];
    if (!result.ok && alreadyDone && result.problem.code === alreadyDone) {
      // Only verbs whose success value is empty have an "already done" code.
      return { ok: true, value: {} as T };
    }
    if (!result.ok && result.problem.code === AMBIGUOUS_ON_RESEND[name]) {
      return {
        ok: false,
        problem: problemOf(new MessageError('background_unavailable', result.problem.message)),
      };
    }
    return result;
  } catch (again) {
    return { ok: false, problem: problemOf(again) };
  }
}

/** The problem to render for a thrown error. */
export function problemOf(error: unknown): AccountProblem {
  if (error instanceof MessageError) {
    return { code: error.code as AccountProblem['code'], message: error.message };
  }
  return {
    code: 'portal_error',
    message: error instanceof Error ? error.message : ot('options_problemUnknown'),
  };
}
