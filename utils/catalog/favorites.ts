/**
 * The launcher's favorites: the apps a person pinned, in the order they chose,
 * under the apps the administrator pinned through policy.
 *
 * Pure functions over plain data: every change returns a new state and leaves
 * its input alone. Admin-pinned apps always come first, in policy order, and
 * cannot be unpinned or moved (the UI shows them locked); calls that try throw
 * a {@link CatalogError}. Stored values of any shape go through
 * {@link migrateFavorites}, which keeps what is valid and never throws (C8).
 */
import * as z from 'zod/mini';
import { lazy } from '../../contract/lazy.ts';
import { appIdSchema } from '../../contract/schemas.ts';
import { CatalogError } from './errors.ts';
import { isDistinct, salvageIds, storedIdList } from './stored-ids.ts';

/** How many apps a person can pin (admin-pinned apps do not count). */
export const MAX_FAVORITES = 100;

/**
 * The stored form of favorites. Version history: 0 was a bare array of ids
 * (no `version`); 1 is this object.
 */
export const favoritesStateSchema = lazy(() =>
  z.object({
    version: z.literal(1),
    /** Pinned app ids, in the order the person arranged them. */
    ids: z
      .array(appIdSchema)
      .check(z.maxLength(MAX_FAVORITES), z.refine(isDistinct, 'An app is pinned twice.')),
  }),
);
export type FavoritesState = z.infer<typeof favoritesStateSchema>;

/** Options shared by the favorites operations. */
export interface FavoritesOptions {
  /** App ids the administrator pinned (policy), which the person cannot change. */
  readonly adminPinned?: readonly string[];
}

/** No favorites yet. */
export function emptyFavorites(): FavoritesState {
  return { version: 1, ids: [] };
}

/**
 * Pins `id` at the end of the favorites. Pinning an app already pinned (by
 * anyone), or an id the portal could never have sent, changes nothing.
 */
export function pinFavorite(
  state: FavoritesState,
  id: string,
  options: FavoritesOptions = {},
): FavoritesState {
  if (state.ids.includes(id) || options.adminPinned?.includes(id)) return state;
  if (!appIdSchema.safeParse(id).success) return state;
  if (state.ids.length >= MAX_FAVORITES) {
    throw new CatalogError(
      'favorites_full',
      `You can pin up to ${MAX_FAVORITES} apps. Unpin one you use less to make room.`,
    );
  }
  return { version: 1, ids: [...state.ids, id] };
}

/** Unpins `id`; unpinning an app that is not pinned changes nothing. */
export function unpinFavorite(
  state: FavoritesState,
  id: string,
  options: FavoritesOptions = {},
): FavoritesState {
  refuseAdminPinned(id, options, 'unpin');
  if (!state.ids.includes(id)) return state;
  return { version: 1, ids: state.ids.filter((other) => other !== id) };
}

/**
 * Moves the favorite `id` to position `toIndex` among the person's favorites
 * (0 = first after the admin-pinned apps); out-of-range positions clamp.
 */
export function moveFavorite(
  state: FavoritesState,
  id: string,
  toIndex: number,
  options: FavoritesOptions = {},
): FavoritesState {
  refuseAdminPinned(id, options, 'move');
  const from = state.ids.indexOf(id);
  if (from < 0) {
    throw new CatalogError('not_a_favorite', 'This app is not pinned, so it cannot be moved. Pin it first.');
  }
  const last = state.ids.length - 1;
  const to = Number.isFinite(toIndex) ? Math.min(Math.max(Math.trunc(toIndex), 0), last) : from;
  if (to === from) return state;
  const ids = state.ids.filter((other) => other !== id);
  ids.splice(to, 0, id);
  return { version: 1, ids };
}

/**
 * Turns any stored value into a valid state, keeping every valid, distinct
 * id in order: a current state passes through; a version-0 bare array, an
 * object with stray fields or a future version keep their ids; anything
 * else becomes empty. Never throws (C8).
 */
export function migrateFavorites(stored: unknown): FavoritesState {
  try {
    const current = favoritesStateSchema.safeParse(stored);
    if (current.success) return current.data;
    return { version: 1, ids: salvageIds(storedIdList(stored), MAX_FAVORITES) };
  } catch {
    // Only objects that were never JSON (throwing getters, revoked proxies)
    // get here; starting empty beats failing to open the launcher.
    return emptyFavorites();
  }
}

function refuseAdminPinned(id: string, options: FavoritesOptions, action: 'unpin' | 'move'): void {
  if (options.adminPinned?.includes(id)) {
    throw new CatalogError(
      'admin_pinned',
      `Your administrator pinned this app, so you cannot ${action} it. Ask them if it should change.`,
    );
  }
}
