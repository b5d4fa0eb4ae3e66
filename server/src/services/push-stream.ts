/**
 * The stream of pending push prompts an approver listens to
 * (`GET /me/push/stream`, server-sent events): the whole pending list each
 * time it changes — a prompt appears when a sign-in sends it and disappears
 * from every approver when one answers or it expires.
 *
 * Home-made because it is small: a node stream, a wake-up per user from this
 * node ({@link notifyPrompts}) and a one-second look at the database for what
 * other nodes changed (C10) or what expired. Comments every
 * {@link PUSH_STREAM_KEEPALIVE_SECONDS} keep proxies and the launcher's worker
 * from treating it as idle. The stream ends when the access token expires or
 * its sign-in ends; the launcher then connects again with a fresh token.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { PUSH_STREAM_EVENT, PUSH_STREAM_KEEPALIVE_SECONDS } from '../../../contract/push.ts';
import type { PortalContext } from '../context.ts';
import { pendingPrompts } from './push.ts';

const wakers = new WeakMap<object, EventEmitter>();

function wakerOf(db: object): EventEmitter {
  let waker = wakers.get(db);
  if (!waker) {
    waker = new EventEmitter();
    waker.setMaxListeners(0);
    wakers.set(db, waker);
  }
  return waker;
}

/** Tells this node's streams of `userId` to look again now (a prompt was sent or answered). */
export function notifyPrompts(ctx: Pick<PortalContext, 'db'>, userId: string): void {
  wakerOf(ctx.db).emit(userId);
}

/** How often a stream looks at the database by itself. */
const LOOK_EVERY_MS = 1000;

/** Opens the event stream of one approver (see the module header). */
export function openPromptStream(
  ctx: Pick<PortalContext, 'db' | 'clock' | 'repos'>,
  listener: { userId: string; grantId: string | null; expiresAt: number; raw: NodeJS.EventEmitter },
): PassThrough {
  const stream = new PassThrough();
  const waker = wakerOf(ctx.db);
  let last = '';
  let closed = false;
  let looking = false;
  let again = false;

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    clearInterval(keepalive);
    waker.off(listener.userId, look);
    stream.end();
  };

  async function look(): Promise<void> {
    if (closed) return;
    if (looking) {
      again = true;
      return;
    }
    looking = true;
    try {
      if (ctx.clock() >= listener.expiresAt * 1000) return close();
      if (!listener.grantId || !(await ctx.repos.oidcStore.find('Grant', listener.grantId))) return close();
      const data = JSON.stringify({ prompts: await pendingPrompts(ctx, listener.userId) });
      if (data !== last && !closed) {
        last = data;
        stream.write(`event: ${PUSH_STREAM_EVENT}\ndata: ${data}\n\n`);
      }
    } catch {
      close();
    } finally {
      looking = false;
      if (again) {
        again = false;
        void look();
      }
    }
  }

  const timer = setInterval(() => void look(), LOOK_EVERY_MS);
  const keepalive = setInterval(() => {
    if (!closed) stream.write(': keepalive\n\n');
  }, PUSH_STREAM_KEEPALIVE_SECONDS * 1000);
  waker.on(listener.userId, look);
  listener.raw.once('close', close);
  stream.once('close', close);
  stream.write('retry: 2000\n\n');
  void look();
  return stream;
}
