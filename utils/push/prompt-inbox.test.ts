import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { PushPrompt } from '../../contract/push.ts';
import { pushPromptsItem } from '../storage.ts';
import { createPromptInbox, notificationIdOf } from './prompt-inbox.ts';

const NOW = Date.parse('2026-12-06T10:42:30.000Z');

function prompt(id: string, expiresAt = '2026-12-06T10:44:00.000Z'): PushPrompt {
  return {
    id,
    choices: [12, 34, 56],
    app: null,
    browser: 'Firefox 153 on Windows',
    ipAddress: null,
    createdAt: '2026-12-06T10:42:00.000Z',
    expiresAt,
  };
}

function setup(options: { refuse?: boolean; requireInteraction?: boolean } = {}) {
  const shown = new Map<string, { title: string; message: string; requireInteraction?: boolean }>();
  const cleared: string[] = [];
  const opened: string[] = [];
  const logs: string[] = [];
  const inbox = createPromptInbox({
    notifications: {
      create: (async (
        id: string,
        details: { title: string; message: string; requireInteraction?: boolean },
      ) => {
        if (options.refuse) throw new Error('notifications are off');
        shown.set(id, details);
        return id;
      }) as never,
      clear: (async (id: string) => {
        cleared.push(id);
        return shown.delete(id);
      }) as never,
    },
    iconUrl: 'chrome-extension://x/icon/128.png',
    requireInteraction: options.requireInteraction,
    words: async (p) => ({ title: 'Approve this sign-in?', message: `Sign-in from ${p.browser}` }),
    openPrompt: async (id) => {
      opened.push(id);
    },
    now: () => NOW,
    log: (message) => logs.push(message),
  });
  return { inbox, shown, cleared, opened, logs };
}

beforeEach(() => fakeBrowser.reset());

describe('prompt inbox (issue 13)', () => {
  it('shows each new prompt once as a notification and stores the list for the popup', async () => {
    const t = setup({ requireInteraction: true });
    await t.inbox.update([prompt('a')]);
    await t.inbox.update([prompt('a'), prompt('b')]);
    expect([...t.shown.keys()]).toEqual([notificationIdOf('a'), notificationIdOf('b')]);
    expect(t.shown.get(notificationIdOf('a'))).toMatchObject({
      title: 'Approve this sign-in?',
      message: 'Sign-in from Firefox 153 on Windows',
      requireInteraction: true,
    });
    expect((await pushPromptsItem.get()).prompts.map((p) => p.id)).toEqual(['a', 'b']);
    expect((await t.inbox.current()).map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('Firefox: no requireInteraction (it refuses the option)', async () => {
    const t = setup({ requireInteraction: false });
    await t.inbox.update([prompt('a')]);
    expect(t.shown.get(notificationIdOf('a'))).not.toHaveProperty('requireInteraction');
  });

  it('a prompt answered elsewhere, withdrawn or expired loses its notification at once', async () => {
    const t = setup();
    await t.inbox.update([prompt('a'), prompt('b')]);
    await t.inbox.update([prompt('b')]);
    expect(t.cleared).toEqual([notificationIdOf('a')]);
    // Expired by the clock before the portal says so.
    await t.inbox.update([prompt('b', '2026-12-06T10:42:29.000Z')]);
    expect(t.cleared).toEqual([notificationIdOf('a'), notificationIdOf('b')]);
    expect(await t.inbox.current()).toEqual([]);
  });

  it('drop removes one prompt answered here, without waiting for the portal', async () => {
    const t = setup();
    await t.inbox.update([prompt('a'), prompt('b')]);
    await t.inbox.drop('a');
    expect((await t.inbox.current()).map((p) => p.id)).toEqual(['b']);
    expect(t.cleared).toEqual([notificationIdOf('a')]);
  });

  it('two lists at once notify a prompt once', async () => {
    const t = setup();
    let created = 0;
    const original = t.shown.set.bind(t.shown);
    t.shown.set = (key, value) => {
      created++;
      return original(key, value);
    };
    await Promise.all([t.inbox.update([prompt('a')]), t.inbox.update([prompt('a')])]);
    expect(created).toBe(1);
  });

  it('an unchanged list is not written again (Firefox reports every write as a change, and an open popup asks again on each)', async () => {
    const t = setup();
    let writes = 0;
    fakeBrowser.storage.onChanged.addListener(() => {
      writes++;
    });
    await t.inbox.update([prompt('a')]);
    await t.inbox.update([prompt('a')]);
    await t.inbox.update([prompt('a', '2026-12-06T10:42:29.000Z')]);
    await t.inbox.update([]);
    expect(writes).toBe(2);
  });

  it('a refused notification is logged; the list is still stored for the popup', async () => {
    const t = setup({ refuse: true });
    await t.inbox.update([prompt('a')]);
    expect(t.logs.join()).toMatch(/notification not shown/);
    expect((await t.inbox.current()).map((p) => p.id)).toEqual(['a']);
  });

  it('clicking a prompt notification opens that prompt; other notifications are not ours', async () => {
    const t = setup();
    await t.inbox.update([prompt('a')]);
    await t.inbox.handleClick(notificationIdOf('a'));
    await t.inbox.handleClick('something-else');
    expect(t.opened).toEqual(['a']);
    expect(t.cleared).toEqual([notificationIdOf('a')]);
    // Still pending: it stays in the popup, and is not notified again.
    await t.inbox.update([prompt('a')]);
    expect(t.shown.size).toBe(0);
  });
});
