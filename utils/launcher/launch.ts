/**
 * App launches: by id, through the session's catalog source, with a step-up
 * first when the app needs a fresher second factor.
 *
 * Contract:
 * - A launch names an app id (A9); the URL comes from the catalog source
 *   (the portal's launch answer, or the policy app) and is opened only when
 *   `https:` (or loopback `http:`).
 * - Concurrent launches that need a step-up share one tab; each app opens
 *   exactly once; a repeated click on an app being launched joins it (C6).
 * - After a step-up the first app lands in the step-up tab, the others in
 *   new tabs; one retry after the step-up, a second challenge is final (C4).
 * - Every failure leaves a {@link LaunchNotice} for a popup opened later
 *   (the popup may have closed when the tab opened). A Try again that then
 *   opens its app leaves an `opened` notice instead, so a popup that said
 *   "cancelled" does not keep saying it; any other launch that opens clears it.
 */
import type { PortalApp } from '../../contract/schemas.ts';
import { AuthError, isAuthError } from '../auth/errors.ts';
import {
  appRequirement,
  assuranceRuleFor,
  isAuthenticationSufficient,
  type StepUpRequirement,
} from '../auth/step-up.ts';
import { isCodedError } from '../errors.ts';
import type { LaunchResult } from '../messaging.ts';
import { StepUpRequiredError } from '../portal/api-client.ts';
import { type LaunchNotice, launchNoticeItem, type StoredSession } from '../storage.ts';
import { isSafeLaunchUrl } from './addresses.ts';
import type { CatalogCacheAccess, CatalogSource } from './catalog-source.ts';
import type { LauncherSettings, TabsPort } from './ports.ts';
import type { StepUpRunner } from './step-up-runner.ts';
import { createWaiters } from './waiters.ts';

/** What one launch works with: read once, when it starts. */
export interface LaunchContext {
  settings: LauncherSettings;
  session: StoredSession;
  source: CatalogSource;
}

export interface LaunchesOptions {
  tabs: TabsPort;
  runner: StepUpRunner;
  cache: CatalogCacheAccess;
  /** The signed-in session with its settings and catalog source (throws `signed_out`, `not_configured`). */
  context(): Promise<LaunchContext>;
  now: () => number;
  /** Told after `launchApp` opened an app (recents, utils/catalog/recents-service.ts); its failure is ignored. */
  onLaunched?(appId: string): Promise<void> | void;
  /** Whether the portal answers (utils/portal/probe.ts `portalAnswers`): checked before a step-up tab opens. */
  portalAnswers(issuer: string): Promise<boolean>;
}

/** Where a launch started from a tab lands (Try again on the step-up tab's failure page). */
interface LaunchTarget {
  tabId: number;
  /** Told once the tab moved on: to the portal's step-up page, or to the app. */
  moved(): void;
}

