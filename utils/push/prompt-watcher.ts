/**
 * How the background learns about push prompts without the popup open
 * (issue 13): while signed in and enrolled, it keeps the portal's
 * server-sent events stream (`GET /me/push/stream`) open and hands every
 * pending list it sends to `onPrompts`.
 *
 * Staying awake: an MV3 service worker (Chromium) or event page (Firefox)
 * is stopped after about 30 s without extension activity. The portal sends
 * a comment every 20 s; each chunk that arrives calls `keepAlive` (a cheap
 * extension API call, which resets the idle timer since Chrome 110), so the
 * stream keeps the worker alive through its own activity and nothing else.
 * Should the browser stop the worker anyway (Firefox may suspend its event
 * page; a browser may end a long-lived worker), the {@link PUSH_ALARM}
 * alarm, every 30 s, wakes it: it polls `GET /me/push/prompts` once when
 * the stream has been quiet and connects again.
 *
 * Contract: {@link PromptWatcher.refresh} is cheap and idempotent (call it on
 * every state change); it connects when `shouldWatch` says so and
 * disconnects (telling `onPrompts` about an empty list) when it does not.
 * Failures are logged without secrets and retried with a growing pause
 * (2 s up to 60 s); a refused session stops watching until the next refresh.
 */
import type { Browser } from 'wxt/browser';
import { PUSH_STREAM_EVENT, type PushPrompt, pushPromptsResponseSchema } from '../../contract/push.ts';
import { isAuthError } from '../auth/errors.ts';
import { PortalApiError } from '../portal/api-client.ts';
import { readEventStream } from './event-stream.ts';

/** The alarm that wakes a stopped worker to poll and reconnect. */
export const PUSH_ALARM = 'push-watch';
/** Its period: the shortest Chromium allows (Chrome 120+). */
export const PUSH_ALARM_MINUTES = 0.5;
/** The stream counts as alive while something arrived this recently (the portal speaks every 20 s). */
const ALIVE_MS = 45_000;
const FIRST_PAUSE_MS = 2_000;
const LONGEST_PAUSE_MS = 60_000;

export interface PromptWatcherOptions {
  /** Whether to listen now: signed in to a portal with the API, and this browser enrolled there. */
  shouldWatch(): Promise<boolean>;
  /** Opens the stream with the session's token (the launcher's `portalStream`). */
  openStream(signal: AbortSignal): Promise<ReadableStream<Uint8Array>>;
  /** `GET /me/push/prompts` (the poll). */
  fetchPrompts(): Promise<PushPrompt[]>;
  /** Every pending list, as the portal sends it (an empty one when watching stops). */
  onPrompts(prompts: PushPrompt[]): Promise<void>;
  /** An extension API call that counts as activity for the worker's idle timer. */
  keepAlive(): void;
  alarms: Pick<typeof Browser.alarms, 'create' | 'clear' | 'get'>;
  log?(message: string): void;
  now?(): number;
  /** The first pause before connecting again, ms (default 2 s; doubled per failure up to 60 s). */
  firstPauseMs?: number;
}

export interface PromptWatcher {
  refresh(): Promise<void>;
  handleAlarm(alarm: { name: string }): Promise<void>;
  /** Whether the stream delivered something lately (for tests and diagnostics). */
  isStreaming(): boolean;
  /** Stops listening (tests). */
  stop(): void;
}

/** A pause that ends early when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Whether a failure means the session itself is refused (watching again would only be refused again). */
function sessionRefused(error: unknown): boolean {
  return (
    isAuthError(error, 'signed_out') ||
    isAuthError(error, 'not_configured') ||
    (error instanceof PortalApiError && error.code === 'unauthorized')
  );
}

export function createPromptWatcher(options: PromptWatcherOptions): PromptWatcher {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const firstPause = options.firstPauseMs ?? FIRST_PAUSE_MS;
  let running: AbortController | null = null;
  let lastActivity = 0;
  /** Serialises refreshes: two state changes at once start one loop. */
  let refreshing: Promise<void> = Promise.resolve();

  async function deliver(data: string): Promise<void> {
    let prompts: PushPrompt[];
    try {
      prompts = pushPromptsResponseSchema.parse(JSON.parse(data)).prompts;
    } catch {
      log('push: the portal sent a prompt list that does not match the contract; ignored.');
      return;
    }
    await options.onPrompts(prompts);
  }

  async function listen(controller: AbortController): Promise<void> {
    const { signal } = controller;
    let wait = firstPause;
    while (!signal.aborted) {
      let retry = firstPause;
      try {
        const body = await options.openStream(signal);
        wait = firstPause;
        let delivering = Promise.resolve();
        await readEventStream(body, {
          onActivity: () => {
            lastActivity = now();
            options.keepAlive();
          },
          onRetry: (ms) => {
            retry = Math.min(Math.max(ms, firstPause), LONGEST_PAUSE_MS);
          },
          onEvent: (event) => {
            if (event.type !== PUSH_STREAM_EVENT) return;
            delivering = delivering.then(() => deliver(event.data)).catch(() => undefined);
          },
        });
        await delivering;
      } catch (error) {
        if (signal.aborted) break;
        lastActivity = 0;
        if (sessionRefused(error)) {
          log('push: the portal refused the session; not listening for prompts until the next sign-in.');
          break;
        }
        log(`push: stream failed (${error instanceof Error ? error.name : 'error'}); connecting again.`);
        retry = wait;
        wait = Math.min(wait * 2, LONGEST_PAUSE_MS);
      }
      await pause(retry, signal);
      if (!signal.aborted && !(await options.shouldWatch().catch(() => false))) break;
    }
    if (running === controller) running = null;
  }

  async function stopWatching(): Promise<void> {
    running?.abort();
    running = null;
    lastActivity = 0;
    await options.alarms.clear(PUSH_ALARM).catch(() => false);
    await options.onPrompts([]);
  }

  async function refreshNow(): Promise<void> {
    if (!(await options.shouldWatch().catch(() => false))) {
      if (running || (await options.alarms.get(PUSH_ALARM).catch(() => undefined))) await stopWatching();
      return;
    }
    if (!(await options.alarms.get(PUSH_ALARM).catch(() => undefined))) {
      await options.alarms.create(PUSH_ALARM, { periodInMinutes: PUSH_ALARM_MINUTES });
    }
    if (!running) {
      const controller = new AbortController();
      running = controller;
      void listen(controller);
    }
  }

  function refresh(): Promise<void> {
    refreshing = refreshing.then(refreshNow, refreshNow);
    return refreshing;
  }

  const isStreaming = () => running !== null && now() - lastActivity < ALIVE_MS;

  return {
    refresh,
    isStreaming,
    async handleAlarm(alarm) {
      if (alarm.name !== PUSH_ALARM) return;
      const quiet = !isStreaming();
      await refresh();
      if (!quiet || !(await options.shouldWatch().catch(() => false))) return;
      // The stream said nothing lately (a worker woken from a stop, a suspended event page): poll once.
      try {
        await options.onPrompts(await options.fetchPrompts());
      } catch (error) {
        log(`push: poll failed (${error instanceof Error ? error.name : 'error'}).`);
      }
    },
    stop() {
      running?.abort();
      running = null;
    },
  };
}
