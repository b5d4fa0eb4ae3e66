/**
 * The background's single stateful service: sign-in, sign-out, app launch
 * with step-up, and the pending flows that tie a browser tab to them. This
 * module composes the parts and reads the settings once per operation:
 *
 * - ./flow-store.ts: pending flows, saved before their tab opens (C1), at
 *   most ten minutes old (C1, C5);
 * - ./sign-in.ts: sign-in, sign-out, the session's owner (A11, A12);
 * - ./step-up-runner.ts: the one step-up for launches and account changes;
 * - ./callback.ts: the redirect that ends a sign-in, step-up or sign-out;
 * - ./launch.ts: launches by app id (A9), shared step-up tabs (C6);
 * - ./portal-source.ts, ./policy-source.ts: where apps come from, chosen
 *   once from the session ({@link sourceFor});
 * - ./launcher-state.ts: what the popup shows.
 *
 * Contract:
 * - Only the background creates it; pages reach it through utils/messaging.ts.
 * - A launch names an app id (A9); the URL comes from the portal's launch
 *   answer and is opened only when `https:` (or loopback `http:`).
 * - Every flow is saved to `storage.session` BEFORE its tab opens, and its
 *   completion is driven by that saved record, so a service worker killed
 *   mid-flow finishes it when the tab comes back (C1). Flows older than ten
 *   minutes are discarded and cancelled (C1, C5).
 * - Concurrent launches that need a step-up share one tab; each app opens
 *   exactly once; a repeated click on an app being launched joins it (C6).
 * - Closing the step-up tab cancels its launches (C5).
 * - Expected failures are {@link AuthError}s with a code the popup renders.
 * - Provider-only mode: when the issuer's discovery does not advertise the
 *   portal API, the session records it (`portalApi: false`); apps then come
 *   from the policy list, the profile from the OpenID claims, and a launch
 *   opens the policy app's URL (after the same step-up when the app needs
 *   MFA). Nothing is sent to `/api/v1` in that mode.
 */
import type * as z from 'zod/mini';
import { AuthError, isAuthError } from '../auth/errors.ts';
import { createOidcClient, type OidcClient } from '../auth/oidc.ts';
import { createSessionManager } from '../auth/session.ts';
import type { LauncherState, LaunchResult } from '../messaging.ts';
import { normalizePortalUrl } from '../portal/address.ts';
import { createPortalApi, type PortalApi } from '../portal/api-client.ts';
import { portalAnswers } from '../portal/probe.ts';
import {
  catalogCacheItem,
  catalogSummaryItem,
  clearStoredItems,
  launchNoticeItem,
  type PendingFlow,
  type StoredSession,
  sessionEndedItem,
} from '../storage.ts';
import { createCallbackHandler } from './callback.ts';
import {
  type CatalogProblem,
  type CatalogSource,
  createCatalogCache,
  ownedBy,
  sameCatalog,
} from './catalog-source.ts';
import { createFlowStore } from './flow-store.ts';
import { createLaunches } from './launch.ts';
import { buildLauncherState, problemOf, type SessionStanding } from './launcher-state.ts';
import { createPolicySource } from './policy-source.ts';
import { createPortalSource } from './portal-source.ts';
import type { CatalogStore, LauncherSettings, Log, SessionTokens, SettingsPort, TabsPort } from './ports.ts';
import { createSignIn } from './sign-in.ts';
import { createStepUpRunner } from './step-up-runner.ts';

export interface LauncherOptions {
  tabs: TabsPort;
  settings: SettingsPort;
  redirectUri: string;
  postLogoutRedirectUri: string;
  now?: () => number;
  fetch?: typeof fetch;
  catalog?: CatalogStore;
  /** Override for tests. */
  oidcFor?: (issuer: string, clientId: string) => OidcClient;
  /** Override for tests. */
  apiFor?: (issuer: string, tokens: SessionTokens) => PortalApi;
  /** Told after `launchApp` opened an app (the background records it in recents). */
  onLaunched?: (appId: string) => Promise<void> | void;
  /** Diagnostics without secrets. */
  log?: Log;
  /**
   * Told after every change of what open pages show that no page's own call
   * answered: a sign-in or step-up finished (or failed) in its tab, a
   * sign-out, a session the portal ended, a catalog read afresh. The
   * background announces it to every open popup and options page.
   */
  onStateChange?: () => void;
}

