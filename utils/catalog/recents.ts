/**
 * Recently launched apps: the last {@link MAX_RECENTS} distinct app ids,
 * newest first. Pure functions over plain data; stored values of any shape go
 * through {@link migrateRecents}, which keeps what is valid and never throws (C8).
 */
import * as z from 'zod/mini';
import { lazy } from '../../contract/lazy.ts';
import { appIdSchema } from '../../contract/schemas.ts';
import { isDistinct, salvageIds, storedIdList } from './stored-ids.ts';

/** How many recent apps the launcher remembers. */
export const MAX_RECENTS = 5;

/**
 * The stored form of recents. Version history: 0 was a bare array of ids
 * (no `version`); 1 is this object.
 */
export const recentsStateSchema = lazy(() =>
  z.object({
    version: z.literal(1),
    /** Launched app ids, newest first, each once. */
    ids: z
      .array(appIdSchema)
      .check(z.maxLength(MAX_RECENTS), z.refine(isDistinct, 'An app is listed twice.')),
  }),
);
export type RecentsState = z.infer<typeof recentsStateSchema>;

/** Nothing launched yet. */
export function emptyRecents(): RecentsState {
  return { version: 1, ids: [] };
}

/**
 * Records a launch: `id` moves to the front (or enters it) and the oldest
 * falls off past {@link MAX_RECENTS}. An id the portal could never have sent
 * leaves the state as it is.
 */
export function recordLaunch(state: RecentsState, id: string): RecentsState {
  if (!appIdSchema.safeParse(id).success) return state;
  if (state.ids[0] === id) return state;
  return { version: 1, ids: [id, ...state.ids.filter((other) => other !== id)].slice(0, MAX_RECENTS) };
}

/** Forgets one app (for example after the person removes it from the list). */
export function forgetRecent(state: RecentsState, id: string): RecentsState {
  if (!state.ids.includes(id)) return state;
  return { version: 1, ids: state.ids.filter((other) => other !== id) };
}

/**
 * Turns any stored value into a valid state, keeping the newest valid,
 * distinct ids in order. Never throws (C8).
 */
export function migrateRecents(stored: unknown): RecentsState {
  try {
    const current = recentsStateSchema.safeParse(stored);
    if (current.success) return current.data;
    return { version: 1, ids: salvageIds(storedIdList(stored), MAX_RECENTS) };
  } catch {
    // Only objects that were never JSON (throwing getters, revoked proxies)
    // get here; starting empty beats failing to open the launcher.
    return emptyRecents();
  }
}
