/**
 * The message channel's wire format, shared by the background's dispatcher
 * (utils/messaging.ts) and the pages' client (utils/messaging-client.ts): the
 * envelope marker, the reply, and the error they rethrow. Hand-written
 * guards, no zod: the popup loads this (tests/unit/bundle-size.test.ts).
 */
import { CodedError } from './errors.ts';

/** The envelope marker: anything else on the runtime channel is someone else's message. */
export const MESSAGE_CHANNEL = 'portal-launcher/v1';

/** An error that crossed the message channel, or a refused/invalid message. */
export class MessageError extends CodedError<string> {
  override readonly name = 'MessageError';
}

/** What travels to the background. */
export interface MessageEnvelope {
  channel: typeof MESSAGE_CHANNEL;
  name: string;
  payload: unknown;
}

/**
 * What the background answers: the value, or the error as `{ name, code,
 * message }` plus the code's message `params` when it has any
 * (utils/errors.ts `CodedErrorOptions.params`).
 */
export type MessageReply =
  | { ok: true; value: unknown }
  | { ok: false; error: { name: string; code: string; message: string; params?: string[] } };

/** Most `params` an error carries across the channel, and their longest length. */
export const MAX_ERROR_PARAMS = 4;
export const MAX_ERROR_PARAM_LENGTH = 200;

/** The envelope for `name` with `payload`. */
export function messageEnvelope(name: string, payload: unknown): MessageEnvelope {
  return { channel: MESSAGE_CHANNEL, name, payload };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isShortString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

/** Whether `message` is one of ours (the background ignores everything else on the channel). */
export function isMessageEnvelope(message: unknown): message is MessageEnvelope {
  return isRecord(message) && message.channel === MESSAGE_CHANNEL && isShortString(message.name, 100);
}

/** Whether `raw` is a well-formed reply of the background. */
export function isMessageReply(raw: unknown): raw is MessageReply {
  if (!isRecord(raw)) return false;
  if (raw.ok === true) return true;
  const error = raw.error;
  return (
    raw.ok === false &&
    isRecord(error) &&
    isShortString(error.name, 100) &&
    isShortString(error.code, 100) &&
    isShortString(error.message, 2000) &&
    (error.params === undefined ||
      (Array.isArray(error.params) &&
        error.params.length <= MAX_ERROR_PARAMS &&
        error.params.every((param) => isShortString(param, MAX_ERROR_PARAM_LENGTH))))
  );
}
