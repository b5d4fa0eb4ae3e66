/**
 * Lays out the launcher: admin-pinned apps, the person's favorites, recent
 * apps, then everything else. Pure; ids that are no longer assigned to the
 * person (the catalog changed since they were stored) are dropped here, so
 * the stored lists can stay as they are until the next write.
 */
import type { PortalApp } from '../../contract/schemas.ts';

/** Input of {@link arrangeCatalog}. */
export interface ArrangeCatalogInput {
  /** The assigned apps, in catalog order. */
  readonly apps: readonly PortalApp[];
  /** The person's favorites, in their order. */
  readonly favorites: readonly string[];
  /** Recently launched ids, newest first. */
  readonly recents: readonly string[];
  /** Ids pinned by policy, in policy order. */
  readonly adminPinned: readonly string[];
}

/** The launcher's sections. Every assigned app appears in exactly one. */
export interface ArrangedCatalog {
  readonly pinned: PortalApp[];
  readonly favorites: PortalApp[];
  /** Recently launched apps that are not already pinned or favorites. */
  readonly recents: PortalApp[];
  /** The remaining apps, in catalog order. */
  readonly rest: PortalApp[];
}

/** Splits the catalog into the launcher's sections. */
export function arrangeCatalog({
  apps,
  favorites,
  recents,
  adminPinned,
}: ArrangeCatalogInput): ArrangedCatalog {
  const byId = new Map<string, PortalApp>();
  for (const app of apps) if (!byId.has(app.id)) byId.set(app.id, app);
  const placed = new Set<string>();
  const take = (ids: readonly string[]): PortalApp[] => {
    const section: PortalApp[] = [];
    for (const id of ids) {
      const app = byId.get(id);
      if (!app || placed.has(id)) continue;
      placed.add(id);
      section.push(app);
    }
    return section;
  };
  const pinned = take(adminPinned);
  const favoriteApps = take(favorites);
  const recentApps = take(recents);
  const rest = apps.filter((app) => !placed.has(app.id) && byId.get(app.id) === app);
  return { pinned, favorites: favoriteApps, recents: recentApps, rest };
}
