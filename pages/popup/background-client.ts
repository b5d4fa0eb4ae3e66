/**
 * The popup's side of the message protocol (utils/messaging.ts), without zod.
 *
 * Why not `sendMessage` from utils/messaging.ts: importing it brings the
 * whole protocol's zod schemas into the popup bundle (about 28 KB gzipped,
 * most of the popup's budget). Validation stays where it guards something:
 * the background validates every request it receives (A6, C8) and every
 * answer before it leaves (A5), so the popup trusts the shape it gets back
 * from its own extension's background and checks only the envelope.
 *
 * Contract: resolves with the handler's answer; rejects with a
 * {@link BackgroundError} whose `code` is the background's error code, or
 * `background_unavailable` / `invalid_reply`.
 */
import { browser } from 'wxt/browser';
import { t } from '../../utils/i18n.ts';
import type { MessageName, MessageRequest, MessageResponse } from '../../utils/messaging.ts';

/** Same marker as utils/messaging.ts; the client test checks the background accepts it. */
export const MESSAGE_CHANNEL = 'portal-launcher/v1';

/** A failure the background reported, or a channel failure. */
export class BackgroundError extends Error {
  override readonly name = 'BackgroundError';
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The envelope {@link ask} sends, exported for the compatibility test. */
export function envelope<N extends MessageName>(name: N, request: MessageRequest<N>) {
  return { channel: MESSAGE_CHANNEL, name, payload: request };
}

/** Sends `name` to the background and returns its answer. */
export async function ask<N extends MessageName>(
  name: N,
  request: MessageRequest<N>,
): Promise<MessageResponse<N>> {
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage(envelope(name, request));
  } catch (error) {
    throw new BackgroundError('background_unavailable', t('backgroundUnavailable'), { cause: error });
  }
  if (typeof raw === 'object' && raw !== null) {
    const reply = raw as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
    if (reply.ok === true) return reply.value as MessageResponse<N>;
    if (reply.ok === false && typeof reply.error?.code === 'string') {
      const message = typeof reply.error.message === 'string' ? reply.error.message : t('genericError');
      throw new BackgroundError(reply.error.code, message);
    }
  }
  throw new BackgroundError('invalid_reply', t('invalidReply'));
}
