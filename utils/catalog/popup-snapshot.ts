/**
 * The popup's instant paint: the launcher state rebuilt from what the
 * background stored, without waiting for the background to answer.
 *
 * Why: profiling the popup with 1,000 cached apps (bench/popup.ts, Chromium
 * tracing) showed the `getState` round trip (the worker reading and
 * validating the catalog, then the answer crossing to the page) on the
 * critical path before anything could be drawn, and a worker that has gone
 * idle must first start. The popup now reads the two non-secret items itself,
 * in parallel with asking the background, and paints whichever comes first;
 * the background's answer then replaces it.
 *
 * Contract (who may call what):
 * - The background writes the snapshot ({@link snapshotFromState}, through
 *   `popupSnapshotItem` in utils/storage.ts) whenever it builds a state for
 *   the popup or a preference changes; it is cleared with the session.
 * - The popup calls {@link readCachedLauncherState}. It answers a state only
 *   when the snapshot (who is signed in) and the IndexedDB catalog cache
 *   belong to the same issuer and subject: another person's or another
 *   portal's cache is never shown (issue 4, C3). Anything unexpected answers
 *   null and the popup simply waits for the background.
 *
 * This module must not import zod or utils/storage.ts: it is part of the
 * popup bundle (size budget, tests/unit/bundle-size.test.ts). It finds both
 * items at the locations the registry declares them with
 * (utils/storage-locations.ts) and reads them raw: the background validated
 * them when it wrote them.
 */
import { browser } from 'wxt/browser';
import type { PortalApp } from '../../contract/schemas.ts';
import type { LauncherState } from '../messaging.ts';
import { readRaw, STORAGE_LOCATIONS, unwrapStored } from '../storage-locations.ts';

const { popupSnapshot: SNAPSHOT, catalogCache: CATALOG, stateChanged: STATE_CHANGED } = STORAGE_LOCATIONS;

/**
 * The launcher state as the snapshot keeps it: everything but the problem and the notice, and the
 * apps only when they do not come from the catalog cache (provider-only mode: the policy's list).
 */
export type SnapshotState = Omit<LauncherState, 'apps' | 'appsProblem' | 'notice'> & {
  apps?: LauncherState['apps'];
};

/** What the background stores: who is signed in, and the state without apps. */
export interface PopupSnapshot {
  issuer: string;
  sub: string;
  state: SnapshotState;
}

/**
 * The snapshot of a signed-in state, or null when there is nothing to paint
 * early (signed out, unconfigured, or no owner).
 */
export function snapshotFromState(
  state: LauncherState,
  owner: { issuer: string; sub: string } | null,
): PopupSnapshot | null {
  if (state.status !== 'signedIn' || !owner || !state.user) return null;
  const { apps, appsProblem: _problem, notice: _notice, ...rest } = state;
  // Without the portal API the apps are the policy's (a short list), not the IndexedDB cache's.
  const fromPolicy = state.capabilities?.portalApi === false;
  return { issuer: owner.issuer, sub: owner.sub, state: fromPolicy ? { ...rest, apps } : rest };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record inside a stored item's `{ version, value }` envelope, if it is the version it is written with. */
function unwrap(location: typeof SNAPSHOT | typeof CATALOG, raw: unknown): Record<string, unknown> | null {
  const value = unwrapStored(location, raw);
  return isRecord(value) ? value : null;
}

function looksLikeApp(value: unknown): value is PortalApp {
  return isRecord(value) && typeof value.id === 'string' && typeof value.name === 'string';
}

/**
 * Combines the raw stored snapshot and the raw catalog cache into a state
 * the popup can render, or null when they are missing, malformed, or belong
 * to different people or portals.
 */
export function cachedLauncherState(snapshotRaw: unknown, catalogRaw: unknown): LauncherState | null {
  const snapshot = unwrap(SNAPSHOT, snapshotRaw);
  if (!snapshot || typeof snapshot.issuer !== 'string' || typeof snapshot.sub !== 'string') return null;
  const state = snapshot.state;
  if (!isRecord(state) || state.status !== 'signedIn' || !isRecord(state.user)) return null;
  let apps: unknown;
  // The version of the apps painted: the snapshot's for its own (policy) list, the cache record's
  // for the catalog (the snapshot may be a moment older than the cache), none when it has none.
  let version: unknown = state.catalogVersion;
  if (isRecord(state.capabilities) && state.capabilities.portalApi === false) {
    apps = state.apps;
  } else {
    const catalog = unwrap(CATALOG, catalogRaw);
    // The cache is keyed by issuer + subject: a cache left by someone else is never painted.
    if (!catalog || catalog.issuer !== snapshot.issuer || catalog.sub !== snapshot.sub) return null;
    apps = catalog.apps;
    version = catalog.version;
  }
  if (!Array.isArray(apps) || !apps.every(looksLikeApp)) return null;
  const { catalogVersion: _stale, ...rest } = state as SnapshotState;
  return {
    ...rest,
    apps,
    appsProblem: null,
    notice: null,
    ...(typeof version === 'string' ? { catalogVersion: version } : {}),
  };
}

/**
 * Calls `onChange` whenever the background says it changed the launcher state
 * on its own (a policy arrived, an identity change signed the user out), so an
 * open popup does not go on showing a state that is gone. Returns the unsubscribe.
 */
export function watchBackgroundState(onChange: () => void): () => void {
  const listener = (changes: Record<string, unknown>, area: string) => {
    if (area === STATE_CHANGED.area && Object.hasOwn(changes, STATE_CHANGED.key)) onChange();
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}

/**
 * Reads the snapshot (`storage.session`) and the catalog cache (IndexedDB)
 * in parallel and combines them; never throws.
 */
export async function readCachedLauncherState(): Promise<LauncherState | null> {
  try {
    const [snapshot, catalog] = await Promise.all([
      readRaw(SNAPSHOT.area, SNAPSHOT.key),
      readRaw(CATALOG.area, CATALOG.key),
    ]);
    return cachedLauncherState(snapshot, catalog);
  } catch {
    return null;
  }
}
