/**
 * The popup's first screen in its first frame (issue 15): a small snapshot of
 * the signed-in launcher (the first {@link FIRST_SCREEN_TILES} tiles in
 * display order with their names, colours and icons, the brand, favorites
 * order and the account card; nothing secret, no token) kept in the
 * extension's `localStorage`, the one store a page reads synchronously. The
 * popup renders it before any asynchronous read, then replaces it with the
 * catalog cache and the background's answer.
 *
 * A catalog of at most {@link FIRST_SCREEN_TILES} apps is kept whole, with
 * its `catalogVersion`; a larger one only as its first tiles, without a
 * version (the popup must not take them for the whole catalog).
 *
 * Owner rule: a snapshot is stored under the owner marker the background put
 * in the state (`launcher.owner`) and painted only when the popup's address
 * names the same marker (`?owner=`, set by the background for the signed-in
 * person, ./first-screen-owner.ts). No marker in the address (nobody signed
 * in) or another one: the snapshot is deleted unread. The popup also deletes
 * it when the background says nobody is signed in.
 *
 * Contract: popup only; no zod (bundle size). Never throws: anything
 * unexpected (no `localStorage`, quota, malformed JSON) means no early paint.
 */
import type { PortalApp } from '../../contract/schemas.ts';
import type { LauncherState } from '../messaging.ts';

/** The query parameter of the popup's address that names the owner. */
export const OWNER_PARAM = 'owner';
/** Tiles kept: more than the popup's first screen shows (grid 3 × 5, list about 12). */
export const FIRST_SCREEN_TILES = 24;
const KEY = 'portalLauncher.firstScreen';
const VERSION = 1;

interface Stored {
  version: number;
  owner: string;
  state: LauncherState;
}

/** The extension's `localStorage`, or null where there is none (a worker, a locked-down profile). */
function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The owner marker in the popup's address, or null. */
export function ownerFromAddress(search: string): string | null {
  return new URLSearchParams(search).get(OWNER_PARAM) || null;
}

function base(tag: string): string {
  return tag.toLowerCase().split(/[-_]/)[0] ?? '';
}

/**
 * The stored first screen when it belongs to `owner` (from the popup's address), else null (and
 * a snapshot of someone else, or with no owner named, is deleted).
 * `uiLanguage`: the browser's; a snapshot in another chosen language waits for its messages.
 */
export function readFirstScreen(owner: string | null, uiLanguage: string): LauncherState | null {
  const store = storage();
  if (!store) return null;
  try {
    const text = store.getItem(KEY);
    if (text === null) return null;
    const stored = JSON.parse(text) as Partial<Stored> | null;
    if (!owner || stored?.version !== VERSION || stored.owner !== owner) {
      store.removeItem(KEY);
      return null;
    }
    const state = stored.state;
    if (state?.status !== 'signedIn' || !Array.isArray(state.apps) || state.launcher?.owner !== owner)
      return null;
    const language = state.launcher.language;
    if (language && base(language) !== base(uiLanguage)) return null;
    return state;
  } catch {
    return null;
  }
}

/**
 * Stores the first screen of `state` (`firstApps`: the first tiles in display order), or deletes
 * the snapshot when `state` is not a signed-in state with an owner.
 */
export function writeFirstScreen(state: LauncherState, firstApps: readonly PortalApp[]): void {
  const store = storage();
  if (!store) return;
  try {
    const owner = state.launcher?.owner;
    if (state.status !== 'signedIn' || !owner || !state.apps) {
      store.removeItem(KEY);
      return;
    }
    const { appsProblem: _problem, notice: _notice, catalogVersion, ...rest } = state;
    // A catalog that fits is kept whole, in its own order and with its version: the popup then holds
    // the whole catalog from its first frame and an unchanged answer renders nothing again.
    const whole = Boolean(catalogVersion) && state.apps.length <= FIRST_SCREEN_TILES;
    const snapshot: Stored = {
      version: VERSION,
      owner,
      state: {
        ...rest,
        ...(whole ? { apps: state.apps, catalogVersion } : { apps: firstApps.slice(0, FIRST_SCREEN_TILES) }),
        appsProblem: null,
        notice: null,
      },
    };
    store.setItem(KEY, JSON.stringify(snapshot));
  } catch {
    // Quota or a disabled store: the next popup waits for the cache instead.
  }
}

/** Deletes the snapshot (nobody signed in). */
export function clearFirstScreen(): void {
  try {
    storage()?.removeItem(KEY);
  } catch {
    // Nothing to do.
  }
}
