import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { LauncherState } from '../messaging.ts';
import { testApp as app } from '../portal/__tests__/apps.ts';
import { catalogCacheItem, popupSnapshotItem, sessionItem, stateChangedItem } from '../storage.ts';
import { STORAGE_LOCATIONS } from '../storage-locations.ts';
import { cachedLauncherState, snapshotFromState } from './popup-snapshot.ts';
import { publishPopupSnapshot, updatePopupSnapshotPrefs } from './popup-snapshot-writer.ts';

const ISSUER = 'https://portal.example.com';
const state: LauncherState = {
  status: 'signedIn',
  portalUrl: ISSUER,
  portalUrlForced: false,
  user: { name: 'Alice', email: 'alice@example.com', initials: 'A', jobTitle: null },
  apps: [app('a')],
  appsProblem: null,
  notice: null,
  launcher: {
    brandName: 'Acme',
    brandColor: null,
    pinnedApps: ['b'],
    mfaAuthTime: null,
    stepUpMaxAgeSeconds: 300,
    appStepUpMaxAge: {},
    prefs: { favorites: ['c', 'a'], recents: ['a'], view: 'list' },
    language: null,
  },
};
const stored = (value: unknown) => ({ version: 1, value });
const catalog = (issuer: string, sub: string, apps: unknown[]) =>
  stored({ issuer, sub, apps, me: null, fetchedAt: 1 });

describe('popup snapshot (instant paint, issue 4 speed)', () => {
  it('names the same storage key and cache location as the stored items', () => {
    expect(STORAGE_LOCATIONS.popupSnapshot).toMatchObject({ key: popupSnapshotItem.key, area: 'session' });
    expect(STORAGE_LOCATIONS.stateChanged.key).toBe(stateChangedItem.key);
    expect(popupSnapshotItem.area).toBe('session');
    expect(STORAGE_LOCATIONS.catalogCache).toMatchObject({ key: catalogCacheItem.key, area: 'idb' });
    expect(popupSnapshotItem.clearOn).toEqual(expect.arrayContaining(['signOut', 'identityChange']));
  });

  it('keeps no apps, and nothing for a signed-out state', () => {
    const snapshot = snapshotFromState(state, { issuer: ISSUER, sub: 'alice' });
    expect(snapshot).not.toBeNull();
    expect(snapshot?.state).not.toHaveProperty('apps');
    expect(
      snapshotFromState({ ...state, status: 'signedOut', user: null }, { issuer: ISSUER, sub: 'a' }),
    ).toBeNull();
    expect(snapshotFromState(state, null)).toBeNull();
  });

  it('C3: rebuilds the signed-in state (prefs, pins, brand) with the cached apps of the same person', () => {
    const snapshot = stored(snapshotFromState(state, { issuer: ISSUER, sub: 'alice' }));
    const apps = [app('a'), app('b'), app('c')];
    const rebuilt = cachedLauncherState(snapshot, catalog(ISSUER, 'alice', apps));
    expect(rebuilt?.apps).toEqual(apps);
    expect(rebuilt?.launcher?.prefs.favorites).toEqual(['c', 'a']);
    expect(rebuilt?.launcher?.pinnedApps).toEqual(['b']);
    expect(rebuilt?.status).toBe('signedIn');
    expect(rebuilt?.appsProblem).toBeNull();
  });

  it('provider-only mode: the policy apps travel in the snapshot, the IndexedDB cache is not used', () => {
    const providerOnly: LauncherState = { ...state, capabilities: { portalApi: false }, apps: [app('p')] };
    const snapshot = stored(snapshotFromState(providerOnly, { issuer: ISSUER, sub: 'alice' }));
    const rebuilt = cachedLauncherState(snapshot, catalog(ISSUER, 'alice', [app('stale')]));
    expect(rebuilt?.apps).toEqual([app('p')]);
    expect(cachedLauncherState(snapshot, undefined)?.apps).toEqual([app('p')]);
    // With the portal API the snapshot carries no apps.
    expect(snapshotFromState(state, { issuer: ISSUER, sub: 'alice' })?.state.apps).toBeUndefined();
  });

  it("issue 15: the apps painted carry the cache record's own version, never the snapshot's older one", () => {
    const snapshot = stored(
      snapshotFromState({ ...state, catalogVersion: 'old' }, { issuer: ISSUER, sub: 'alice' }),
    );
    const versioned = stored({
      issuer: ISSUER,
      sub: 'alice',
      apps: [app('a')],
      me: null,
      fetchedAt: 1,
      version: 'new',
    });
    expect(cachedLauncherState(snapshot, versioned)?.catalogVersion).toBe('new');
    // A record stored before versions existed: no version, so the popup asks for the whole catalog.
    expect(cachedLauncherState(snapshot, catalog(ISSUER, 'alice', [app('a')]))).not.toHaveProperty(
      'catalogVersion',
    );
    // Provider-only: the policy list travels in the snapshot with its own version.
    const providerOnly = stored(
      snapshotFromState(
        { ...state, capabilities: { portalApi: false }, catalogVersion: 'policy' },
        { issuer: ISSUER, sub: 'alice' },
      ),
    );
    expect(cachedLauncherState(providerOnly, versioned)?.catalogVersion).toBe('policy');
  });

  it("never shows another person's or another portal's cache", () => {
    const snapshot = stored(snapshotFromState(state, { issuer: ISSUER, sub: 'alice' }));
    expect(cachedLauncherState(snapshot, catalog(ISSUER, 'bob', [app('x')]))).toBeNull();
    expect(
      cachedLauncherState(snapshot, catalog('https://other.example.com', 'alice', [app('x')])),
    ).toBeNull();
  });

  it('C8: missing, old-format or malformed data answers null (the popup waits for the background)', () => {
    const snapshot = stored(snapshotFromState(state, { issuer: ISSUER, sub: 'alice' }));
    const good = catalog(ISSUER, 'alice', [app('a')]);
    expect(cachedLauncherState(undefined, good)).toBeNull();
    expect(cachedLauncherState(snapshot, undefined)).toBeNull();
    expect(cachedLauncherState({ version: 2, value: {} }, good)).toBeNull();
    expect(cachedLauncherState(snapshot, catalog(ISSUER, 'alice', [{ id: 1 }]))).toBeNull();
    expect(cachedLauncherState(snapshot, catalog(ISSUER, 'alice', 'nope' as never))).toBeNull();
    expect(
      cachedLauncherState(stored({ issuer: ISSUER, sub: 'alice', state: { status: 'signedOut' } }), good),
    ).toBeNull();
  });
});

