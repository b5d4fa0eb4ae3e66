/**
 * Reads a server-sent events stream (`text/event-stream`) from a fetch body:
 * the portal's `GET /me/push/stream` (issue 13).
 *
 * Home-made, and small on purpose: the browser's `EventSource` cannot send
 * the bearer token the portal API wants (no request headers) and does not
 * exist in a service worker, so the background reads the stream with
 * `fetch`. What is needed of the format is its line grammar: events end at a
 * blank line, `event:` names one, `data:` lines join with newlines, lines
 * that start with a colon are comments (the portal's keepalives), `retry:`
 * says how long to wait before connecting again. `id:` is not used by the
 * portal (each event is the whole pending list) and is ignored.
 *
 * Contract: {@link readEventStream} resolves when the stream ends (the
 * portal closes it when the access token expires) and rejects when reading
 * fails or `signal` aborts; it calls `onEvent` for each event and
 * `onActivity` for every chunk, keepalive comments included.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

/** One event of the stream. */
export interface StreamEvent {
  /** `event:` (default `message`). */
  type: string;
  data: string;
}

/** What {@link readEventStream} reports. */
export interface EventStreamHandlers {
  onEvent(event: StreamEvent): void;
  /** Any bytes arrived (events or comments): the connection is alive. */
  onActivity?(): void;
  /** The stream's `retry:` (milliseconds). */
  onRetry?(ms: number): void;
}

/** A stream line never needs to be longer; a longer one means this is not the portal's stream. */
const MAX_BUFFER_CHARS = 1_000_000;

/**
 * Parses event-stream text fed in pieces (chunks may split lines and
 * characters anywhere). Pure: feeding the same text in any split gives the same events.
 */
export function createEventStreamParser(handlers: EventStreamHandlers): (text: string) => void {
  let buffer = '';
  let type = '';
  let data: string[] = [];

  function line(text: string): void {
    if (text === '') {
      if (data.length > 0) handlers.onEvent({ type: type || 'message', data: data.join('\n') });
      type = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) handlers.onRetry?.(Number(value));
  }

  /** The last chunk ended with CR: an LF starting the next one belongs to that line end. */
  let afterCr = false;
  return (text: string) => {
    buffer += afterCr && text.startsWith('\n') ? text.slice(1) : text;
    afterCr = false;
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      if (end < 0) break;
      const width = buffer.startsWith('\r\n', end) ? 2 : 1;
      afterCr = width === 1 && buffer[end] === '\r' && end === buffer.length - 1;
      line(buffer.slice(0, end));
      buffer = buffer.slice(end + width);
    }
    if (buffer.length > MAX_BUFFER_CHARS) throw new Error('The event stream sent an overlong line.');
  };
}

/** Reads `body` to its end, reporting events (see the module header). */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  handlers: EventStreamHandlers,
): Promise<void> {
  const feed = createEventStreamParser(handlers);
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      handlers.onActivity?.();
      feed(decoder.decode(value, { stream: true }));
    }
    feed(decoder.decode());
  } finally {
    reader.releaseLock();
  }
}
