/**
 * How the options page talks to the background: the account verbs of
 * utils/account/protocol.ts over the one message protocol (utils/messaging.ts),
 * so the same envelope, sender check (A6) and validation apply.
 *
 * Contract: {@link callAccount} resolves with the verb's validated response or
 * rejects with `MessageError` carrying the background's code
 * (`signed_out`, `offline`, …).
 */
import { browser } from 'wxt/browser';
import type { z } from 'zod';
import type { AccountProblem, AccountResult } from '../../utils/account/errors.ts';
import type { AccountProtocol, AccountResponse, AccountVerb } from '../../utils/account/protocol.ts';
import { MessageError, sendMessage } from '../../utils/messaging.ts';

/** Sends one account message. */
export function callAccount<N extends AccountVerb>(
  name: N,
  request: z.input<AccountProtocol[N]['request']>,
): Promise<AccountResponse<N>> {
  return sendMessage(browser.runtime, name, request);
}

/** Sends a change and turns a thrown failure (signed out, background gone) into a problem too. */
export async function changeAccount<N extends AccountVerb, T>(
  name: N,
  request: z.input<AccountProtocol[N]['request']>,
): Promise<AccountResult<T>> {
  try {
    return (await callAccount(name, request)) as unknown as AccountResult<T>;
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}

/** The problem to render for a thrown error. */
export function problemOf(error: unknown): AccountProblem {
  if (error instanceof MessageError) {
    return { code: error.code as AccountProblem['code'], message: error.message };
  }
  return {
    code: 'portal_error',
    message: error instanceof Error ? error.message : 'Something went wrong in Portal Launcher. Try again.',
  };
}
