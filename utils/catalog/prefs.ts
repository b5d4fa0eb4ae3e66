/**
 * The launcher's per-person preferences: favorites, recently used apps and
 * the chosen layout (grid or list), kept in `storage.local` under one key per
 * portal (issuer) and person (subject), so two people sharing a browser
 * profile, or one person at two portals, never see each other's lists.
 *
 * Non-secret (app ids and a layout name), and deliberately not cleared on
 * sign-out: favorites survive signing out and a browser restart.
 *
 * Contract: `loadPrefs` never throws for bad stored data (C8): any value goes
 * through the favorites/recents migrations, which keep every valid id.
 * `updatePrefs` reads, applies a pure change and writes; a change that
 * throws (e.g. {@link CatalogError} for unpinning an admin-pinned app) writes
 * nothing and rethrows.
 *
 * Who calls it: the background only (it knows the signed-in issuer and
 * subject); the popup asks it through the `changePrefs` message.
 */
import { launcherPrefsItems } from '../storage.ts';
import {
  emptyFavorites,
  type FavoritesState,
  migrateFavorites,
  moveFavorite,
  pinFavorite,
  unpinFavorite,
} from './favorites.ts';
import { emptyRecents, migrateRecents, type RecentsState, recordLaunch } from './recents.ts';

/** How the launcher lays out apps. */
export type LauncherView = 'grid' | 'list';

/** One person's launcher preferences at one portal. */
export interface LauncherPrefs {
  readonly favorites: FavoritesState;
  readonly recents: RecentsState;
  readonly view: LauncherView;
}

/** Who the preferences belong to: the OpenID Provider and the `sub` it issued. */
export interface PrefsOwner {
  /** The issuer identifier (OIDC Core 1.0 §2, `iss`). */
  readonly issuer: string;
  /** The subject identifier, unique only within its issuer (OIDC Core 1.0 §8). */
  readonly sub: string;
}

/** The stored shape's version; older shapes are salvaged by {@link readPrefs}. */
export const PREFS_VERSION = 1;

/**
 * The `storage.local` key for one person's preferences. Both parts go in: a
 * `sub` is only unique within its issuer.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClaimStability OIDC Core 1.0 §5.7 (iss + sub identify a person)
 */
export function prefsKey(owner: PrefsOwner): string {
  return prefsItem(owner).key;
}

/** The registry's item (utils/storage.ts `launcherPrefsItems`) for one person's preferences. */
function prefsItem(owner: PrefsOwner) {
  // JSON keeps the two parts apart whatever characters they contain.
  return launcherPrefsItems.item(JSON.stringify([owner.issuer, owner.sub]));
}

/** Defaults for a person who has not chosen anything yet. */
export function defaultPrefs(): LauncherPrefs {
  return { favorites: emptyFavorites(), recents: emptyRecents(), view: 'grid' };
}

/** Turns any stored value into valid preferences, keeping what is valid. Never throws (C8). */
export function readPrefs(stored: unknown): LauncherPrefs {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return defaultPrefs();
  try {
    const record = stored as Record<string, unknown>;
    return {
      favorites: migrateFavorites(record.favorites),
      recents: migrateRecents(record.recents),
      view: record.view === 'list' ? 'list' : 'grid',
    };
  } catch {
    return defaultPrefs();
  }
}

/** Reads one person's preferences. */
export async function loadPrefs(owner: PrefsOwner): Promise<LauncherPrefs> {
  return readPrefs(await prefsItem(owner).get());
}

/** Writes one person's preferences. */
export async function savePrefs(owner: PrefsOwner, prefs: LauncherPrefs): Promise<void> {
  const value = {
    version: PREFS_VERSION,
    favorites: prefs.favorites,
    recents: prefs.recents,
    view: prefs.view,
  };
  await prefsItem(owner).set(value);
}

/**
 * Reads, changes and writes one person's preferences; returns what was
 * written. Changes are serialized per key within this page, so two quick
 * clicks (pin, then launch) do not overwrite each other.
 */
export function updatePrefs(
  owner: PrefsOwner,
  change: (prefs: LauncherPrefs) => LauncherPrefs,
): Promise<LauncherPrefs> {
  const key = prefsKey(owner);
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const updated = change(await loadPrefs(owner));
      await savePrefs(owner, updated);
      return updated;
    });
  queues.set(key, next);
  return next;
}

const queues = new Map<string, Promise<unknown>>();

/** A change the person makes from the popup (or the launch the background records). */
export type PrefsChange =
  | { readonly action: 'pin' | 'unpin'; readonly appId: string }
  | { readonly action: 'move'; readonly appId: string; readonly toIndex: number }
  | { readonly action: 'view'; readonly view: LauncherView }
  | { readonly action: 'launched'; readonly appId: string };

/**
 * Applies one change. Pure; throws {@link CatalogError} where the favorites
 * rules refuse (unpinning or moving an admin-pinned app, a full list).
 */
export function applyPrefsChange(
  prefs: LauncherPrefs,
  change: PrefsChange,
  adminPinned: readonly string[],
): LauncherPrefs {
  const options = { adminPinned };
  switch (change.action) {
    case 'pin':
      return { ...prefs, favorites: pinFavorite(prefs.favorites, change.appId, options) };
    case 'unpin':
      return { ...prefs, favorites: unpinFavorite(prefs.favorites, change.appId, options) };
    case 'move':
      return { ...prefs, favorites: moveFavorite(prefs.favorites, change.appId, change.toIndex, options) };
    case 'view':
      return { ...prefs, view: change.view };
    case 'launched':
      return { ...prefs, recents: recordLaunch(prefs.recents, change.appId) };
  }
}

export type { FavoritesState, RecentsState };
