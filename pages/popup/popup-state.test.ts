import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFirstScreen } from '../../utils/catalog/first-screen.ts';
import type { LauncherState } from '../../utils/messaging.ts';
import { testApp as app } from '../../utils/portal/__tests__/apps.ts';
import {
  firstScreenApps,
  heldCatalogOf,
  mergeAnswer,
  rememberFirstScreen,
  resolveAnswer,
} from './popup-state.ts';

const state = (catalogVersion: string | undefined, apps = [app('a'), app('b')]): LauncherState => ({
  status: 'signedIn',
  portalUrl: 'https://portal.example.com',
  portalUrlForced: false,
  user: { name: 'Alice', email: null, initials: 'A', jobTitle: null },
  apps,
  appsProblem: null,
  notice: null,
  ...(catalogVersion ? { catalogVersion } : {}),
  launcher: {
    brandName: 'Acme',
    brandColor: null,
    pinnedApps: ['b'],
    mfaAuthTime: null,
    stepUpMaxAgeSeconds: 300,
    appStepUpMaxAge: {},
    prefs: { favorites: ['c'], recents: [], view: 'grid' },
    language: null,
  },
});

describe('popup state updates (issue 15)', () => {
  it('an unchanged answer keeps the shown state itself (nothing renders again)', () => {
    const shown = state('v1');
    expect(mergeAnswer(shown, state('v1'))).toBe(shown);
  });

  it('the same catalog with other details keeps the shown apps array', () => {
    const shown = state('v1');
    const next = { ...state('v1'), user: { name: 'Alice B', email: null, initials: 'AB', jobTitle: null } };
    const merged = mergeAnswer(shown, next);
    expect(merged.apps).toBe(shown.apps);
    expect(merged.user?.name).toBe('Alice B');
  });

  it('another catalog version, or none (the first screen, the cache), replaces the apps', () => {
    const shown = state('v1');
    const changed = state('v2', [app('a')]);
    expect(mergeAnswer(shown, changed)).toBe(changed);
    const firstScreen = state(undefined, [app('a')]);
    const full = state('v1');
    expect(mergeAnswer(firstScreen, full)).toBe(full);
    expect(mergeAnswer(null, full)).toBe(full);
  });

  it('the first screen is the first tiles in display order (admin-pinned first)', () => {
    expect(firstScreenApps(state('v1')).map((each) => each.id)).toEqual(['b', 'a']);
    const many = Array.from({ length: 60 }, (_, index) => app(`app-${index}`));
    expect(firstScreenApps(state('v1', many))).toHaveLength(24);
  });
});

describe('answers with only what changed (issue 15)', () => {
  it('rebuilds the apps from the catalog held; refuses a delta against another one', () => {
    const held = { version: 'v1', apps: [app('a'), app('b')] };
    const answer: LauncherState = {
      ...state('v2'),
      apps: null,
      catalogDelta: { base: 'v1', order: ['b', 'a', 'c'], changed: [app('c')] },
    };
    const resolved = resolveAnswer(answer, held);
    expect(resolved?.apps?.map((one) => one.id)).toEqual(['b', 'a', 'c']);
    expect(resolved).not.toHaveProperty('catalogDelta');
    expect(heldCatalogOf(resolved)).toEqual({ version: 'v2', apps: resolved?.apps });
    expect(resolveAnswer(answer, { version: 'v0', apps: held.apps })).toBeNull();
    expect(resolveAnswer(answer, null)).toBeNull();
    const whole = state('v2');
    expect(resolveAnswer(whole, null)).toBe(whole);
  });

  it('an unchanged catalog keeps the shown state itself', () => {
    const shown = state('v1');
    const answer: LauncherState = {
      ...state('v1'),
      apps: null,
      catalogDelta: { base: 'v1', order: null, changed: [] },
    };
    const resolved = resolveAnswer(answer, heldCatalogOf(shown)) as LauncherState;
    expect(mergeAnswer(shown, resolved)).toBe(shown);
  });
});

describe('the first screen a popup stores (issue 15)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("only a popup at the address naming the state's owner stores it; a signed-out answer deletes it", () => {
    const items = new Map<string, string>();
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    });
    const owned = state('v1');
    if (owned.launcher) owned.launcher.owner = 'alice-marker';
    rememberFirstScreen(owned, 'someone-else');
    rememberFirstScreen(owned, null);
    expect(items.size).toBe(0);
    rememberFirstScreen(owned, 'alice-marker');
    expect(readFirstScreen('alice-marker', 'en')?.apps?.map((each) => each.id)).toEqual(['a', 'b']);
    rememberFirstScreen({ ...owned, status: 'signedOut', apps: null }, null);
    expect(items.size).toBe(0);
  });
});