describe('popup snapshot writer (background)', () => {
  const session = (sub: string) => ({
    issuer: ISSUER,
    clientId: 'portal-launcher',
    accessToken: 'at',
    accessTokenExpiresAt: 1,
    refreshToken: null,
    idToken: null,
    user: { sub, name: null, email: null },
    authentication: { acr: null, amr: [], authTime: null },
  });

  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('writes the snapshot of the person who is signed in', async () => {
    await sessionItem.set(session('alice'));
    await publishPopupSnapshot(state, { issuer: ISSUER, sub: 'alice' });
    expect((await popupSnapshotItem.get())?.sub).toBe('alice');
  });

  it('never writes back a snapshot of someone who signed out while it was being built', async () => {
    // Built for alice; by the time it is written, alice signed out (the session is gone) …
    await publishPopupSnapshot(state, { issuer: ISSUER, sub: 'alice' });
    expect(await popupSnapshotItem.get()).toBeNull();
    // … or bob signed in instead.
    await sessionItem.set(session('bob'));
    await publishPopupSnapshot(state, { issuer: ISSUER, sub: 'alice' });
    expect(await popupSnapshotItem.get()).toBeNull();
    await popupSnapshotItem.set({ issuer: ISSUER, sub: 'alice', state: { status: 'signedIn' } });
    await updatePopupSnapshotPrefs({ favorites: ['x'], recents: [], view: 'grid' });
    expect((await popupSnapshotItem.get())?.state).toEqual({ status: 'signedIn' });
  });
});