export function createLaunches(options: LaunchesOptions) {
  const { tabs, now } = options;
  /** Launches waiting on a step-up, by app id. */
  const waiting = createWaiters<string, LaunchResult>();
  const inFlight = new Map<string, Promise<LaunchResult>>();
  /**
   * Apps being opened by a Try again (the step-up tab's failure page). Kept in memory: a worker
   * restarted meanwhile still opens the app, the popup then only loses the "opened" notice.
   */
  const retried = new Set<string>();

  /** Opens an app by id (A9). A second call for an app already launching joins the first (C6). */
  function launchApp(appId: string, target?: LaunchTarget): Promise<LaunchResult> {
    const existing = inFlight.get(appId);
    if (existing) return existing;
    const launch = start(appId, target)
      .then(async (result) => {
        if (result.outcome === 'opened')
          await Promise.resolve()
            .then(() => options.onLaunched?.(appId))
            .catch(() => undefined);
        return result;
      })
      .finally(() => inFlight.delete(appId));
    inFlight.set(appId, launch);
    return launch;
  }

  /**
   * Try again after a step-up for `appId` did not succeed: the launch runs again with its step-up
   * (or the app itself) in tab `tabId`. Resolves once the tab moved on; rejects when the launch
   * failed before that (the portal did not answer, the session ended).
   */
  function retryInTab(appId: string, tabId: number): Promise<void> {
    retried.add(appId);
    return new Promise((resolve, reject) => {
      launchApp(appId, { tabId, moved: resolve }).then(() => resolve(), reject);
    });
  }

  async function start(appId: string, target?: LaunchTarget): Promise<LaunchResult> {
    const { settings, session: stored, source } = await options.context();
    const app = await source.findApp(appId);
    if (app.requiresMfa) {
      const rule = assuranceRuleFor(settings, stored.issuer);
      const requirement = appRequirement(settings, rule, app);
      // The catalog already says a fresh second factor is needed: go straight to the tab.
      if (!isAuthenticationSufficient(stored.authentication, requirement, rule, now())) {
        return stepUp(stored, settings.clientId, source, app, requirement, target);
      }
    }
    try {
      const url = await safeLaunchUrl(source, app.id);
      if (target) {
        await tabs.update(target.tabId, url);
        target.moved();
      } else {
        await tabs.create(url);
      }
      await noteOpened([app]);
      return { outcome: 'opened', appId: app.id };
    } catch (error) {
      if (error instanceof StepUpRequiredError) {
        return stepUp(stored, settings.clientId, source, app, error.requirement, target);
      }
      await recordFailure(app, error);
      throw error;
    }
  }

  /**
   * Opens (or joins) the step-up tab; resolves when the app opened, rejects when cancelled. A portal
   * that does not answer fails the launch at once, before any tab opens onto it (C3).
   */
  function stepUp(
    stored: StoredSession,
    clientId: string,
    source: CatalogSource,
    app: PortalApp,
    requirement: StepUpRequirement,
    target?: LaunchTarget,
  ): Promise<LaunchResult> {
    const result = waiting.wait(app.id);
    const open = async () => {
      if (!(await options.portalAnswers(stored.issuer))) {
        throw new AuthError('network', 'The portal did not answer. Check your connection and try again.');
      }
      await options.runner.open(stored, clientId, requirement, {
        appId: app.id,
        nameToPortal: source.namesAppsToPortal,
        ...(target ? { tabId: target.tabId } : {}),
      });
      target?.moved();
    };
    void open().catch((error: unknown) => fail(app.id, error));
    return result;
  }

  /** Where an app opens, checked before any tab sees it (A9). */
  async function safeLaunchUrl(source: CatalogSource, appId: string): Promise<string> {
    const url = await source.launchUrl(appId);
    if (!isSafeLaunchUrl(url)) {
      throw new AuthError(
        'launch_refused',
        'The launch address is not https, so it was not opened. Tell your administrator.',
      );
    }
    return url;
  }

  /**
   * Opens the apps a step-up was for, after it succeeded: the first in the
   * step-up tab (`tabId`), the others in new tabs. Resolves with the names
   * of the apps opened.
   */
  async function openAfterStepUp(
    appIds: readonly string[],
    source: CatalogSource,
    tabId: number | undefined,
  ): Promise<string[]> {
    const opened: Pick<PortalApp, 'id' | 'name'>[] = [];
    let sameTab = tabId;
    for (const appId of appIds) {
      try {
        // One retry after the step-up; a second challenge is final (C4).
        const url = await safeLaunchUrl(source, appId);
        if (sameTab !== undefined) {
          await tabs.update(sameTab, url);
          sameTab = undefined;
        } else {
          await tabs.create(url);
        }
        opened.push({ id: appId, name: (await options.cache.app(appId))?.name ?? appId });
        waiting.resolve(appId, { outcome: 'opened', appId });
      } catch (error) {
        await fail(
          appId,
          error instanceof StepUpRequiredError
            ? new AuthError('step_up_insufficient', 'The portal still asks for verification.')
            : error,
        );
      }
    }
    if (opened.length > 0) await noteOpened(opened);
    return opened.map((app) => app.name);
  }

  /**
   * After `apps` opened: a Try again among them leaves "opened" for the popup (which said the
   * launch was cancelled or refused); otherwise the notice of an earlier launch is cleared.
   */
  async function noteOpened(apps: readonly Pick<PortalApp, 'id' | 'name'>[]): Promise<void> {
    const retry = apps.find((app) => retried.has(app.id));
    for (const app of apps) retried.delete(app.id);
    if (!retry) return launchNoticeItem.remove();
    await launchNoticeItem.set({
      appId: retry.id,
      appName: retry.name,
      outcome: 'opened',
      message: `Opened ${retry.name}.`,
      at: now(),
    });
  }

  /** Ends a launch that did not happen: leaves the notice and rejects its callers. */
  async function fail(appId: string, error: unknown): Promise<void> {
    retried.delete(appId);
    const cancelled = isAuthError(error, 'cancelled');
    const appName = (await options.cache.app(appId))?.name ?? appId;
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
    waiting.reject(appId, error instanceof AuthError ? error : new AuthError('launch_refused', message));
  }

  async function recordFailure(app: PortalApp, error: unknown): Promise<void> {
    const notice: LaunchNotice = {
      appId: app.id,
      appName: app.name,
      outcome: 'failed',
      message: error instanceof Error ? error.message : 'Something went wrong.',
      ...errorCodeOf(error),
      at: now(),
    };
    await launchNoticeItem.set(notice);
  }

  return {
    launchApp,
    retryInTab,
    openAfterStepUp,
    fail,
    /** Every launch waiting on a step-up gets `error` (the session ended). */
    failAll: (error: AuthError) => waiting.rejectAll(error),
  };
}

export type Launches = ReturnType<typeof createLaunches>;

/** The error's machine-readable code (and its message params) for a stored notice (the popup words it). */
function errorCodeOf(error: unknown): { code?: string; params?: string[] } {
  if (!isCodedError(error) || !/^[a-z][a-z0-9_]{0,63}$/.test(error.code)) return {};
  const params = error.params.slice(0, 4).map((param) => param.slice(0, 200));
  return { code: error.code, ...(params.length > 0 ? { params } : {}) };
}
