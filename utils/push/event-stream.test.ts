import { describe, expect, it } from 'vitest';
import { createEventStreamParser, readEventStream, type StreamEvent } from './event-stream.ts';

function parse(chunks: string[]): { events: StreamEvent[]; retries: number[] } {
  const events: StreamEvent[] = [];
  const retries: number[] = [];
  const feed = createEventStreamParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) });
  for (const chunk of chunks) feed(chunk);
  return { events, retries };
}

const STREAM =
  'retry: 2000\n\n: keepalive\n\nevent: prompts\ndata: {"prompts":[]}\n\nevent: prompts\ndata: {"a":\ndata: 1}\n\ndata: plain\n\n';

describe('event stream parser (issue 13)', () => {
  it('reads named events, joins data lines, skips comments and takes retry', () => {
    const { events, retries } = parse([STREAM]);
    expect(events).toEqual([
      { type: 'prompts', data: '{"prompts":[]}' },
      { type: 'prompts', data: '{"a":\n1}' },
      { type: 'message', data: 'plain' },
    ]);
    expect(retries).toEqual([2000]);
  });

  it('gives the same events however the text is split, CRLF and CR line ends included', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    const cr = STREAM.replace(/\n/g, '\r');
    const whole = parse([STREAM]).events;
    for (const text of [STREAM, crlf, cr]) {
      expect(parse(text.split('')).events).toEqual(whole);
      for (let at = 1; at < text.length; at += 7) {
        expect(parse([text.slice(0, at), text.slice(at)]).events).toEqual(whole);
      }
    }
  });

  it('keeps an unfinished event until its blank line comes', () => {
    expect(parse(['event: prompts\ndata: x\n']).events).toEqual([]);
  });

  it('C8: an endless line is refused instead of growing without bound', () => {
    const feed = createEventStreamParser({ onEvent: () => undefined });
    expect(() => feed(`data: ${'x'.repeat(1_000_001)}`)).toThrow(/overlong/);
  });

  it('reads a fetch body to its end, reporting activity per chunk (the keepalives too)', async () => {
    const encoder = new TextEncoder();
    // A multi-byte character split across chunks must come out whole.
    const bytes = encoder.encode('event: prompts\ndata: "Zürich"\n\n: keepalive\n\n');
    const split = bytes.indexOf(0xc3) + 1;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, split));
        controller.enqueue(bytes.slice(split));
        controller.close();
      },
    });
    const events: StreamEvent[] = [];
    let activity = 0;
    await readEventStream(body, { onEvent: (e) => events.push(e), onActivity: () => activity++ });
    expect(events).toEqual([{ type: 'prompts', data: '"Zürich"' }]);
    expect(activity).toBe(2);
  });
});
