/**
 * Where the launcher's apps and profile come from, chosen once per operation
 * from the session (utils/launcher/launcher.ts `sourceFor`):
 * - ./portal-source.ts: the portal API (`/api/v1`), the normal case;
 * - ./policy-source.ts: provider-only mode, when the issuer's discovery did
 *   not advertise the portal API (`portalApi: false` in the session).
 *
 * Also the catalog cache both sources write: non-secret, per issuer and
 * subject, so the popup paints at once and works offline (C3).
 */
import type { z } from 'zod';
import type { PortalApp } from '../../contract/schemas.ts';
import { catalogVersion } from '../catalog/catalog-delta.ts';
import type { CatalogCache, StoredSession } from '../storage.ts';
import type { CatalogStore, Log } from './ports.ts';

/** A problem the popup shows beside the apps (`appsProblem`). */
export interface CatalogProblem {
  code: string;
  message: string;
}

/** The apps to show, and why the list is empty when that needs explaining. */
export interface CatalogListing {
  apps: PortalApp[] | null;
  problem: CatalogProblem | null;
}

/** One catalog origin, bound to one session and the settings of one operation. */
export interface CatalogSource {
  /** Whether the issuer has the portal API (the popup's `capabilities`). */
  readonly portalApi: boolean;
  /** Reads apps and profile afresh and caches them. */
  fetch(): Promise<CatalogCache>;
  /** What the popup lists, given the cache (null when there is none). */
  listing(cache: CatalogCache | null): CatalogListing;
  /** The app with this id, if the person may open it; refused otherwise (A9: `launch_refused`). */
  findApp(appId: string): Promise<PortalApp>;
  /**
   * Where the app opens, before the A9 scheme check. Throws
   * `StepUpRequiredError` when the app needs a fresher second factor.
   */
  launchUrl(appId: string): Promise<string>;
  /** Whether a step-up for an app may name it to the portal's page (`launch_app`). */
  readonly namesAppsToPortal: boolean;
  /** One account request (utils/portal/account-api.ts builds on it). */
  request<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T>;
}

/** The catalog cache, read for one session and written without failing the operation. */
export interface CatalogCacheAccess {
  /** The cached catalog when it belongs to this session's issuer and subject. */
  forSession(stored: StoredSession): Promise<CatalogCache | null>;
  /** A cached app by id, whoever's cache it is (names in notices only). */
  app(appId: string): Promise<PortalApp | null>;
  /**
   * Writes the cache with its catalog version and answers the record as written; a failure is
   * logged, not thrown (the fresh catalog is still used).
   */
  save(cache: CatalogCache): Promise<CatalogCache>;
}

/** The cache over a {@link CatalogStore}; read failures count as "no cache". */
export function createCatalogCache(store: CatalogStore, log: Log): CatalogCacheAccess {
  return {
    async forSession(stored) {
      const cache = await store.get().catch(() => null);
      return cache && cache.issuer === stored.issuer && cache.sub === stored.user.sub ? cache : null;
    },
    async app(appId) {
      const cache = await store.get().catch(() => null);
      return cache?.apps.find((app) => app.id === appId) ?? null;
    },
    async save(cache) {
      const record = { ...cache, version: await catalogVersion(cache.apps) };
      await store.set(record).catch((error: unknown) => log(`catalog cache not saved: ${String(error)}`));
      return record;
    },
  };
}

/** Whether two reads of the catalog show the same apps and profile (when they were read aside). */
export function sameCatalog(a: CatalogCache | null, b: CatalogCache | null): boolean {
  if (!a || !b) return a === b;
  // Both versioned (stored by this release): the versions stand for the apps, no serialising them.
  if (a.version && b.version) {
    return (
      a.issuer === b.issuer &&
      a.sub === b.sub &&
      a.version === b.version &&
      JSON.stringify(a.me) === JSON.stringify(b.me)
    );
  }
  // Both went through the same schemas (fresh answers are parsed, the cache is parsed on read).
  const view = (c: CatalogCache) => JSON.stringify([c.issuer, c.sub, c.apps, c.me]);
  return view(a) === view(b);
}
