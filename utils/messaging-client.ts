/**
 * The pages' side of the one message protocol (utils/messaging.ts): the
 * envelope, the reply, and {@link sendMessage}, used by every page (popup,
 * options, auth) and by the background's dispatcher to recognise envelopes.
 *
 * Why without zod: the protocol's schemas cost about 28 KB gzipped, most of
 * the popup's 30 KB budget (tests/unit/bundle-size.test.ts). Only types are
 * taken from utils/messaging.ts; validation stays where it guards something:
 * the background validates every request it receives (A6, C8) and every
 * answer before it leaves (A5), so a page trusts the shape its own
 * extension's background answers and checks only the envelope here.
 *
 * Contract: {@link sendMessage} resolves with the handler's answer, or
 * rejects with a {@link MessageError} whose `code` is the background's error
 * code (its original `name` and `code` kept as `cause`), or
 * `background_unavailable` / `invalid_reply` for the channel itself.
 */
import type { browser } from 'wxt/browser';
import { t } from './i18n.ts';
import { isMessageReply, MessageError, messageEnvelope } from './message-channel.ts';
import type { MessageName, MessageRequest, MessageResponse } from './messaging.ts';

export { MessageError } from './message-channel.ts';

type Runtime = Pick<typeof browser.runtime, 'sendMessage'>;

/**
 * Sends `name` to the background and returns its answer (validated there).
 *
 * @throws {MessageError} with the background's `code`, or `background_unavailable`
 *   (the worker is gone or restarting) or `invalid_reply`.
 */
export async function sendMessage<N extends MessageName>(
  runtime: Runtime,
  name: N,
  request: MessageRequest<N>,
): Promise<MessageResponse<N>> {
  let raw: unknown;
  try {
    raw = await runtime.sendMessage(messageEnvelope(name, request));
  } catch (error) {
    throw new MessageError('background_unavailable', t('backgroundUnavailable'), { cause: error });
  }
  if (!isMessageReply(raw)) throw new MessageError('invalid_reply', t('invalidReply'));
  if (!raw.ok) {
    const { code, message, name: errorName, params } = raw.error;
    throw new MessageError(code, message, {
      cause: Object.assign(new Error(message), { name: errorName, code }),
      ...(params ? { params } : {}),
    });
  }
  return raw.value as MessageResponse<N>;
}
