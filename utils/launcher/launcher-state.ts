/**
 * The popup's view model: builds the {@link LauncherState} from what the
 * launcher read for one `getState` (settings, the last launch notice, the
 * session and its catalog). Pure; nothing token-like goes in or out (A5).
 */
import { AuthError } from '../auth/errors.ts';
import { initialsOf } from '../auth/profile.ts';
import type { LauncherState } from '../messaging.ts';
import { PortalApiError } from '../portal/api-client.ts';
import type { CatalogCache, CatalogSummary, LaunchNotice, StoredSession } from '../storage.ts';
import type { CatalogListing, CatalogProblem } from './catalog-source.ts';
import type { LauncherSettings } from './ports.ts';

/** Where the session stands, with what the signed-in state needs. */
export type SessionStanding =
  | { status: 'unconfigured' }
  | {
      status: 'signedOut';
      /** The portal ended the session (refused refresh), not the person: the popup says so. */
      sessionEnded: boolean;
      /** Why a refresh just found the session ended. */
      problem?: CatalogProblem;
    }
  | {
      status: 'signedIn';
      user: StoredSession['user'];
      /** The catalog cache of this session (fresh or cached), or null. */
      catalog: CatalogCache | null;
      /** What the catalog source lists (./catalog-source.ts). */
      listing: CatalogListing;
      /** Why the catalog could not be refreshed ({@link problemOf}), or null. */
      refreshProblem: CatalogProblem | null;
      portalApi: boolean;
    }
  | {
      status: 'signedIn';
      user: StoredSession['user'];
      /**
       * The page holds the current catalog of the portal API, summarised here: the state names its
       * version and carries no apps (issue 15).
       */
      held: CatalogSummary;
    };

/** What one `getState` read. */
export interface LauncherStateInput {
  settings: Pick<LauncherSettings, 'portalUrl' | 'portalUrlForced' | 'portalUrlRefused'>;
  /** The last launch's outcome; an `opened` one is not shown. */
  notice: LaunchNotice | null;
  session: SessionStanding;
}

/** Builds the state the popup renders. */
export function buildLauncherState({ settings, notice, session }: LauncherStateInput): LauncherState {
  const base: LauncherState = {
    status: 'unconfigured',
    portalUrl: settings.portalUrl,
    portalUrlForced: settings.portalUrlForced,
    ...(settings.portalUrlRefused ? { portalUrlRefused: true } : {}),
    user: null,
    apps: null,
    appsProblem: null,
    notice,
  };
  if (session.status === 'unconfigured') return base;
  if (session.status === 'signedOut') {
    return {
      ...base,
      status: 'signedOut',
      ...(session.sessionEnded ? { sessionEnded: true } : {}),
      ...(session.problem ? { appsProblem: session.problem } : {}),
    };
  }
  if ('held' in session) {
    const { held } = session;
    return {
      ...base,
      status: 'signedIn',
      user: userOf(session.user, held.me),
      apps: null,
      catalogVersion: held.version,
      capabilities: { portalApi: true },
    };
  }
  const { catalog } = session;
  return {
    ...base,
    status: 'signedIn',
    // The job title too, from the cache already read, so the popup's answer needs no second catalog read.
    user: userOf(session.user, catalog?.me ?? null),
    apps: session.listing.apps,
    // The version stored with the catalog, when the list is that catalog (the portal's; not the policy's).
    ...(catalog?.version && session.listing.apps === catalog.apps ? { catalogVersion: catalog.version } : {}),
    // A failed refresh says more than an empty list's explanation.
    appsProblem: session.refreshProblem ?? session.listing.problem,
    capabilities: { portalApi: session.portalApi },
  };
}

/** The popup's account line: the portal's profile when the catalog has one, else the sign-in claims. */
function userOf(user: StoredSession['user'], me: CatalogSummary['me']): NonNullable<LauncherState['user']> {
  const name = me?.displayName ?? user.name ?? user.email ?? 'Signed in';
  return {
    name,
    email: me?.email ?? user.email,
    initials: me?.initials || initialsOf(name),
    jobTitle: me?.jobTitle ?? null,
  };
}

/** An error as the popup's `appsProblem`: expected errors keep their code; others get a generic one. */
export function problemOf(error: unknown): CatalogProblem {
  if (error instanceof AuthError || error instanceof PortalApiError)
    return { code: error.code, message: error.message };
  return { code: 'internal', message: 'The app list could not be loaded. Try again.' };
}
