import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { LauncherState } from '../messaging.ts';
import { testApp as app } from '../portal/__tests__/apps.ts';
import { clearStoredItems, popupSnapshotItem } from '../storage.ts';
import { catalogVersion } from './catalog-delta.ts';
import {
  clearFirstScreen,
  FIRST_SCREEN_TILES,
  ownerFromAddress,
  readFirstScreen,
  writeFirstScreen,
} from './first-screen.ts';
import { createPopupOwner, ownerMarker, popupPathFor } from './first-screen-owner.ts';

/** A `localStorage` for the node test environment (the popup has the browser's). */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

const signedIn = (owner: string, apps = [app('a'), app('b')]): LauncherState => ({
  status: 'signedIn',
  portalUrl: 'https://portal.example.com',
  portalUrlForced: false,
  user: { name: 'Alice', email: 'alice@example.com', initials: 'A', jobTitle: null },
  apps,
  appsProblem: { code: 'network', message: 'offline' },
  notice: null,
  catalogVersion: 'v1',
  launcher: {
    brandName: 'Acme',
    brandColor: null,
    pinnedApps: [],
    mfaAuthTime: null,
    stepUpMaxAgeSeconds: 300,
    appStepUpMaxAge: {},
    prefs: { favorites: [], recents: [], view: 'grid' },
    language: null,
    owner,
  },
});

