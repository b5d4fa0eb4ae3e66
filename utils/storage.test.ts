import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { z } from 'zod';
import {
  clearStoredItems,
  defineStoredFamily,
  defineStoredItem,
  launcherPrefsItems,
  launchNoticeItem,
  sessionItem,
  storedFamilies,
  storedItems,
  userSettingsItem,
} from './storage.ts';
import { readRaw, STORAGE_FAMILY_LOCATIONS, STORAGE_LOCATIONS } from './storage-locations.ts';

beforeEach(async () => {
  fakeBrowser.reset();
  await fakeBrowser.storage.session.clear();
  await fakeBrowser.storage.local.clear();
});

describe('storage registry', () => {
  it('A5: every item that can hold a token lives in storage.session and is cleared on sign-out', () => {
    for (const item of storedItems()) {
      const shape = JSON.stringify(z.toJSONSchema(item.schema, { unrepresentable: 'any' }));
      if (/token/i.test(shape)) {
        expect(item.area, item.key).toBe('session');
        expect(item.clearOn, item.key).toContain('signOut');
      }
    }
    expect(sessionItem.area).toBe('session');
  });

  it('every item is declared once with a description', () => {
    const keys = storedItems().map((item) => `${item.area}:${item.key}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const item of storedItems()) expect(item.description.length).toBeGreaterThan(10);
    expect(() =>
      defineStoredItem({
        key: 'session',
        area: 'session',
        schema: z.null(),
        version: 1,
        fallback: null,
        clearOn: [],
        description: 'duplicate',
      }),
    ).toThrow(/declared twice/);
  });

  it('round-trips a value with its version', async () => {
    const notice = {
      appId: 'wiki',
      appName: 'Team Wiki',
      outcome: 'cancelled' as const,
      message: 'x',
      at: 1,
    };
    await launchNoticeItem.set(notice);
    expect(await launchNoticeItem.get()).toEqual(notice);
    expect(await fakeBrowser.storage.session.get('launchNotice')).toEqual({
      launchNotice: { version: 1, value: notice },
    });
  });

  it.each([
    ['garbage', 'not an envelope'],
    ['a wrong shape', { version: 1, value: { appId: 42 } }],
    ['a future version', { version: 99, value: null }],
    [
      'an oversized field',
      { version: 1, value: { appId: 'x'.repeat(5000), appName: 'a', outcome: 'opened', message: '', at: 1 } },
    ],
  ])('C8: %s in storage falls back and is dropped, never throws', async (_label, raw) => {
    await fakeBrowser.storage.session.set({ launchNotice: raw });
    await expect(launchNoticeItem.get()).resolves.toBeNull();
    expect(await fakeBrowser.storage.session.get('launchNotice')).toEqual({});
  });

  it('C8: an older version is migrated, keeping the valid part', async () => {
    const item = defineStoredItem<{ names: string[] }>({
      key: 'migrationTest',
      area: 'local',
      schema: z.object({ names: z.array(z.string()) }),
      version: 2,
      migrations: { 2: (old) => ({ names: [(old as { name: string }).name] }) },
      fallback: { names: [] },
      clearOn: [],
      description: 'Test item for migrations.',
    });
    await fakeBrowser.storage.local.set({ migrationTest: { version: 1, value: { name: 'Alice' } } });
    expect(await item.get()).toEqual({ names: ['Alice'] });
  });

  it('set() refuses a value that does not match the schema', async () => {
    await expect(launchNoticeItem.set({ appId: 1 } as never)).rejects.toBeInstanceOf(Error);
  });

  it('clearOn: sign-out clears the session items', async () => {
    await launchNoticeItem.set({ appId: 'a', appName: 'A', outcome: 'failed', message: 'm', at: 1 });
    await clearStoredItems('signOut');
    expect(await launchNoticeItem.get()).toBeNull();
  });

  it('every location of the address book is declared by exactly one item or family, and nothing else is stored', () => {
    const declared = storedItems().map(({ area, key, version }) => ({ area, key, version }));
    // The migration test above declares one test-only item.
    const known = declared.filter((item) => item.key !== 'migrationTest');
    expect(known).toEqual(expect.arrayContaining(Object.values(STORAGE_LOCATIONS).map((l) => ({ ...l }))));
    expect(known).toHaveLength(Object.values(STORAGE_LOCATIONS).length);
    const families = storedFamilies().map(({ area, keyPrefix, version }) => ({ area, keyPrefix, version }));
    expect(families).toEqual(Object.values(STORAGE_FAMILY_LOCATIONS).map((l) => ({ ...l })));
    expect(() =>
      defineStoredItem({
        key: `${STORAGE_FAMILY_LOCATIONS.launcherPrefs.keyPrefix}someone`,
        area: 'local',
        schema: z.unknown(),
        version: 1,
        fallback: null,
        clearOn: [],
        description: 'inside a family',
      }),
    ).toThrow(/declared twice/);
    expect(() =>
      defineStoredFamily({
        ...STORAGE_FAMILY_LOCATIONS.launcherPrefs,
        schema: z.unknown(),
        fallback: null,
        description: 'again',
      }),
    ).toThrow(/declared twice/);
  });

  it('C8: plain items keep the format their owners have always written (no envelope), so nothing is lost', async () => {
    await fakeBrowser.storage.local.set({
      settings: { theme: 'dark', portalUrl: 'https://portal.example.com' },
    });
    expect(await userSettingsItem.get()).toEqual({ theme: 'dark', portalUrl: 'https://portal.example.com' });
    await userSettingsItem.set({ theme: 'light' });
    expect(await fakeBrowser.storage.local.get('settings')).toEqual({ settings: { theme: 'light' } });

    const alice = launcherPrefsItems.item('["https://portal.example.com","alice"]');
    expect(alice.key).toBe('launcherPrefs:["https://portal.example.com","alice"]');
    await alice.set({ version: 1, favorites: ['wiki'], recents: [], view: 'list' });
    expect(await fakeBrowser.storage.local.get(alice.key)).toEqual({
      [alice.key]: { version: 1, favorites: ['wiki'], recents: [], view: 'list' },
    });
    // Kept on sign-out: favorites survive it.
    await clearStoredItems('signOut');
    expect(await alice.get()).toEqual({ version: 1, favorites: ['wiki'], recents: [], view: 'list' });
  });
});

describe('reads side by side (issue 15)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const notice = (appId: string, at: number) => ({
    appId,
    appName: appId.toUpperCase(),
    outcome: 'cancelled' as const,
    message: 'Cancelled.',
    at,
  });

  it('reads of one area asked for in one turn go to the browser as one get', async () => {
    await launchNoticeItem.set(notice('wiki', 1));
    const get = vi.spyOn(fakeBrowser.storage.session, 'get');
    const [stored, session, again] = await Promise.all([
      launchNoticeItem.get(),
      sessionItem.get(),
      launchNoticeItem.get(),
    ]);
    expect(get).toHaveBeenCalledTimes(1);
    expect(get.mock.calls[0]?.[0]).toEqual(['launchNotice', 'session']);
    expect(stored).toEqual(notice('wiki', 1));
    expect(again).toEqual(stored);
    expect(session).toBeNull();
    // A later turn is another batch.
    await launchNoticeItem.get();
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('a read still sees exactly the writes asked for before it, in the same turn', async () => {
    await launchNoticeItem.set(notice('old', 1));
    const before = launchNoticeItem.get();
    const write = launchNoticeItem.set(notice('new', 2));
    const after = launchNoticeItem.get();
    const removal = launchNoticeItem.remove();
    const last = launchNoticeItem.get();
    await Promise.all([write, removal]);
    expect((await before)?.appId).toBe('old');
    expect((await after)?.appId).toBe('new');
    expect(await last).toBeNull();
  });

  it('a failed read fails every read of its batch, and the next turn reads again', async () => {
    const get = vi.spyOn(fakeBrowser.storage.session, 'get').mockRejectedValueOnce(new Error('gone'));
    const reads = [readRaw('session', 'a'), readRaw('session', 'b')];
    for (const read of reads) await expect(read).rejects.toThrow('gone');
    await fakeBrowser.storage.session.set({ a: 1 });
    expect(await readRaw('session', 'a')).toBe(1);
    expect(get).toHaveBeenCalledTimes(2);
  });
});
