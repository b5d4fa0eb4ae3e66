import { beforeEach, describe, expect, it } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CatalogError } from './errors.ts';
import { pinFavorite, unpinFavorite } from './favorites.ts';
import {
  applyPrefsChange,
  defaultPrefs,
  loadPrefs,
  prefsKey,
  readPrefs,
  savePrefs,
  updatePrefs,
} from './prefs.ts';
import { MAX_RECENTS, recordLaunch } from './recents.ts';

const alice = { issuer: 'https://portal.example.com', sub: 'user-1' };
const bob = { issuer: 'https://portal.example.com', sub: 'user-2' };
const aliceElsewhere = { issuer: 'https://other.example.com', sub: 'user-1' };

beforeEach(() => {
  fakeBrowser.reset();
});

describe('launcher prefs', () => {
  it('starts with no favorites, no recents and the grid view', async () => {
    expect(await loadPrefs(alice)).toEqual(defaultPrefs());
    expect(defaultPrefs().view).toBe('grid');
  });

  it('keeps favorites, recents and view per issuer and subject', async () => {
    await updatePrefs(alice, (p) => ({ ...p, favorites: pinFavorite(p.favorites, 'wiki'), view: 'list' }));
    await updatePrefs(bob, (p) => ({ ...p, recents: recordLaunch(p.recents, 'payroll') }));

    const a = await loadPrefs(alice);
    expect(a.favorites.ids).toEqual(['wiki']);
    expect(a.view).toBe('list');
    expect(a.recents.ids).toEqual([]);
    const b = await loadPrefs(bob);
    expect(b.favorites.ids).toEqual([]);
    expect(b.recents.ids).toEqual(['payroll']);
    // Same subject at another portal is another person.
    expect(await loadPrefs(aliceElsewhere)).toEqual(defaultPrefs());
    expect(prefsKey(alice)).not.toBe(prefsKey(aliceElsewhere));
  });

  it('keeps ids that would make ambiguous keys apart', () => {
    expect(prefsKey({ issuer: 'https://a', sub: 'b|c' })).not.toBe(
      prefsKey({ issuer: 'https://a|b', sub: 'c' }),
    );
  });

  it('stores in storage.local, nothing token-like (A5)', async () => {
    await savePrefs(alice, { ...defaultPrefs(), favorites: { version: 1, ids: ['wiki'] } });
    const all = await browser.storage.local.get(null);
    expect(Object.keys(all)).toEqual([prefsKey(alice)]);
    expect(JSON.stringify(all)).not.toMatch(/eyJ|token/i);
  });

  it('remembers only the last five launches, newest first', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'b']) {
      await updatePrefs(alice, (p) => ({ ...p, recents: recordLaunch(p.recents, id) }));
    }
    const { recents } = await loadPrefs(alice);
    expect(recents.ids).toEqual(['b', 'f', 'e', 'd', 'c']);
    expect(recents.ids).toHaveLength(MAX_RECENTS);
  });

  it('serializes concurrent updates so none is lost', async () => {
    await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        updatePrefs(alice, (p) => ({ ...p, favorites: pinFavorite(p.favorites, id) })),
      ),
    );
    expect((await loadPrefs(alice)).favorites.ids).toEqual(['a', 'b', 'c']);
  });

  it('a refused change (admin-pinned app) writes nothing and rethrows the CatalogError', async () => {
    await updatePrefs(alice, (p) => ({ ...p, favorites: pinFavorite(p.favorites, 'wiki') }));
    await expect(
      updatePrefs(alice, (p) => ({
        ...p,
        favorites: unpinFavorite(p.favorites, 'vpn', { adminPinned: ['vpn'] }),
      })),
    ).rejects.toMatchObject({ code: 'admin_pinned' });
    await expect(
      updatePrefs(alice, (p) => ({
        ...p,
        favorites: unpinFavorite(p.favorites, 'vpn', { adminPinned: ['vpn'] }),
      })),
    ).rejects.toBeInstanceOf(CatalogError);
    expect((await loadPrefs(alice)).favorites.ids).toEqual(['wiki']);
  });

  it('C8: repairs stored data from older versions or corruption without throwing', async () => {
    await browser.storage.local.set({
      [prefsKey(alice)]: { favorites: ['wiki', 'wiki', 42, '', null], recents: 'nope', view: 'mosaic' },
    });
    const prefs = await loadPrefs(alice);
    expect(prefs.favorites.ids).toEqual(['wiki', '42']);
    expect(prefs.recents.ids).toEqual([]);
    expect(prefs.view).toBe('grid');
    for (const junk of [null, 7, 'x', [], { favorites: { version: 9, ids: 'no' } }]) {
      expect(() => readPrefs(junk)).not.toThrow();
      expect(readPrefs(junk).favorites.ids).toEqual([]);
    }
  });

  it('applies pin, unpin, move, view and launched changes; admin-pinned apps refuse unpin and move', () => {
    let prefs = defaultPrefs();
    prefs = applyPrefsChange(prefs, { action: 'pin', appId: 'a' }, ['vpn']);
    prefs = applyPrefsChange(prefs, { action: 'pin', appId: 'b' }, ['vpn']);
    prefs = applyPrefsChange(prefs, { action: 'pin', appId: 'vpn' }, ['vpn']);
    expect(prefs.favorites.ids).toEqual(['a', 'b']);
    prefs = applyPrefsChange(prefs, { action: 'move', appId: 'b', toIndex: 0 }, ['vpn']);
    expect(prefs.favorites.ids).toEqual(['b', 'a']);
    prefs = applyPrefsChange(prefs, { action: 'unpin', appId: 'b' }, ['vpn']);
    prefs = applyPrefsChange(prefs, { action: 'view', view: 'list' }, ['vpn']);
    prefs = applyPrefsChange(prefs, { action: 'launched', appId: 'a' }, ['vpn']);
    expect(prefs).toEqual({
      favorites: { version: 1, ids: ['a'] },
      recents: { version: 1, ids: ['a'] },
      view: 'list',
    });
    expect(() => applyPrefsChange(prefs, { action: 'unpin', appId: 'vpn' }, ['vpn'])).toThrow(CatalogError);
    expect(() => applyPrefsChange(prefs, { action: 'move', appId: 'vpn', toIndex: 1 }, ['vpn'])).toThrow(
      /administrator pinned/,
    );
  });
});
