/**
 * How the popup's launcher state starts and is replaced (issue 15):
 * - {@link initialLauncherState}: the first-screen snapshot from
 *   `localStorage`, read synchronously so the first frame has tiles
 *   (utils/catalog/first-screen.ts, which also holds the owner rule);
 * - {@link mergeAnswer}: a new answer that carries the catalog already shown
 *   (same `catalogVersion`) keeps the shown array, and an answer equal to
 *   what is shown keeps the state object itself, so nothing renders again;
 * - {@link rememberFirstScreen}: stores the first tiles, in display order,
 *   for the next popup;
 * - {@link resolveAnswer}: an answer that carries only what changed from the
 *   catalog the popup holds (`catalogDelta`) gets its apps back
 *   (utils/catalog/catalog-delta.ts);
 * - {@link afterFirstPaint}: when the first frame is out.
 */
import { browser } from 'wxt/browser';
import type { PortalApp } from '../../contract/schemas.ts';
import { applyCatalogDelta } from '../../utils/catalog/catalog-delta.ts';
import {
  clearFirstScreen,
  FIRST_SCREEN_TILES,
  ownerFromAddress,
  readFirstScreen,
  writeFirstScreen,
} from '../../utils/catalog/first-screen.ts';
import type { LauncherState } from '../../utils/messaging.ts';
import { buildSections } from './sections.ts';

/**
 * Resolves once the first frame is out: the task after the next animation frame (which runs just
 * before that frame's paint), or after 100 ms in a page that draws no frames (a background tab).
 */
export function afterFirstPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
}

/** The first screen stored for the person the popup's address names, or null. */
export function initialLauncherState(): LauncherState | null {
  return readFirstScreen(ownerFromAddress(location.search), browser.i18n.getUILanguage());
}

function withoutApps(state: LauncherState): string {
  return JSON.stringify({ ...state, apps: null });
}

/**
 * `next`, keeping what is already shown where it is the same: the apps array
 * when the catalog version matches, the whole state when nothing changed.
 */
export function mergeAnswer(current: LauncherState | null, next: LauncherState): LauncherState {
  if (
    !current?.apps ||
    !next.apps ||
    !next.catalogVersion ||
    current.catalogVersion !== next.catalogVersion
  ) {
    return next;
  }
  if (withoutApps(current) === withoutApps(next)) return current;
  return { ...next, apps: current.apps };
}

/** The first tiles of `state` in display order (sections as the view builds them). */
export function firstScreenApps(state: LauncherState): PortalApp[] {
  const first: PortalApp[] = [];
  const sections = buildSections({
    apps: state.apps ?? [],
    favorites: state.launcher?.prefs.favorites ?? [],
    recents: state.launcher?.prefs.recents ?? [],
    adminPinned: state.launcher?.pinnedApps ?? [],
  });
  for (const section of sections) {
    for (const app of section.apps) {
      if (first.length >= FIRST_SCREEN_TILES) return first;
      first.push(app);
    }
  }
  return first;
}

/**
 * Stores the first screen of a signed-in state for the next popup, or deletes it once signed out.
 * Only a popup whose address names the state's owner (`addressOwner`) stores it: one opened at an
 * address that names nobody or someone else (an address from before a change of person) leaves the
 * first screen to the popups of the right address.
 */
export function rememberFirstScreen(
  state: LauncherState | null,
  addressOwner: string | null = ownerFromAddress(location.search),
): void {
  if (!state) return;
  if (state.status !== 'signedIn') clearFirstScreen();
  else if (state.apps && state.launcher?.owner && state.launcher.owner === addressOwner) {
    writeFirstScreen(state, firstScreenApps(state));
  }
}

/** A whole catalog the popup holds, and its version (the background's `catalogVersion`). */
export interface HeldCatalog {
  readonly version: string;
  readonly apps: readonly PortalApp[];
}

/** The catalog `state` holds whole, or null (no apps, or no version to name them by). */
export function heldCatalogOf(state: LauncherState | null): HeldCatalog | null {
  return state?.apps && state.catalogVersion ? { version: state.catalogVersion, apps: state.apps } : null;
}

/**
 * `next` with its apps, rebuilt from `held` when the background sent only what changed
 * (`catalogDelta`); null when the delta is not against `held` or does not fit it (then the popup
 * asks for the whole catalog).
 */
export function resolveAnswer(next: LauncherState, held: HeldCatalog | null): LauncherState | null {
  const { catalogDelta: delta, ...rest } = next;
  if (!delta) return next;
  if (!held || held.version !== delta.base) return null;
  const apps = applyCatalogDelta(held.apps, delta);
  return apps ? { ...rest, apps } : null;
}