export function createLauncher(options: LauncherOptions) {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const changed = () => {
    try {
      options.onStateChange?.();
    } catch (error) {
      log(`state change not announced: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const tabs = options.tabs;
  const cache = createCatalogCache(
    options.catalog ?? {
      get: () => catalogCacheItem.get(),
      set: (value) => catalogCacheItem.set(value),
      summary: catalogSummaryItem,
    },
    log,
  );

  const clients = new Map<string, OidcClient>();
  const oidcFor =
    options.oidcFor ??
    ((issuer: string, clientId: string) => {
      const key = `${issuer} ${clientId}`;
      let client = clients.get(key);
      if (!client) {
        client = createOidcClient({
          issuer,
          clientId,
          redirectUri: options.redirectUri,
          postLogoutRedirectUri: options.postLogoutRedirectUri,
          fetch: options.fetch,
        });
        clients.set(key, client);
      }
      return client;
    });

  const session = createSessionManager({
    oidcFor,
    now,
    onEnded: async () => {
      await clearStoredItems('signOut');
      await sessionEndedItem.set({ at: now() });
      changed();
    },
  });
  const tokens: SessionTokens = {
    getAccessToken: () => session.getAccessToken(),
    refreshAccessToken: () => session.refreshAccessToken(),
  };
  const apiFor =
    options.apiFor ??
    ((issuer: string, sessionTokens: SessionTokens) =>
      createPortalApi({
        issuer,
        ...sessionTokens,
        fetch: options.fetch,
        onDroppedApps: (count) => log(`${count} malformed app(s) in the portal's catalog were left out.`),
      }));

  /** Where this session's apps come from: decided here, once, from what its issuer offers. */
  function sourceFor(stored: StoredSession, settings: LauncherSettings): CatalogSource {
    if (stored.portalApi === false) {
      const oidc = oidcFor(stored.issuer, stored.clientId);
      return createPolicySource({
        stored,
        settings,
        oidc,
        getAccessToken: tokens.getAccessToken,
        cache,
        now,
        log,
      });
    }
    return createPortalSource({ stored, api: apiFor(stored.issuer, tokens), cache, now });
  }

  const flows = createFlowStore({
    now,
    openTab: async (url, tabId) => {
      if (tabId === undefined) return tabs.create(url);
      await tabs.update(tabId, url);
      return tabId;
    },
    onAbandoned: abandon,
  });
  const signIn = createSignIn({
    flows,
    session,
    settings: options.settings,
    oidcFor,
    now,
    log,
    onEndedLocally: (error) => {
      runner.failAll(error);
      launches.failAll(error);
    },
  });
  const runner = createStepUpRunner({
    flows,
    session,
    oidcFor,
    now,
    log,
    requireSession: async () => {
      const { settings, session: stored } = await signIn.requireSession();
      return { session: stored, clientId: settings.clientId };
    },
    knownEmail: async (stored) => (await cache.forSession(stored))?.me?.email ?? null,
  });
  const launches = createLaunches({
    tabs,
    runner,
    cache,
    now,
    onLaunched: options.onLaunched,
    portalAnswers: (issuer) => portalAnswers(issuer, options.fetch),
    context: async () => {
      const { settings, session: stored } = await signIn.requireSession();
      return { settings, session: stored, source: sourceFor(stored, settings) };
    },
  });

  /** Ends a flow that did not complete (C5): its callers are told, its launches get a notice. */
  async function abandon(flow: PendingFlow, error: AuthError): Promise<void> {
    if (flow.kind === 'signIn') return signIn.fail(error);
    if (flow.kind !== 'stepUp') return;
    runner.fail(flow.state, error);
    for (const appId of flow.launchAppIds) await launches.fail(appId, error);
  }

  /**
   * What the popup shows; `refresh` reads the catalog afresh instead of the cache. A page that
   * holds the current catalog (its version `held`) gets the state without apps, answered from the
   * catalog's summary: the catalog itself is not read (issue 15).
   */
  async function getState(refresh = false, held?: string): Promise<LauncherState> {
    // Independent reads side by side: each is a round trip to the browser, and a woken worker waits
    // on them. The session is read here too (the session manager keeps it), so the owner check below
    // needs no second round trip.
    const [settings, notice, summary] = await Promise.all([
      options.settings.load(),
      launchNoticeItem.get(),
      !refresh && held ? cache.summary() : null,
      session.load(),
    ]);
    const build = (standing: SessionStanding) => buildLauncherState({ settings, notice, session: standing });
    if (!settings.portalUrl) return build({ status: 'unconfigured' });
    const signedOut = async (problem?: CatalogProblem) =>
      build({ status: 'signedOut', sessionEnded: (await sessionEndedItem.get()) !== null, problem });
    const stored = await signIn.currentSession(settings);
    if (!stored) return signedOut();

    const source = sourceFor(stored, settings);
    if (summary && source.portalApi && summary.version === held && ownedBy(summary, stored)) {
      return build({ status: 'signedIn', user: stored.user, held: summary });
    }
    let catalog = await cache.forSession(stored);
    let refreshProblem: CatalogProblem | null = null;
    if (refresh || !catalog) {
      try {
        const before = catalog;
        catalog = await source.fetch();
        // Other open pages may still show the old list. An unchanged list is not announced: every
        // popup reads the catalog afresh when it opens, and an announcement makes each open page
        // ask again (that must never come back here as another announcement).
        if (!sameCatalog(before, catalog)) changed();
      } catch (error) {
        if (isAuthError(error, 'signed_out'))
          return signedOut({ code: 'signed_out', message: error.message });
        refreshProblem = problemOf(error);
      }
    }
    return build({
      status: 'signedIn',
      user: stored.user,
      catalog,
      listing: source.listing(catalog),
      refreshProblem,
      portalApi: source.portalApi,
    });
  }

  async function setPortalUrl(input: string): Promise<LauncherState> {
    const settings = await options.settings.load();
    if (settings.portalUrlForced) {
      throw new AuthError(
        'portal_url_forced',
        'Your administrator set the portal address; it cannot be changed here.',
      );
    }
    await options.settings.savePortalUrl(normalizePortalUrl(input));
    return getState();
  }

  const completeAuthorization = createCallbackHandler({
    redirectUri: options.redirectUri,
    postLogoutRedirectUri: options.postLogoutRedirectUri,
    settings: options.settings,
    tabs,
    flows,
    signIn,
    runner,
    launches,
    cache,
    oidcFor,
    sourceFor,
    abandon,
    changed,
    fetch: options.fetch,
  });

  /** One portal API call with the signed-in session (utils/portal/account-api.ts builds on it). */
  async function portalRequest<T>(
    method: string,
    path: string,
    schema: z.core.$ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const { settings, session: stored } = await signIn.requireSession();
    return sourceFor(stored, settings).request(method, path, schema, body);
  }

  /**
   * Who is signed in where, without tokens: the push approvals (utils/push) follow it. Null when
   * signed out or when the issuer has no portal API (provider-only mode has no push approvals).
   */
  async function portalAccount(): Promise<{ issuer: string; sub: string } | null> {
    const settings = await options.settings.load();
    if (!settings.portalUrl) return null;
    const stored = await signIn.currentSession(settings);
    if (!stored || stored.portalApi === false) return null;
    return { issuer: stored.issuer, sub: stored.user.sub };
  }

  /** A server-sent events stream of the portal API with the signed-in session (utils/push). */
  async function portalStream(path: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const { session: stored } = await signIn.requireSession();
    if (stored.portalApi === false) {
      throw new AuthError('not_configured', 'This identity provider has no portal API.');
    }
    return apiFor(stored.issuer, tokens).stream(path, signal);
  }

  return {
    getState,
    /** The stored session as the launcher last read it (no round trip when it has), or null. */
    storedSession: (): Promise<StoredSession | null> => session.load(),
    setPortalUrl,
    signIn: async (): Promise<LauncherState> => {
      await signIn.signIn(await options.settings.load());
      return getState(true);
    },
    signOut: async (): Promise<LauncherState> => {
      await signIn.signOut();
      changed();
      return getState();
    },
    launchApp: (appId: string): Promise<LaunchResult> => launches.launchApp(appId),
    /** Try again on the step-up tab's failure page: the step-up for `appId` starts again in `tabId`. */
    retryStepUp: (appId: string, tabId: number): Promise<void> => launches.retryInTab(appId, tabId),
    completeAuthorization,
    /** C5: the employee closed a sign-in or step-up tab: cancel what waited on it. */
    handleTabRemoved: (tabId: number) => flows.closeTab(tabId),
    /** A11: the portal address or client id changed: the session belongs to someone else now. */
    handleIdentityChange: () => signIn.endForIdentityChange(),
    dismissNotice: () => launchNoticeItem.remove(),
    verify: runner.verify,
    withStepUp: runner.withStepUp,
    portalRequest,
    portalStream,
    portalAccount,
    /** For tests and diagnostics. */
    session,
  };
}

export type Launcher = ReturnType<typeof createLauncher>;
