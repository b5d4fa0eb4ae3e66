/**
 * Provider-only mode: the issuer is a plain OpenID provider without the
 * portal API (its discovery did not advertise it, so the session says
 * `portalApi: false`). Apps come from the policy's `apps` list, the profile
 * from the OpenID claims, and a launch opens the policy app's URL. Nothing is
 * sent to `/api/v1` in this mode.
 *
 * Contract: the app list, lookups and launches read the policy of the current
 * operation, never a cache, so an app the admin removed can no longer be
 * opened and a policy change shows at once.
 */
import * as z from 'zod/mini';
import type { Me } from '../../contract/schemas.ts';
import { AuthError, isAuthError } from '../auth/errors.ts';
import type { OidcClient } from '../auth/oidc.ts';
import { catalogAppsFromPolicy, claimsFromIdToken, profileFromClaims } from '../auth/provider-profile.ts';
import { appRequirement, assuranceRuleFor, isAuthenticationSufficient } from '../auth/step-up.ts';
import { PortalApiError, StepUpRequiredError } from '../portal/api-client.ts';
import type { CatalogCache, StoredSession } from '../storage.ts';
import type { CatalogCacheAccess, CatalogSource } from './catalog-source.ts';
import type { LauncherSettings, Log } from './ports.ts';

export interface PolicySourceOptions {
  stored: StoredSession;
  settings: LauncherSettings;
  /** The OIDC client of the session's issuer (for userinfo). */
  oidc: OidcClient;
  getAccessToken(): Promise<string>;
  cache: CatalogCacheAccess;
  now: () => number;
  log: Log;
}

/** The policy list and the OpenID claims as a {@link CatalogSource}. */
export function createPolicySource(options: PolicySourceOptions): CatalogSource {
  const { stored, settings, cache, now } = options;
  const policyApps = () => catalogAppsFromPolicy(settings.apps);

  /**
   * Apps from policy, profile from userinfo (falling back to the ID token's
   * claims when there is no userinfo endpoint or it fails; only a refused
   * session is an error).
   */
  async function fetch(): Promise<CatalogCache> {
    let me: Me | null = null;
    try {
      const claims = await options.oidc.userInfo(await options.getAccessToken(), stored.user.sub);
      me = profileFromClaims(claims ?? claimsFromIdToken(stored.user));
    } catch (error) {
      if (isAuthError(error, 'signed_out')) throw error;
      options.log(
        `profile not read from userinfo: ${error instanceof Error ? error.message : 'unknown error'}`,
      );
      me = (await cache.forSession(stored))?.me ?? profileFromClaims(claimsFromIdToken(stored.user));
    }
    const fresh: CatalogCache = {
      issuer: stored.issuer,
      sub: stored.user.sub,
      apps: policyApps(),
      me,
      fetchedAt: now(),
    };
    return cache.save(fresh);
  }

  return {
    portalApi: false,
    namesAppsToPortal: false,
    fetch,
    // The policy's list as it is now (a policy change shows at once), and why it is empty.
    listing: () => ({
      apps: policyApps(),
      problem:
        settings.apps.length === 0
          ? {
              code: 'no_policy_apps',
              message:
                'Your identity provider has no app list for Portal Launcher, and your administrator has not set up any apps. Ask your administrator.',
            }
          : null,
    }),
    async findApp(appId) {
      const listed = policyApps().find((app) => app.id === appId);
      if (listed) return listed;
      throw new AuthError(
        'launch_refused',
        'This app is not in the list your administrator set up. Refresh the list, or ask your administrator.',
      );
    },
    /**
     * The policy app's `url` (the policy schema already refused anything but
     * https or loopback http; the launcher checks it again, A9).
     */
    async launchUrl(appId) {
      const listed = settings.apps.find((app) => app.id === appId);
      if (!listed) {
        throw new AuthError(
          'launch_refused',
          'This app is no longer in the list your administrator set up, so it was not opened.',
        );
      }
      // A4: no portal checks the launch here, so the launcher does, for every app it opens: one that
      // joined another app's step-up tab may need a fresher second factor than that step-up proved.
      if (listed.requiresMfa) {
        const rule = assuranceRuleFor(settings, stored.issuer);
        const requirement = appRequirement(settings, rule, listed);
        if (!isAuthenticationSufficient(stored.authentication, requirement, rule, now())) {
          throw new StepUpRequiredError(requirement);
        }
      }
      return listed.url;
    },
    /** `GET /me` is answered from the OpenID claims (read-only); everything else is refused unsent. */
    async request(method, path, schema) {
      if (method === 'GET' && path === '/me') {
        const me = (await cache.forSession(stored))?.me ?? (await fetch()).me;
        if (me) return z.parse(schema, me);
        throw new PortalApiError(
          'not_found',
          'Your identity provider shares no profile with Portal Launcher. See your profile at your provider.',
          { status: 404 },
        );
      }
      throw new PortalApiError(
        'not_found',
        'Your identity provider has no portal API, so this cannot be done in Portal Launcher. Use your provider’s own account pages.',
        { status: 404 },
      );
    },
  };
}
