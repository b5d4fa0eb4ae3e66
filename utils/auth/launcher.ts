/**
 * The background's single stateful service: sign-in, sign-out, app launch
 * with step-up, and the pending flows that tie a browser tab to them.
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
import { generateRandomState } from 'oauth4webapi';
import type { z } from 'zod';
import { isLoopbackHttp } from '../../contract/addresses.ts';
import { ACR_MFA } from '../../contract/constants.ts';
import type { Me, PortalApp } from '../../contract/schemas.ts';
import { isCodedError } from '../errors.ts';
import type { LauncherState, LaunchResult } from '../messaging.ts';
import type { PolicyApp } from '../policy/schema.ts';
import { normalizePortalUrl } from '../portal/address.ts';
import {
  createPortalApi,
  type PortalApi,
  PortalApiError,
  StepUpRequiredError,
} from '../portal/api-client.ts';
import {
  type CatalogCache,
  catalogCacheItem,
  clearStoredItems,
  type LaunchNotice,
  launchNoticeItem,
  type PendingFlow,
  pendingFlowsItem,
  type StoredSession,
  sessionEndedItem,
} from '../storage.ts';
import { appMfaMaxAgeSeconds } from './app-freshness.ts';
import { AuthError, isAuthError } from './errors.ts';
import { createOidcClient, type OidcClient } from './oidc.ts';
import { initialsOf } from './profile.ts';
import { catalogAppsFromPolicy, claimsFromIdToken, profileFromClaims } from './provider-profile.ts';
import { createSessionManager } from './session.ts';
import {
  assertStepUpSatisfied,
  isAuthenticationSufficient,
  mfaRequirement,
  type StepUpRequirement,
} from './step-up.ts';

/** Pending flows older than this are discarded (C1) and their launches cancelled (C5). */
export const FLOW_MAX_AGE_MS = 10 * 60 * 1000;

/** The tab operations the launcher needs (the background passes `browser.tabs`). */
export interface TabsPort {
  /** Opens a new foreground tab; resolves with its id. */
  create(url: string): Promise<number | undefined>;
  /** Navigates an existing tab (the step-up tab lands in the app). */
  update(tabId: number, url: string): Promise<void>;
  remove(tabId: number): Promise<void>;
}

/** The effective settings the launcher reads (utils/policy in the background). */
export interface LauncherSettings {
  portalUrl: string | null;
  portalUrlForced: boolean;
  /** True when the admin's policy set a portal address that was refused as invalid (A11). */
  portalUrlRefused?: boolean;
  clientId: string;
  stepUpAcrValue: string;
  stepUpMaxAgeSeconds: number;
  appStepUpMaxAge: Record<string, number>;
  /** Policy `apps`: the catalog when the issuer has no portal API (provider-only mode). */
  apps: readonly PolicyApp[];
}

export interface SettingsPort {
  load(): Promise<LauncherSettings>;
  /** Saves the user's portal address; throws (with a `code`) when the policy forces it. */
  savePortalUrl(portalUrl: string): Promise<void>;
}

/** Where the catalog cache lives (IndexedDB in the extension; memory in unit tests). */
export interface CatalogStore {
  get(): Promise<CatalogCache | null>;
  set(value: CatalogCache): Promise<void>;
}

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
  apiFor?: (
    issuer: string,
    tokens: Pick<PortalApiOptionsLike, 'getAccessToken' | 'refreshAccessToken'>,
  ) => PortalApi;
  /** Diagnostics without secrets. */
  log?: (message: string) => void;
}

interface PortalApiOptionsLike {
  getAccessToken(): Promise<string>;
  refreshAccessToken(): Promise<string>;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * A9: only `https:` launch URLs, or `http:` on loopback for development, are
 * opened. `javascript:`, `data:`, `file:` and the like never reach a tab.
 */
export function isSafeLaunchUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  return parsed.protocol === 'https:' || isLoopbackHttp(parsed);
}

