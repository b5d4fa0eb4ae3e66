/**
 * The catalog from the portal API: `GET /me/apps` and `GET /me`, launches
 * through `POST /apps/{id}/launch` (a one-time URL) except bookmarks (their
 * own link), account requests passed through.
 */

import { AuthError } from '../auth/errors.ts';
import type { PortalApi } from '../portal/api-client.ts';
import type { CatalogCache, StoredSession } from '../storage.ts';
import type { CatalogCacheAccess, CatalogSource } from './catalog-source.ts';

export interface PortalSourceOptions {
  stored: StoredSession;
  /** The API client for the session's issuer, with its tokens. */
  api: PortalApi;
  cache: CatalogCacheAccess;
  now: () => number;
}

/** The portal API as a {@link CatalogSource}. */
export function createPortalSource({ stored, api, cache, now }: PortalSourceOptions): CatalogSource {
  async function fetch(): Promise<CatalogCache> {
    // The profile is a nice-to-have: a failing `/me` keeps the apps.
    const [apps, me] = await Promise.allSettled([api.getApps(), api.getMe()]);
    if (apps.status === 'rejected') throw apps.reason;
    const fresh: CatalogCache = {
      issuer: stored.issuer,
      sub: stored.user.sub,
      apps: apps.value.apps,
      me: me.status === 'fulfilled' ? me.value : null,
      fetchedAt: now(),
    };
    return cache.save(fresh);
  }

  return {
    portalApi: true,
    namesAppsToPortal: true,
    fetch,
    listing: (cached) => ({ apps: cached?.apps ?? null, problem: null }),
    /** From the cache, else a fresh catalog; the portal checks the assignment again at launch. */
    async findApp(appId) {
      const cached = (await cache.forSession(stored))?.apps.find((app) => app.id === appId);
      if (cached) return cached;
      const fresh = (await fetch()).apps.find((app) => app.id === appId);
      if (fresh) return fresh;
      throw new AuthError(
        'launch_refused',
        'This app is not assigned to you. Refresh the list, or ask your administrator.',
      );
    },
    /** A bookmark opens its own link (no ticket, no token); every other kind asks the portal. */
    async launchUrl(appId) {
      const listed = (await cache.forSession(stored))?.apps.find((app) => app.id === appId);
      if (listed?.kind === 'bookmark' && listed.url) return listed.url;
      return (await api.launch(appId)).url;
    },
    request: (method, path, schema, body) => api.request(method, path, schema, body),
  };
}
