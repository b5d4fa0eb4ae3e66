/**
 * The catalog as a change to the one a page already holds (issue 15): the
 * popup reads the whole catalog (1,000 apps with their icons are about
 * 600 KiB) from the extension's own cache, so the background's `getState`
 * answer names the popup's catalog version and carries only what differs,
 * or nothing when the popup's catalog is current. The catalog and its icons
 * then stay off the message channel, where a stopped worker paid for them
 * (validating, copying) before its first answer.
 *
 * Contract:
 * - background: {@link createCatalogMemory} remembers the last catalogs it
 *   answered by version (memory only; a restarted worker answers whole until
 *   it has read one), and {@link answerForPage} turns a full answer into a
 *   delta against the version the page says it holds;
 * - page: {@link applyCatalogDelta} rebuilds the catalog, or answers null when
 *   the delta does not fit what it holds (then it asks for the whole catalog).
 * Types only from the message protocol: this module is in the popup bundle (no zod).
 */
import type { PortalApp } from '../../contract/schemas.ts';
import type { LauncherState } from '../messaging.ts';

export type CatalogDelta = NonNullable<LauncherState['catalogDelta']>;

/** The first `length` hex digits of the SHA-256 of `text`. */
export async function sha256Hex(text: string, length: number): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex.slice(0, length);
}

/**
 * A digest of the apps as the popup receives them: equal for an unchanged catalog. It costs a
 * serialisation of the whole catalog (icons included: tens of milliseconds for 1,000 apps in a
 * just-started worker), so the background computes it once, when it stores the catalog, and keeps
 * it in the cache record (utils/launcher/catalog-source.ts).
 */
export function catalogVersion(apps: readonly unknown[]): Promise<string> {
  return sha256Hex(JSON.stringify(apps), 24);
}

/** Versions remembered: the one the popup read from the cache and the one a refresh brought. */
const REMEMBERED = 2;

/** The delta from `base` (version `baseVersion`) to `next`. */
export function catalogDeltaFrom(
  baseVersion: string,
  base: readonly PortalApp[],
  next: readonly PortalApp[],
): CatalogDelta {
  const before = new Map(base.map((app) => [app.id, JSON.stringify(app)]));
  const changed = next.filter((app) => before.get(app.id) !== JSON.stringify(app));
  const sameOrder = base.length === next.length && next.every((app, index) => base[index]?.id === app.id);
  return { base: baseVersion, order: sameOrder ? null : next.map((app) => app.id), changed };
}

/** The catalog `delta` makes of `base`, or null when `base` lacks an app the delta keeps. */
export function applyCatalogDelta(base: readonly PortalApp[], delta: CatalogDelta): PortalApp[] | null {
  if (delta.order === null && delta.changed.length === 0) return [...base];
  const byId = new Map(base.map((app) => [app.id, app]));
  for (const app of delta.changed) byId.set(app.id, app);
  const order = delta.order ?? base.map((app) => app.id);
  const apps: PortalApp[] = [];
  for (const id of order) {
    const app = byId.get(id);
    if (!app) return null;
    apps.push(app);
  }
  return apps;
}

export function createCatalogMemory() {
  const catalogs = new Map<string, readonly PortalApp[]>();
  return {
    /**
     * `state` for a page that holds the catalog `known`: `apps` null and a
     * `catalogDelta` when this memory has `known` (the catalog is remembered
     * either way) or `state` has no apps for that very version, else `state` itself.
     */
    answerForPage(state: LauncherState, known: string | undefined): LauncherState {
      const version = state.catalogVersion;
      if (!version) return state;
      const unchanged: CatalogDelta = { base: version, order: null, changed: [] };
      // The launcher left the apps out: the page holds this version (utils/launcher/launcher.ts).
      if (!state.apps) return known === version ? { ...state, catalogDelta: unchanged } : state;
      catalogs.delete(version);
      catalogs.set(version, state.apps);
      while (catalogs.size > REMEMBERED) catalogs.delete(catalogs.keys().next().value as string);
      // The usual case, the page holds the current catalog: nothing to compare app by app.
      if (known === version) return { ...state, apps: null, catalogDelta: unchanged };
      const base = known === undefined ? undefined : catalogs.get(known);
      if (!known || !base) return state;
      return { ...state, apps: null, catalogDelta: catalogDeltaFrom(known, base, state.apps) };
    },
  };
}
