/**
 * The prompts waiting for this browser's answer (issue 13): kept in
 * `storage.session` (`pushPromptsItem`; an open popup listens for it) and
 * shown as system notifications, one per prompt — "Sign-in to Payroll from
 * Firefox on Windows, 10:42 — approve?". A prompt that disappears from the
 * portal's list (answered on another device, withdrawn, expired) loses its
 * notification at once; an expired one is dropped here too, even before the
 * portal says so.
 *
 * Clicking a notification opens the popup where the browser allows it
 * (`action.openPopup`), otherwise the popup page in a small window of its
 * own, with the prompt on top.
 *
 * Contract: {@link PromptInbox.update} never throws for a notification the
 * browser refuses (logged); the list is stored whatever happens.
 */
import type { Browser } from 'wxt/browser';
import type { PushPrompt } from '../../contract/push.ts';
import { pushPromptsItem } from '../storage.ts';

/** Notification ids of prompts start with this. */
const NOTIFICATION_PREFIX = 'push:';

/** The words of a prompt's notification (the background formats them in the person's language). */
export type PromptWords = (prompt: PushPrompt) => Promise<{ title: string; message: string }>;

export interface PromptInboxOptions {
  notifications: Pick<typeof Browser.notifications, 'create' | 'clear'>;
  words: PromptWords;
  /** The notification icon (an extension URL). */
  iconUrl: string;
  /**
   * Keep the notification on screen until answered or withdrawn (Chromium); Firefox refuses the
   * option, so the background passes false there.
   */
  requireInteraction?: boolean;
  /** Opens the popup, or the popup page in a window, on the prompt `promptId`. */
  openPrompt(promptId: string): Promise<void>;
  now?(): number;
  log?(message: string): void;
}

export interface PromptInbox {
  /** The portal's pending list: new prompts notified, gone ones withdrawn, the list stored. */
  update(prompts: PushPrompt[]): Promise<void>;
  /** Drops one prompt at once (answered here), before the portal's next list. */
  drop(promptId: string): Promise<void>;
  /** The stored, unexpired prompts. */
  current(): Promise<PushPrompt[]>;
  /** A notification was clicked: opens the prompt when it is one of ours. */
  handleClick(notificationId: string): Promise<void>;
}

/** The notification id of a prompt. */
export function notificationIdOf(promptId: string): string {
  return `${NOTIFICATION_PREFIX}${promptId}`;
}

/** Whether two lists name the same prompts in the same order (a prompt's content never changes). */
function sameIds(
  a: ReadonlyArray<string | { id: string }>,
  b: ReadonlyArray<string | { id: string }>,
): boolean {
  const id = (entry: string | { id: string }) => (typeof entry === 'string' ? entry : entry.id);
  return (
    a.length === b.length && a.every((entry, index) => id(entry) === id(b[index] as string | { id: string }))
  );
}

export function createPromptInbox(options: PromptInboxOptions): PromptInbox {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const open = (prompt: PushPrompt) => Date.parse(prompt.expiresAt) > now();
  /** One update at a time: two lists arriving together must not notify a prompt twice. */
  let queue: Promise<void> = Promise.resolve();

  async function apply(prompts: PushPrompt[]): Promise<void> {
    const stored = await pushPromptsItem.get();
    const pending = prompts.filter(open);
    const ids = new Set(pending.map((prompt) => prompt.id));
    for (const id of stored.notified) {
      if (!ids.has(id)) await options.notifications.clear(notificationIdOf(id)).catch(() => false);
    }
    const notified = stored.notified.filter((id) => ids.has(id));
    for (const prompt of pending) {
      if (notified.includes(prompt.id)) continue;
      try {
        const { title, message } = await options.words(prompt);
        await options.notifications.create(notificationIdOf(prompt.id), {
          type: 'basic',
          iconUrl: options.iconUrl,
          title,
          message,
          priority: 2,
          ...(options.requireInteraction ? { requireInteraction: true } : {}),
        });
      } catch (error) {
        log(`push: notification not shown (${error instanceof Error ? error.message : 'error'}).`);
      }
      notified.push(prompt.id);
    }
    // Firefox reports every write to storage.session as a change, even of an equal value, and an open
    // popup answers each change by asking for the list again: writing an unchanged list looped forever.
    if (sameIds(stored.prompts, pending) && sameIds(stored.notified, notified)) return;
    await pushPromptsItem.set({ prompts: pending, notified });
  }

  function enqueue(work: () => Promise<void>): Promise<void> {
    queue = queue.then(work, work);
    return queue;
  }

  return {
    update: (prompts) => enqueue(() => apply(prompts)),
    drop: (promptId) =>
      enqueue(async () => {
        const stored = await pushPromptsItem.get();
        await apply(stored.prompts.filter((prompt) => prompt.id !== promptId));
      }),
    async current() {
      return (await pushPromptsItem.get()).prompts.filter(open);
    },
    async handleClick(notificationId) {
      if (!notificationId.startsWith(NOTIFICATION_PREFIX)) return;
      await options.notifications.clear(notificationId).catch(() => false);
      await options.openPrompt(notificationId.slice(NOTIFICATION_PREFIX.length));
    },
  };
}
