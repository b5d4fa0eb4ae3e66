import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PushPrompt } from '../../contract/push.ts';
import { AuthError } from '../auth/errors.ts';
import { createPromptWatcher, type PromptWatcher, PUSH_ALARM, PUSH_ALARM_MINUTES } from './prompt-watcher.ts';

const PROMPT: PushPrompt = {
  id: 'p1',
  choices: [12, 34, 56],
  app: 'Payroll',
  browser: 'Firefox 153 on Windows',
  ipAddress: '203.0.113.7',
  createdAt: '2026-12-06T10:42:00.000Z',
  expiresAt: '2026-12-06T10:44:00.000Z',
};

/** A stream the test writes to, as the portal would. */
function fakeStream() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  return {
    body,
    send: (text: string) => controller.enqueue(encoder.encode(text)),
    end: () => controller.close(),
    fail: () => controller.error(new TypeError('network error')),
  };
}

function setup(
  overrides: {
    shouldWatch?: () => Promise<boolean>;
    openStream?: () => Promise<ReadableStream<Uint8Array>>;
  } = {},
) {
  const streams: ReturnType<typeof fakeStream>[] = [];
  const lists: PushPrompt[][] = [];
  const alarms = new Map<string, { periodInMinutes?: number }>();
  let keepAlives = 0;
  let watching = true;
  const polled: number[] = [];
  const watcher = createPromptWatcher({
    shouldWatch: overrides.shouldWatch ?? (async () => watching),
    openStream:
      overrides.openStream ??
      (async (signal) => {
        const stream = fakeStream();
        signal.addEventListener('abort', () => stream.fail());
        streams.push(stream);
        return stream.body;
      }),
    fetchPrompts: async () => {
      polled.push(Date.now());
      return [PROMPT];
    },
    onPrompts: async (prompts) => {
      lists.push(prompts);
    },
    keepAlive: () => {
      keepAlives++;
    },
    alarms: {
      create: (async (name: string, info: { periodInMinutes?: number }) => {
        alarms.set(name, info);
      }) as never,
      clear: (async (name: string) => alarms.delete(name)) as never,
      get: (async (name: string) =>
        alarms.has(name) ? { name, scheduledTime: 0, ...alarms.get(name) } : undefined) as never,
    },
    firstPauseMs: 10,
  });
  return {
    watcher,
    streams,
    lists,
    alarms,
    polled,
    keepAlives: () => keepAlives,
    stopWatching: () => {
      watching = false;
    },
  };
}

let current: PromptWatcher | undefined;
afterEach(() => current?.stop());

