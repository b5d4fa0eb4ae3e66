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
import type * as z from 'zod/mini';
import type { PortalApp } from '../../contract/schemas.ts';
import { catalogVersion } from '../catalog/catalog-delta.ts';
import type { CatalogCache, CatalogSummary, StoredSession } from '../storage.ts';
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
  request<T>(method: string, path: string, schema: z.core.$ZodType<T>, body?: unknown): Promise<T>;
}

/** The catalog cache, read for one session and written without failing the operation. */
export interface CatalogCacheAccess {
  /** The cached catalog when it belongs to this session's issuer and subject. */
  forSession(stored: StoredSession): Promise<CatalogCache | null>;
  /**
   * The cached catalog's summary (owner, version, profile; no apps), so a page that holds that
   * version is answered without reading the catalog (issue 15); whose it is, {@link ownedBy} says.
   * Null when there is none yet, e.g. a catalog stored before summaries existed: the next full read
   * ({@link forSession}) writes it.
   */
  summary(): Promise<CatalogSummary | null>;
  /** A cached app by id, whoever's cache it is (names in notices only). */
  app(appId: string): Promise<PortalApp | null>;
  /**
   * Writes the cache with its catalog version and answers the record as written; a failure is
   * logged, not thrown (the fresh catalog is still used).
   */
  save(cache: CatalogCache): Promise<CatalogCache>;
}

/** The summary of a versioned catalog record: what a page holding that catalog is answered from. */
export function summaryOf(cache: CatalogCache): CatalogSummary | null {
  if (!cache.version) return null;
  const me = cache.me && {
    displayName: cache.me.displayName,
    email: cache.me.email,
    initials: cache.me.initials,
    jobTitle: cache.me.jobTitle,
  };
  return { issuer: cache.issuer, sub: cache.sub, version: cache.version, me };
}

/** Whether a cached record (catalog or summary) is this session's: same issuer and subject. */
export const ownedBy = (record: { issuer: string; sub: string }, stored: StoredSession) =>
  record.issuer === stored.issuer && record.sub === stored.user.sub;

/** Whether two summaries say the same (the stored one went through its schema: key order may differ). */
function sameSummary(a: CatalogSummary | null, b: CatalogSummary): boolean {
  const line = (s: CatalogSummary) =>
    JSON.stringify([
      s.issuer,
      s.sub,
      s.version,
      s.me && [s.me.displayName, s.me.email, s.me.initials, s.me.jobTitle],
    ]);
  return a !== null && line(a) === line(b);
}

/**
 * The cache over a {@link CatalogStore}; read failures count as "no cache". The summary never names
 * a catalog the store does not hold: every write (catalog and summary) goes through one queue; a
 * changed catalog is written only after the old summary was removed (else not at all); a summary of
 * a record read before a catalog write is dropped, and one that landed when its catalog was gone
 * (sign-out or identity change cleared the storage meanwhile) is removed again. An unchanged summary
 * is neither removed nor written again.
 */
export function createCatalogCache(store: CatalogStore, log: Log): CatalogCacheAccess {
  let writes: Promise<void> = Promise.resolve();
  /** Counts catalog writes (at their start and end): a summary of a record read before one is dropped. */
  let catalogWrites = 0;
  const queue = (task: () => Promise<void>) => {
    const queued = writes.then(task);
    writes = queued;
    return queued;
  };
  const storedSummary = () => store.summary.get().catch(() => null);
  /** Whether the store holds the catalog this summary sums up (a failed read: not known, so no). */
  const holds = async (summary: CatalogSummary) => {
    const current = await store.get().catch(() => null);
    return current !== null && sameSummary(summaryOf(current), summary);
  };
  const putSummary = async (summary: CatalogSummary) => {
    try {
      await store.summary.set(summary);
      if (!(await holds(summary))) await store.summary.remove();
    } catch (error) {
      log(`catalog summary not written: ${String(error)}`);
    }
  };
  return {
    async forSession(stored) {
      const before = catalogWrites;
      const cache = await store.get().catch(() => null);
      if (!cache || !ownedBy(cache, stored)) return null;
      // A catalog stored before summaries (or by a lost write): summarise it, unless a catalog was
      // written since it was read (that write summarised its own).
      const summary = summaryOf(cache);
      if (summary) {
        void queue(async () => {
          if (catalogWrites !== before || sameSummary(await storedSummary(), summary)) return;
          await putSummary(summary);
        });
      }
      return cache;
    },
    async summary() {
      await writes;
      return storedSummary();
    },
    async app(appId) {
      const cache = await store.get().catch(() => null);
      return cache?.apps.find((app) => app.id === appId) ?? null;
    },
    async save(cache) {
      const record = { ...cache, version: await catalogVersion(cache.apps) };
      const summary = summaryOf(record) as CatalogSummary;
      await queue(async () => {
        // Same version and profile line as the stored summary: the summary stays as it is.
        const unchanged = sameSummary(await storedSummary(), summary);
        if (!unchanged) {
          try {
            await store.summary.remove();
          } catch (error) {
            // The old summary would call the old catalog current: keep that catalog instead.
            log(`catalog cache not saved (its old summary could not be removed): ${String(error)}`);
            return;
          }
        }
        catalogWrites += 1;
        try {
          await store.set(record);
        } catch (error) {
          log(`catalog cache not saved: ${String(error)}`);
          return;
        } finally {
          catalogWrites += 1;
        }
        if (!unchanged) await putSummary(summary);
      });
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