export function createLauncher(options: LauncherOptions) {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const tabs = options.tabs;
  const catalogStore: CatalogStore = options.catalog ?? {
    get: () => catalogCacheItem.get(),
    set: (value) => catalogCacheItem.set(value),
  };

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
    },
  });

  const apiFor =
    options.apiFor ??
    ((issuer: string, tokens: PortalApiOptionsLike) =>
      createPortalApi({
        issuer,
        ...tokens,
        fetch: options.fetch,
        onDroppedApps: (count) => log(`${count} malformed app(s) in the portal's catalog were left out.`),
      }));

  function api(issuer: string): PortalApi {
    return apiFor(issuer, {
      getAccessToken: () => session.getAccessToken(),
      refreshAccessToken: () => session.refreshAccessToken(),
    });
  }

  // In-memory waiters. They do not survive a worker restart; the saved flow does (C1).
  const signInWaiters: Waiter<void>[] = [];
  const launchWaiters = new Map<string, Waiter<LaunchResult>[]>();
  const launchesInFlight = new Map<string, Promise<LaunchResult>>();
  /** Generic step-ups (sensitive account changes) waiting on a flow, by its `state`. */
  const verifyWaiters = new Map<string, Waiter<void>[]>();
  let flowLock: Promise<unknown> = Promise.resolve();

  /** Serializes flow bookkeeping so two launches cannot both open a step-up tab (C6). */
  function withFlowLock<T>(task: () => Promise<T>): Promise<T> {
    const run = flowLock.then(task);
    flowLock = run.catch(() => undefined);
    return run;
  }

  // ------------------------------------------------------------ flows

  async function loadFlows(): Promise<Record<string, PendingFlow>> {
    const flows = await pendingFlowsItem.get();
    const stale = Object.values(flows).filter((flow) => now() - flow.createdAt > FLOW_MAX_AGE_MS);
    if (stale.length === 0) return flows;
    for (const flow of stale) {
      delete flows[flow.state];
      await settleFlow(
        flow,
        new AuthError(
          'cancelled',
          'The verification took longer than 10 minutes, so it was cancelled. Try again.',
        ),
      );
    }
    await pendingFlowsItem.set(flows);
    return flows;
  }

  async function saveFlow(flow: PendingFlow): Promise<void> {
    const flows = await loadFlows();
    flows[flow.state] = flow;
    await pendingFlowsItem.set(flows);
    // C5: an abandoned tab cancels its launches after 10 minutes even if nothing else
    // happens meanwhile (a restarted worker prunes on its next read instead).
    setTimeout(() => void withFlowLock(loadFlows).catch(() => undefined), FLOW_MAX_AGE_MS + 1000);
  }

  /**
   * The flow new work may join: same kind and issuer, with its tab known. A
   * flow without a tab id lost its tab (the worker died between opening and
   * recording it, and a close went unnoticed); joining it would wait on
   * nothing, so it is an orphan instead.
   */
  function activeFlow(flows: Record<string, PendingFlow>, kind: PendingFlow['kind'], issuer: string) {
    return Object.values(flows).find(
      (flow) => flow.kind === kind && flow.issuer === issuer && flow.tabId !== null,
    );
  }

  /** Forgets orphaned flows of a kind (see {@link activeFlow}); their redirect, if it ever comes, is refused. */
  async function dropOrphans(flows: Record<string, PendingFlow>, kind: PendingFlow['kind']): Promise<void> {
    const orphans = Object.values(flows).filter((flow) => flow.kind === kind && flow.tabId === null);
    if (orphans.length === 0) return;
    for (const flow of orphans) delete flows[flow.state];
    await pendingFlowsItem.set(flows);
  }

  /** Removes and returns a flow: each `state` is usable once (A2). */
  async function takeFlow(state: string): Promise<PendingFlow | null> {
    const flows = await loadFlows();
    const flow = flows[state];
    if (!flow) return null;
    delete flows[state];
    await pendingFlowsItem.set(flows);
    return flow;
  }

  /** Ends a flow that did not complete: rejects its waiters and records a notice for launches. */
  async function settleFlow(flow: PendingFlow, error: AuthError): Promise<void> {
    if (flow.kind === 'signIn') {
      for (const waiter of signInWaiters.splice(0)) waiter.reject(error);
      return;
    }
    if (flow.kind !== 'stepUp') return;
    const waiting = verifyWaiters.get(flow.state) ?? [];
    verifyWaiters.delete(flow.state);
    for (const waiter of waiting) waiter.reject(error);
    for (const appId of flow.launchAppIds) {
      await failLaunch(appId, error);
    }
  }

  async function failLaunch(appId: string, error: unknown): Promise<void> {
    const cancelled = isAuthError(error, 'cancelled');
    const app = await cachedApp(appId);
    const appName = app?.name ?? appId;
    const message = cancelled
      ? `Opening ${appName} was cancelled: the verification tab was closed.`
      : `${appName} was not opened. ${error instanceof Error ? error.message : ''}`.trim();
    await launchNoticeItem.set({
      appId,
      appName,
      outcome: cancelled ? 'cancelled' : 'failed',
      message,
      ...errorCodeOf(error),
      at: now(),
    });
    const waiters = launchWaiters.get(appId) ?? [];
    launchWaiters.delete(appId);
    for (const waiter of waiters)
      waiter.reject(error instanceof AuthError ? error : new AuthError('launch_refused', message));
  }

  function succeedLaunch(appId: string): void {
    const waiters = launchWaiters.get(appId) ?? [];
    launchWaiters.delete(appId);
    for (const waiter of waiters) waiter.resolve({ outcome: 'opened', appId });
  }

  // ------------------------------------------------------------ session and settings

  /** The session, if it belongs to the configured portal and client (A11: else it is cleared). */
  async function currentSession(settings: LauncherSettings): Promise<StoredSession | null> {
    const stored = await session.load();
    if (!stored) return null;
    if (stored.issuer !== settings.portalUrl || stored.clientId !== settings.clientId) {
      await endForIdentityChange();
      return null;
    }
    return stored;
  }

  async function requireSession(): Promise<{ settings: LauncherSettings; session: StoredSession }> {
    const settings = await options.settings.load();
    if (!settings.portalUrl) {
      throw new AuthError(
        'not_configured',
        'Portal Launcher has no portal address yet. Open it and enter your portal address.',
      );
    }
    const stored = await currentSession(settings);
    if (!stored) throw new AuthError('signed_out', 'You are signed out. Sign in to continue.');
    return { settings, session: stored };
  }

  /** Drops every trace of the session here (not at the portal). */
  async function endLocally(event: 'signOut' | 'identityChange'): Promise<void> {
    await session.clear();
    await clearStoredItems(event);
    const cancelled = new AuthError('cancelled', 'You were signed out.');
    for (const waiter of signInWaiters.splice(0)) waiter.reject(cancelled);
    for (const [state, waiters] of verifyWaiters) {
      verifyWaiters.delete(state);
      for (const waiter of waiters) waiter.reject(cancelled);
    }
    for (const [appId, waiters] of launchWaiters) {
      launchWaiters.delete(appId);
      for (const waiter of waiters) waiter.reject(cancelled);
    }
  }

  // ------------------------------------------------------------ catalog

  /** True when the session's issuer is a plain OpenID provider (provider-only mode). */
  function isProviderOnly(stored: StoredSession): boolean {
    return stored.portalApi === false;
  }

  /**
   * Provider-only catalog: apps from policy, profile from userinfo (falling
   * back to the ID token's claims when there is no userinfo endpoint or it
   * fails; only a refused session is an error).
   */
  async function fetchProviderCatalog(stored: StoredSession): Promise<CatalogCache> {
    const settings = await options.settings.load();
    let me: Me | null = null;
    try {
      const claims = await oidcFor(stored.issuer, stored.clientId).userInfo(
        await session.getAccessToken(),
        stored.user.sub,
      );
      me = profileFromClaims(claims ?? claimsFromIdToken(stored.user));
    } catch (error) {
      if (isAuthError(error, 'signed_out')) throw error;
      log(`profile not read from userinfo: ${error instanceof Error ? error.message : 'unknown error'}`);
      me = (await cachedCatalog(stored))?.me ?? profileFromClaims(claimsFromIdToken(stored.user));
    }
    const cache: CatalogCache = {
      issuer: stored.issuer,
      sub: stored.user.sub,
      apps: catalogAppsFromPolicy(settings.apps),
      me,
      fetchedAt: now(),
    };
    await catalogStore.set(cache).catch((error: unknown) => log(`catalog cache not saved: ${String(error)}`));
    return cache;
  }

  async function fetchCatalog(stored: StoredSession): Promise<CatalogCache> {
    if (isProviderOnly(stored)) return fetchProviderCatalog(stored);
    const portal = api(stored.issuer);
    const [apps, me] = await Promise.allSettled([portal.getApps(), portal.getMe()]);
    if (apps.status === 'rejected') throw apps.reason;
    const cache: CatalogCache = {
      issuer: stored.issuer,
      sub: stored.user.sub,
      apps: apps.value.apps,
      me: me.status === 'fulfilled' ? me.value : null,
      fetchedAt: now(),
    };
    await catalogStore.set(cache).catch((error: unknown) => log(`catalog cache not saved: ${String(error)}`));
    return cache;
  }

  async function cachedCatalog(stored: StoredSession): Promise<CatalogCache | null> {
    const cache = await catalogStore.get().catch(() => null);
    return cache && cache.issuer === stored.issuer && cache.sub === stored.user.sub ? cache : null;
  }

  async function cachedApp(appId: string): Promise<PortalApp | null> {
    const cache = await catalogStore.get().catch(() => null);
    return cache?.apps.find((app) => app.id === appId) ?? null;
  }

  /** The app, from the cache or a fresh catalog; unknown ids are refused (A9). */
  async function findApp(stored: StoredSession, appId: string): Promise<PortalApp> {
    if (isProviderOnly(stored)) {
      // The current policy, not a cache: an app the admin removed can no longer be opened.
      const settings = await options.settings.load();
      const listed = catalogAppsFromPolicy(settings.apps).find((app) => app.id === appId);
      if (listed) return listed;
      throw new AuthError(
        'launch_refused',
        'This app is not in the list your administrator set up. Refresh the list, or ask your administrator.',
      );
    }
    const cached = (await cachedCatalog(stored))?.apps.find((app) => app.id === appId);
    if (cached) return cached;
    const fresh = (await fetchCatalog(stored)).apps.find((app) => app.id === appId);
    if (fresh) return fresh;
    throw new AuthError(
      'launch_refused',
      'This app is not assigned to you. Refresh the list, or ask your administrator.',
    );
  }

  // ------------------------------------------------------------ state for the popup

  async function getState(refresh = false): Promise<LauncherState> {
    const settings = await options.settings.load();
    const noticeValue: LaunchNotice | null = await launchNoticeItem.get();
    const notice = noticeValue && noticeValue.outcome !== 'opened' ? noticeValue : null;
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
    if (!settings.portalUrl) return base;
    const stored = await currentSession(settings);
    const signedOut = async (): Promise<LauncherState> => ({
      ...base,
      status: 'signedOut',
      ...((await sessionEndedItem.get()) ? { sessionEnded: true } : {}),
    });
    if (!stored) return signedOut();

    let cache = await cachedCatalog(stored);
    let appsProblem: LauncherState['appsProblem'] = null;
    if (refresh || !cache) {
      try {
        cache = await fetchCatalog(stored);
      } catch (error) {
        if (isAuthError(error, 'signed_out')) {
          return { ...(await signedOut()), appsProblem: { code: 'signed_out', message: error.message } };
        }
        appsProblem = toProblem(error);
      }
    }
    const name = cache?.me?.displayName ?? stored.user.name ?? stored.user.email ?? 'Signed in';
    const providerOnly = isProviderOnly(stored);
    if (providerOnly && settings.apps.length === 0 && !appsProblem) {
      // Without the portal API the only app list is the policy's: say why the launcher is empty.
      appsProblem = {
        code: 'no_policy_apps',
        message:
          'Your identity provider has no app list for Portal Launcher, and your administrator has not set up any apps. Ask your administrator.',
      };
    }
    return {
      ...base,
      status: 'signedIn',
      user: {
        name,
        email: cache?.me?.email ?? stored.user.email,
        initials: cache?.me?.initials || initialsOf(name),
        // Here, from the cache already read, so the popup's answer needs no second catalog read.
        jobTitle: cache?.me?.jobTitle ?? null,
      },
      // Provider-only: the policy's list as it is now (a policy change shows at once).
      apps: providerOnly ? catalogAppsFromPolicy(settings.apps) : (cache?.apps ?? null),
      appsProblem,
      capabilities: { portalApi: !providerOnly },
    };
  }

  async function setPortalUrl(input: string): Promise<LauncherState> {
    const settings = await options.settings.load();
    if (settings.portalUrlForced) {
      throw new AuthError(
        'portal_url_forced',
        'Your administrator set the portal address; it cannot be changed here.',
      );
    }
    const issuer = normalizePortalUrl(input);
    await options.settings.savePortalUrl(issuer);
    return getState();
  }

  // ------------------------------------------------------------ sign-in and sign-out

  async function signIn(): Promise<LauncherState> {
    const settings = await options.settings.load();
    if (!settings.portalUrl) {
      throw new AuthError('not_configured', 'Enter your portal address first.');
    }
    if (await currentSession(settings)) return getState(true);
    const issuer = settings.portalUrl;
    const done = new Promise<void>((resolve, reject) => signInWaiters.push({ resolve, reject }));
    await withFlowLock(async () => {
      const flows = await loadFlows();
      // A second click while the sign-in tab is open joins it instead of opening another.
      if (activeFlow(flows, 'signIn', issuer)) return;
      await dropOrphans(flows, 'signIn');
      const { url, transaction } = await oidcFor(issuer, settings.clientId).createAuthorizationRequest();
      const flow: PendingFlow = {
        kind: 'signIn',
        ...transaction,
        issuer,
        createdAt: now(),
        tabId: null,
        launchAppIds: [],
      };
      await saveFlow(flow); // C1: saved before the tab opens.
      const tabId = await tabs.create(url);
      await recordTab(flow.state, tabId);
    }).catch((error: unknown) => {
      for (const waiter of signInWaiters.splice(0)) waiter.reject(error);
    });
    await done;
    return getState(true);
  }

  async function recordTab(state: string, tabId: number | undefined): Promise<void> {
    if (tabId === undefined) return;
    const flows = await loadFlows();
    const flow = flows[state];
    if (!flow) return;
    flow.tabId = tabId;
    await pendingFlowsItem.set(flows);
  }

  /**
   * Signs out: drops tokens here first, revokes the refresh token (A12), then
   * ends the portal session through RP-initiated logout in a tab.
   */
  async function signOut(): Promise<LauncherState> {
    const stored = await session.load();
    await endLocally('signOut');
    if (stored) {
      const client = oidcFor(stored.issuer, stored.clientId);
      if (stored.refreshToken) {
        try {
          await client.revoke(stored.refreshToken);
        } catch (error) {
          log(`refresh token revocation failed: ${error instanceof Error ? error.message : 'unknown error'}`);
        }
      }
      try {
        const state = generateRandomState();
        const url = await client.endSessionUrl(stored.idToken, state);
        if (url) {
          await saveFlow({
            kind: 'signOut',
            state,
            nonce: '',
            codeVerifier: '',
            issuer: stored.issuer,
            maxAge: null,
            acrValues: null,
            createdAt: now(),
            tabId: null,
            launchAppIds: [],
          });
          await recordTab(state, await tabs.create(url));
        }
      } catch (error) {
        log(`portal logout not started: ${error instanceof Error ? error.message : 'unknown error'}`);
      }
    }
    return getState();
  }

  // ------------------------------------------------------------ launch

  /** Opens an app by id (A9). A second call for an app already launching joins the first (C6). */
  function launchApp(appId: string): Promise<LaunchResult> {
    const existing = launchesInFlight.get(appId);
    if (existing) return existing;
    const launch = startLaunch(appId).finally(() => launchesInFlight.delete(appId));
    launchesInFlight.set(appId, launch);
    return launch;
  }

  async function startLaunch(appId: string): Promise<LaunchResult> {
    const { settings, session: stored } = await requireSession();
    const app = await findApp(stored, appId);
    if (app.requiresMfa) {
      const requirement = appRequirement(settings, app);
      // The catalog already says a fresh second factor is needed: go straight to the tab.
      if (!isAuthenticationSufficient(stored.authentication, requirement, now())) {
        return stepUp(stored, settings, app, requirement);
      }
    }
    try {
      const url = await launchUrl(stored, app.id);
      await tabs.create(url);
      await launchNoticeItem.remove();
      return { outcome: 'opened', appId: app.id };
    } catch (error) {
      if (error instanceof StepUpRequiredError) return stepUp(stored, settings, app, error.requirement);
      await recordFailure(app, error);
      throw error;
    }
  }

  async function recordFailure(app: PortalApp, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : 'Something went wrong.';
    await launchNoticeItem.set({
      appId: app.id,
      appName: app.name,
      outcome: 'failed',
      message,
      ...errorCodeOf(error),
      at: now(),
    });
  }

  /** The error's machine-readable code for a stored notice (the popup words it), when it has one. */
  function errorCodeOf(error: unknown): { code?: string } {
    const code = isCodedError(error) ? error.code : undefined;
    return typeof code === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(code) ? { code } : {};
  }

  /** How fresh the second factor must be for `app`: policy per app, then the app's own, then the policy default. */
  function appRequirement(
    settings: LauncherSettings,
    app: Pick<PortalApp, 'id' | 'mfaMaxAgeSeconds'>,
  ): StepUpRequirement {
    const maxAge = appMfaMaxAgeSeconds(app, settings);
    return mfaRequirement(maxAge, settings.stepUpAcrValue || ACR_MFA);
  }

  /**
   * Where an app opens, checked before any tab sees it (A9): the portal's
   * one-time launch URL, or in provider-only mode the policy app's `url`
   * (looked up by id in the current policy; the policy schema already refused
   * anything but https or loopback http, and this check repeats it).
   */
  async function launchUrl(stored: StoredSession, appId: string): Promise<string> {
    let url: string;
    if (isProviderOnly(stored)) {
      const settings = await options.settings.load();
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
        const requirement = appRequirement(settings, listed);
        if (!isAuthenticationSufficient(stored.authentication, requirement, now())) {
          throw new StepUpRequiredError(requirement);
        }
      }
      url = listed.url;
    } else {
      url = (await api(stored.issuer).launch(appId)).url;
    }
    if (!isSafeLaunchUrl(url)) {
      throw new AuthError(
        'launch_refused',
        'The launch address is not https, so it was not opened. Tell your administrator.',
      );
    }
    return url;
  }

  /** Opens (or joins) the step-up tab; resolves when the app opened, rejects when cancelled. */
  function stepUp(
    stored: StoredSession,
    settings: LauncherSettings,
    app: PortalApp,
    requirement: StepUpRequirement,
  ): Promise<LaunchResult> {
    const result = new Promise<LaunchResult>((resolve, reject) => {
      const waiters = launchWaiters.get(app.id) ?? [];
      waiters.push({ resolve, reject });
      launchWaiters.set(app.id, waiters);
    });
    void withFlowLock(async () => {
      const flows = await loadFlows();
      const active = activeFlow(flows, 'stepUp', stored.issuer);
      if (active) {
        // C6: one step-up tab for every launch waiting on it.
        if (!active.launchAppIds.includes(app.id)) active.launchAppIds.push(app.id);
        await pendingFlowsItem.set(flows);
        return;
      }
      await dropOrphans(flows, 'stepUp');
      const client = oidcFor(stored.issuer, settings.clientId);
      const { url, transaction } = await client.createAuthorizationRequest({
        ...(requirement.acrValues.length > 0 ? { acrValues: requirement.acrValues.join(' ') } : {}),
        ...(requirement.maxAge !== null ? { maxAge: requirement.maxAge } : {}),
        ...(stored.user.email ? { loginHint: stored.user.email } : {}),
        // `launch_app` is the reference portal's own parameter (its page names the app); a plain
        // provider gets only standard OIDC parameters.
        ...(isProviderOnly(stored) ? {} : { launchApp: app.id }),
      });
      const flow: PendingFlow = {
        kind: 'stepUp',
        ...transaction,
        issuer: stored.issuer,
        createdAt: now(),
        tabId: null,
        launchAppIds: [app.id],
      };
      await saveFlow(flow); // C1: saved before the tab opens.
      await recordTab(flow.state, await tabs.create(url));
    }).catch((error: unknown) => failLaunch(app.id, error));
    return result;
  }

  // ------------------------------------------------------------ redirects

  /**
   * Finishes the flow a redirect belongs to. Called by the auth page the
   * redirect was diverted to (A14); `tabId` is that page's tab.
   */
  async function completeAuthorization(
    url: string,
    tabId: number | undefined,
  ): Promise<{ kind: PendingFlow['kind']; message: string }> {
    const redirect = new URL(url);
    const target = `${redirect.origin}${redirect.pathname}`;
    const state = redirect.searchParams.get('state');
    const isCallback = target === options.redirectUri;
    const isLogout = target === options.postLogoutRedirectUri;
    const flow = state && (isCallback || isLogout) ? await takeFlow(state) : null;
    if (!flow || (flow.kind === 'signOut') !== isLogout) {
      throw new AuthError(
        'invalid_callback',
        'This sign-in response was already used, has expired, or was not started here. Start again from Portal Launcher.',
      );
    }
    const flowTab = tabId ?? flow.tabId ?? undefined;

    if (flow.kind === 'signOut') {
      if (flowTab !== undefined) await tabs.remove(flowTab).catch(() => undefined);
      return { kind: 'signOut', message: 'You are signed out of the portal.' };
    }

    const settings = await options.settings.load();
    try {
      if (settings.portalUrl !== flow.issuer) {
        throw new AuthError('invalid_callback', 'The portal address changed during sign-in. Start again.');
      }
      const client = oidcFor(flow.issuer, settings.clientId);
      const { tokens, claims } = await client.completeAuthorization(flow, url);

      if (flow.kind === 'signIn') {
        // Discovery was read for this request already (cached): no extra round trip.
        let portalApi: boolean;
        try {
          portalApi = await client.hasPortalApi();
        } catch (error) {
          // A12: tokens that will not be kept are revoked, not just dropped.
          if (tokens.refreshToken) void revokeQuietly(flow.issuer, settings.clientId, tokens.refreshToken);
          throw error;
        }
        await session.establish(flow.issuer, settings.clientId, tokens, claims, { portalApi });
        await sessionEndedItem.remove();
        for (const waiter of signInWaiters.splice(0)) waiter.resolve();
        if (flowTab !== undefined) await tabs.remove(flowTab).catch(() => undefined);
        return { kind: 'signIn', message: 'You are signed in. You can close this tab.' };
      }

      // A4: check the step-up result ourselves before trusting it.
      assertStepUpSatisfied(
        claims,
        { acrValues: flow.acrValues?.split(' ').filter(Boolean) ?? [], maxAge: flow.maxAge },
        now(),
      );
      const stored = await session.applyStepUp(tokens, claims);
      const verified = verifyWaiters.get(flow.state) ?? [];
      verifyWaiters.delete(flow.state);
      for (const waiter of verified) waiter.resolve();
      if (flow.launchAppIds.length === 0) {
        // A verification for an account change: nothing to land in, so the tab goes away.
        if (flowTab !== undefined) await tabs.remove(flowTab).catch(() => undefined);
        return { kind: 'stepUp', message: 'Verified. You can close this tab.' };
      }
      const opened: string[] = [];
      let sameTab = flowTab;
      for (const appId of flow.launchAppIds) {
        try {
          // One retry after the step-up; a second challenge is final (C4).
          const launch = await launchUrl(stored, appId);
          if (sameTab !== undefined) {
            await tabs.update(sameTab, launch);
            sameTab = undefined;
          } else {
            await tabs.create(launch);
          }
          opened.push((await cachedApp(appId))?.name ?? appId);
          succeedLaunch(appId);
        } catch (error) {
          await failLaunch(
            appId,
            error instanceof StepUpRequiredError
              ? new AuthError('step_up_insufficient', 'The portal still asks for verification.')
              : error,
          );
        }
      }
      if (opened.length > 0) await launchNoticeItem.remove();
      return {
        kind: 'stepUp',
        message:
          opened.length > 0 ? `Opening ${opened.join(', ')}…` : 'Verified, but no app could be opened.',
      };
    } catch (error) {
      const failure =
        error instanceof AuthError
          ? error
          : new AuthError(
              'invalid_token_response',
              error instanceof Error ? error.message : 'Sign-in failed.',
              {
                cause: error,
              },
            );
      await settleFlow(flow, failure);
      throw failure;
    }
  }

  /**
   * Verifies the employee in a step-up tab for `requirement` (joining a
   * step-up already open) and resolves once the result passed the A4 checks.
   * Rejects with `cancelled` when the tab is closed (C5).
   *
   * @see https://www.rfc-editor.org/rfc/rfc9470#section-4
   */
  async function verify(requirement: StepUpRequirement): Promise<void> {
    const { settings, session: stored } = await requireSession();
    let resolveJoin: (state: string) => void = () => undefined;
    const joined = new Promise<string>((resolve) => {
      resolveJoin = resolve;
    });
    await withFlowLock(async () => {
      const flows = await loadFlows();
      const active = activeFlow(flows, 'stepUp', stored.issuer);
      if (active) {
        resolveJoin(active.state);
        return;
      }
      await dropOrphans(flows, 'stepUp');
      const { url, transaction } = await oidcFor(stored.issuer, settings.clientId).createAuthorizationRequest(
        {
          ...(requirement.acrValues.length > 0 ? { acrValues: requirement.acrValues.join(' ') } : {}),
          ...(requirement.maxAge !== null ? { maxAge: requirement.maxAge } : {}),
          ...(stored.user.email ? { loginHint: stored.user.email } : {}),
        },
      );
      const flow: PendingFlow = {
        kind: 'stepUp',
        ...transaction,
        issuer: stored.issuer,
        createdAt: now(),
        tabId: null,
        launchAppIds: [],
      };
      await saveFlow(flow); // C1: saved before the tab opens.
      resolveJoin(flow.state);
      await recordTab(flow.state, await tabs.create(url));
    });
    const state = await joined;
    return new Promise<void>((resolve, reject) => {
      const waiters = verifyWaiters.get(state) ?? [];
      waiters.push({ resolve, reject });
      verifyWaiters.set(state, waiters);
    });
  }

  /**
   * Runs `run`; on an RFC 9470 challenge opens the step-up tab, waits, and
   * runs it exactly once more (B11, C4). A second challenge is the caller's to
   * report. `reason` is for diagnostics only.
   */
  async function withStepUp<T>(reason: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof StepUpRequiredError)) throw error;
      log(`step-up needed to ${reason}`);
      await verify(error.requirement);
      return run();
    }
  }

  /** One portal API call with the signed-in session (utils/portal/account-api.ts builds on it). */
  async function portalRequest<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const { session: stored } = await requireSession();
    if (isProviderOnly(stored)) return providerOnlyRequest(stored, method, path, schema);
    return api(stored.issuer).request(method, path, schema, body);
  }

  /**
   * Provider-only mode has no portal API: `GET /me` is answered from the
   * OpenID claims (read-only), everything else is refused without a request.
   */
  async function providerOnlyRequest<T>(
    stored: StoredSession,
    method: string,
    path: string,
    schema: z.ZodType<T>,
  ): Promise<T> {
    if (method === 'GET' && path === '/me') {
      const me = (await cachedCatalog(stored))?.me ?? (await fetchCatalog(stored)).me;
      if (me) return schema.parse(me);
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
  }

  /** C5: the employee closed a sign-in or step-up tab: cancel what waited on it. */
  async function handleTabRemoved(tabId: number): Promise<void> {
    await withFlowLock(async () => {
      const flows = await loadFlows();
      const closed = Object.values(flows).filter((flow) => flow.tabId === tabId);
      if (closed.length === 0) return;
      for (const flow of closed) delete flows[flow.state];
      await pendingFlowsItem.set(flows);
      for (const flow of closed) {
        await settleFlow(flow, new AuthError('cancelled', 'The verification tab was closed.'));
      }
    });
  }

  /** A11: the portal address or client id changed: the session belongs to someone else now. */
  async function handleIdentityChange(): Promise<void> {
    await endForIdentityChange();
  }

  /**
   * Ends the session of a portal (or client) that is no longer configured:
   * locally first, then the refresh token is revoked at the portal that issued
   * it (A12), best effort: the old portal may be gone. Nothing is sent to the
   * newly configured portal, and no logout tab opens (the employee did not ask
   * to sign out; the administrator moved them).
   */
  async function endForIdentityChange(): Promise<void> {
    const stored = await session.load();
    await endLocally('identityChange');
    // Not awaited: the popup's answer must not wait on a portal that may be gone (up to the timeout).
    if (stored?.refreshToken) void revokeQuietly(stored.issuer, stored.clientId, stored.refreshToken);
  }

  /** Revokes a refresh token at `issuer`, best effort (A12): a failure is logged, never thrown. */
  async function revokeQuietly(issuer: string, clientId: string, refreshToken: string): Promise<void> {
    try {
      await oidcFor(issuer, clientId).revoke(refreshToken);
    } catch (error) {
      log(`refresh token not revoked: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
  }

  return {
    getState,
    setPortalUrl,
    signIn,
    signOut,
    launchApp,
    completeAuthorization,
    handleTabRemoved,
    handleIdentityChange,
    dismissNotice: () => launchNoticeItem.remove(),
    verify,
    withStepUp,
    portalRequest,
    /** For tests and diagnostics. */
    session,
  };
}

export type Launcher = ReturnType<typeof createLauncher>;

function toProblem(error: unknown): { code: string; message: string } {
  if (error instanceof AuthError || error instanceof PortalApiError)
    return { code: error.code, message: error.message };
  return { code: 'internal', message: 'The app list could not be loaded. Try again.' };
}