describe('prompt watcher (issue 13)', () => {
  it('listens while enrolled: every pending list the stream sends reaches onPrompts; the alarm is set', async () => {
    const t = setup();
    current = t.watcher;
    await t.watcher.refresh();
    await vi.waitFor(() => expect(t.streams).toHaveLength(1));
    expect(t.alarms.get(PUSH_ALARM)).toEqual({ periodInMinutes: PUSH_ALARM_MINUTES });
    t.streams[0]?.send(`event: prompts\ndata: ${JSON.stringify({ prompts: [PROMPT] })}\n\n`);
    await vi.waitFor(() => expect(t.lists).toEqual([[PROMPT]]));
    t.streams[0]?.send(`event: prompts\ndata: ${JSON.stringify({ prompts: [] })}\n\n`);
    await vi.waitFor(() => expect(t.lists).toEqual([[PROMPT], []]));
    expect(t.watcher.isStreaming()).toBe(true);
  });

  it('keeps the worker alive through its own activity: every chunk, keepalive comments too, is an extension call', async () => {
    const t = setup();
    current = t.watcher;
    await t.watcher.refresh();
    await vi.waitFor(() => expect(t.streams).toHaveLength(1));
    t.streams[0]?.send(': keepalive\n\n');
    t.streams[0]?.send(': keepalive\n\n');
    await vi.waitFor(() => expect(t.keepAlives()).toBe(2));
    expect(t.lists).toEqual([]);
  });

  it('a second refresh while connected opens no second stream', async () => {
    const t = setup();
    current = t.watcher;
    await Promise.all([t.watcher.refresh(), t.watcher.refresh()]);
    await t.watcher.refresh();
    await vi.waitFor(() => expect(t.streams).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.streams).toHaveLength(1);
  });

  it('connects again when the portal ends the stream (the access token expired) or it breaks', async () => {
    const t = setup();
    current = t.watcher;
    await t.watcher.refresh();
    await vi.waitFor(() => expect(t.streams).toHaveLength(1));
    t.streams[0]?.end();
    await vi.waitFor(() => expect(t.streams).toHaveLength(2));
    t.streams[1]?.fail();
    await vi.waitFor(() => expect(t.streams).toHaveLength(3));
    t.streams[2]?.send(`event: prompts\ndata: ${JSON.stringify({ prompts: [PROMPT] })}\n\n`);
    await vi.waitFor(() => expect(t.lists).toEqual([[PROMPT]]));
  });

  it('C8: a list that breaks the contract is ignored, the stream goes on', async () => {
    const t = setup();
    current = t.watcher;
    await t.watcher.refresh();
    await vi.waitFor(() => expect(t.streams).toHaveLength(1));
    t.streams[0]?.send('event: prompts\ndata: {"prompts":[{"id":"x","choices":[1]}]}\n\n');
    t.streams[0]?.send('event: prompts\ndata: not json\n\n');
    t.streams[0]?.send(`event: prompts\ndata: ${JSON.stringify({ prompts: [PROMPT] })}\n\n`);
    await vi.waitFor(() => expect(t.lists).toEqual([[PROMPT]]));
  });

  it('stops after sign-out or removal: the stream is closed, the alarm cleared, the prompts withdrawn', async () => {
    const t = setup();
    current = t.watcher;
    await t.watcher.refresh();
    await vi.waitFor(() => expect(t.streams).toHaveLength(1));
    t.stopWatching();
    await t.watcher.refresh();
    expect(t.alarms.has(PUSH_ALARM)).toBe(false);
    expect(t.lists).toEqual([[]]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.streams).toHaveLength(1);
  });

  it('a session the portal refuses stops the reconnecting (no loop); the next refresh tries again', async () => {
    let opened = 0;
    const t = setup({
      openStream: async () => {
        opened++;
        throw new AuthError('signed_out', 'You are signed out.');
      },
    });
    current = t.watcher;
    await t.watcher.refresh();
    await vi.waitFor(() => expect(opened).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(opened).toBe(1);
    await t.watcher.refresh();
    await vi.waitFor(() => expect(opened).toBe(2));
  });

  it('the alarm polls once when the stream is quiet (a stopped worker, a suspended event page), not while it streams', async () => {
    const quiet = setup({ openStream: () => new Promise(() => undefined) });
    current = quiet.watcher;
    await quiet.watcher.handleAlarm({ name: PUSH_ALARM });
    expect(quiet.polled).toHaveLength(1);
    expect(quiet.lists).toEqual([[PROMPT]]);
    await quiet.watcher.handleAlarm({ name: 'toolbar' });
    expect(quiet.polled).toHaveLength(1);
    quiet.watcher.stop();

    const live = setup();
    current = live.watcher;
    await live.watcher.refresh();
    await vi.waitFor(() => expect(live.streams).toHaveLength(1));
    live.streams[0]?.send(': keepalive\n\n');
    await vi.waitFor(() => expect(live.watcher.isStreaming()).toBe(true));
    await live.watcher.handleAlarm({ name: PUSH_ALARM });
    expect(live.polled).toHaveLength(0);
  });

  it('not enrolled: the alarm neither polls nor connects', async () => {
    const t = setup({ shouldWatch: async () => false });
    current = t.watcher;
    await t.watcher.handleAlarm({ name: PUSH_ALARM });
    expect(t.polled).toHaveLength(0);
    expect(t.streams).toHaveLength(0);
  });
});