describe('first-screen snapshot (issue 15)', () => {
  let storage: Storage;
  beforeEach(() => {
    storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('paints the stored first screen for the owner the address names, without problem; a catalog that fits whole keeps its version', () => {
    // Displayed b first (a favorite, say); kept whole in the catalog's own order, which its version names.
    writeFirstScreen(signedIn('alice'), [app('b'), app('a')]);
    const state = readFirstScreen('alice', 'en-US');
    expect(state?.apps?.map((each) => each.id)).toEqual(['a', 'b']);
    expect(state?.appsProblem).toBeNull();
    expect(state?.catalogVersion).toBe('v1');
    expect(state?.user?.name).toBe('Alice');
  });

  it('a catalog larger than the first screen keeps only its first tiles, and no version (it is not the whole catalog)', () => {
    const many = Array.from({ length: FIRST_SCREEN_TILES + 1 }, (_, index) => app(`app-${index}`));
    writeFirstScreen(signedIn('alice', many), many.slice(1));
    const state = readFirstScreen('alice', 'en');
    expect(state?.apps?.map((each) => each.id)).toEqual(
      many.slice(1, FIRST_SCREEN_TILES + 1).map((a) => a.id),
    );
    expect(state).not.toHaveProperty('catalogVersion');
  });

  it("never shows another person's first screen, and deletes it (issue 4, C3)", () => {
    writeFirstScreen(signedIn('alice'), [app('a')]);
    expect(readFirstScreen('bob', 'en')).toBeNull();
    // Deleted: even Alice's own address finds nothing now.
    expect(readFirstScreen('alice', 'en')).toBeNull();
  });

  it('with no owner in the address (nobody signed in) shows nothing and deletes the snapshot', () => {
    writeFirstScreen(signedIn('alice'), [app('a')]);
    expect(readFirstScreen(null, 'en')).toBeNull();
    expect(storage.length).toBe(0);
  });

  it('a signed-out state, or one without owner, deletes instead of writing', () => {
    writeFirstScreen(signedIn('alice'), [app('a')]);
    writeFirstScreen({ ...signedIn('alice'), status: 'signedOut' }, []);
    expect(storage.length).toBe(0);
    const noOwner = signedIn('alice');
    delete noOwner.launcher?.owner;
    writeFirstScreen(noOwner, [app('a')]);
    expect(storage.length).toBe(0);
    writeFirstScreen(signedIn('alice'), [app('a')]);
    clearFirstScreen();
    expect(storage.length).toBe(0);
  });

  it(`keeps at most ${FIRST_SCREEN_TILES} tiles`, () => {
    const many = Array.from({ length: 100 }, (_, index) => app(`app-${index}`));
    writeFirstScreen(signedIn('alice', many), many);
    expect(readFirstScreen('alice', 'en')?.apps).toHaveLength(FIRST_SCREEN_TILES);
  });

  it('C8: malformed or older snapshots and a snapshot in another chosen language are not painted', () => {
    storage.setItem('portalLauncher.firstScreen', '{not json');
    expect(readFirstScreen('alice', 'en')).toBeNull();
    storage.setItem('portalLauncher.firstScreen', JSON.stringify({ version: 0, owner: 'alice', state: {} }));
    expect(readFirstScreen('alice', 'en')).toBeNull();
    const german = signedIn('alice');
    if (german.launcher) german.launcher.language = 'de';
    writeFirstScreen(german, [app('a')]);
    expect(readFirstScreen('alice', 'en-US')).toBeNull();
    expect(readFirstScreen('alice', 'de-DE')?.apps).toHaveLength(2);
  });

  it('without localStorage nothing is painted and nothing throws', () => {
    vi.stubGlobal('localStorage', undefined);
    expect(() => writeFirstScreen(signedIn('alice'), [app('a')])).not.toThrow();
    expect(readFirstScreen('alice', 'en')).toBeNull();
  });

  it('reads the owner from the popup address', () => {
    expect(ownerFromAddress('?owner=abc')).toBe('abc');
    expect(ownerFromAddress('')).toBeNull();
    expect(ownerFromAddress('?owner=')).toBeNull();
  });
});

describe('first-screen owner in the popup address (issue 15)', () => {
  beforeEach(() => fakeBrowser.reset());

  it('the marker is per issuer and subject, and not the subject itself', async () => {
    const alice = await ownerMarker({ issuer: 'https://portal.example.com', sub: 'alice' });
    expect(alice).toMatch(/^[0-9a-f]{32}$/);
    expect(alice).toBe(await ownerMarker({ issuer: 'https://portal.example.com', sub: 'alice' }));
    expect(alice).not.toBe(await ownerMarker({ issuer: 'https://portal.example.com', sub: 'bob' }));
    expect(alice).not.toBe(await ownerMarker({ issuer: 'https://other.example.com', sub: 'alice' }));
  });

  it('the catalog version changes with the catalog and only then', async () => {
    expect(await catalogVersion([app('a')])).toBe(await catalogVersion([app('a')]));
    expect(await catalogVersion([app('a')])).not.toBe(
      await catalogVersion([{ ...app('a'), name: 'Renamed' }]),
    );
  });

  it('follows the stored popup snapshot: its owner while signed in, none once it is cleared', async () => {
    const setPopup = vi.fn(async (_details: { popup: string }) => undefined);
    const owner = createPopupOwner({ setPopup });
    const unwatch = owner.watch();
    await popupSnapshotItem.set({ issuer: 'https://portal.example.com', sub: 'alice', state: {} });
    await vi.waitFor(() => expect(setPopup).toHaveBeenCalledTimes(1));
    const marker = await ownerMarker({ issuer: 'https://portal.example.com', sub: 'alice' });
    expect(setPopup).toHaveBeenLastCalledWith({ popup: popupPathFor(marker) });
    expect(popupPathFor(marker)).toBe(`/popup.html?owner=${marker}`);
    // Written again for the same person: the address is already right.
    await popupSnapshotItem.set({ issuer: 'https://portal.example.com', sub: 'alice', state: { a: 1 } });
    await owner.set(marker);
    expect(setPopup).toHaveBeenCalledTimes(1);
    // Sign-out and identity change clear the snapshot: no owner in the address.
    await popupSnapshotItem.remove();
    await vi.waitFor(() => expect(setPopup).toHaveBeenLastCalledWith({ popup: '/popup.html' }));
    unwatch();
  });

  it.each(['signOut', 'identityChange'] as const)(
    'A11/issue 15: after %s the next popup paints nothing of the first screen and deletes it; the next person never sees it',
    async (event) => {
      vi.stubGlobal('localStorage', memoryStorage());
      try {
        let address = '/popup.html';
        const owner = createPopupOwner({
          setPopup: async ({ popup }) => {
            address = popup;
          },
        });
        const unwatch = owner.watch();
        const issuer = 'https://portal.example.com';
        // Alice is signed in: the background names her in the popup's address; her popup stores its first screen.
        await popupSnapshotItem.set({ issuer, sub: 'alice', state: {} });
        const alice = await ownerMarker({ issuer, sub: 'alice' });
        await vi.waitFor(() => expect(address).toBe(popupPathFor(alice)));
        writeFirstScreen(signedIn(alice), [app('a')]);
        const search = () => new URL(address, 'chrome-extension://x').search;
        expect(readFirstScreen(ownerFromAddress(search()), 'en')?.apps).toHaveLength(2);
        writeFirstScreen(signedIn(alice), [app('a')]);

        // The session ends: the registry clears the popup snapshot, and the address names nobody.
        // (IndexedDB, absent in this test environment, may fail to clear; the popup snapshot may not.)
        expect(await clearStoredItems(event)).not.toContain(popupSnapshotItem.key);
        await vi.waitFor(() => expect(address).toBe('/popup.html'));
        expect(readFirstScreen(ownerFromAddress(search()), 'en')).toBeNull();
        expect(localStorage.length).toBe(0);

        // Even a snapshot left behind (no popup opened in between) is never shown to the next person.
        writeFirstScreen(signedIn(alice), [app('a')]);
        await popupSnapshotItem.set({ issuer, sub: 'bob', state: {} });
        const bob = await ownerMarker({ issuer, sub: 'bob' });
        await vi.waitFor(() => expect(address).toBe(popupPathFor(bob)));
        expect(readFirstScreen(ownerFromAddress(search()), 'en')).toBeNull();
        expect(localStorage.length).toBe(0);
        unwatch();
      } finally {
        vi.unstubAllGlobals();
      }
    },
  );
});
