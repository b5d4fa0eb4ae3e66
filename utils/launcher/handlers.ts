/**
 * The launcher's message handlers (the popup's and the auth page's verbs in
 * utils/messaging.ts), as the background registers them beside the account
 * handlers (utils/account/handlers.ts).
 *
 * Contract: every verb that can change the session updates the toolbar
 * afterwards, whatever its outcome; answers for the popup carry the
 * launcher view (utils/catalog/popup-view.ts); `completeAuthorization` is
 * refused from a frame (A10: a redirect finishes only in its own tab).
 * Also the answer to policy changes ({@link onPolicyChange}).
 */
import { createCatalogMemory } from '../catalog/catalog-delta.ts';
import { announceStateChange } from '../catalog/popup-view.ts';
import type { PrefsService } from '../catalog/prefs-service.ts';
import { type Handlers, isTopLevelPage, type LauncherState, MessageError } from '../messaging.ts';
import type { PolicyChange } from '../policy/index.ts';
import { noteCatalogRefresh, noteLaunch } from '../toolbar/portal-reachability.ts';
import type { Launcher } from './launcher.ts';

/** The verbs handled here. */
export type LauncherHandlers = Pick<
  Handlers,
  | 'getState'
  | 'setPortalUrl'
  | 'signIn'
  | 'signOut'
  | 'launchApp'
  | 'changePrefs'
  | 'dismissNotice'
  | 'completeAuthorization'
  | 'retryStepUp'
>;

export interface LauncherHandlersOptions {
  launcher: Pick<
    Launcher,
    | 'getState'
    | 'setPortalUrl'
    | 'signIn'
    | 'signOut'
    | 'launchApp'
    | 'dismissNotice'
    | 'completeAuthorization'
    | 'retryStepUp'
  >;
  /** Completes a state for the popup (utils/catalog/popup-view.ts). */
  forPopup(state: LauncherState): Promise<LauncherState>;
  prefs: Pick<PrefsService, 'change'>;
  /** Wraps a handler so the toolbar updates after it (utils/toolbar/toolbar-service.ts). */
  updating<A extends unknown[], R>(handler: (...args: A) => Promise<R>): (...args: A) => Promise<R>;
}

export function createLauncherHandlers(options: LauncherHandlersOptions): LauncherHandlers {
  const { launcher, forPopup, updating } = options;
  // The catalogs last answered, so a page that holds one is sent only what changed (issue 15).
  const catalogs = createCatalogMemory();
  return {
    getState: updating(async ({ refresh, catalogVersion }) => {
      const state = await launcher.getState(refresh ?? false, catalogVersion);
      if (refresh) await noteCatalogRefresh(state);
      return catalogs.answerForPage(await forPopup(state), catalogVersion);
    }),
    setPortalUrl: updating(async ({ portalUrl }) => forPopup(await launcher.setPortalUrl(portalUrl))),
    signIn: updating(async () => forPopup(await launcher.signIn())),
    signOut: updating(async () => forPopup(await launcher.signOut())),
    // Started before anything is awaited, so concurrent launches reach the launcher in the order
    // they arrived and can share one step-up tab (C6).
    launchApp: updating(({ appId }) => noteLaunch(launcher.launchApp(appId))),
    changePrefs: (change) => options.prefs.change(change),
    dismissNotice: async () => {
      await launcher.dismissNotice();
      return {};
    },
    // Sign-in and step-up finish here, possibly in a worker restarted since the popup asked.
    completeAuthorization: updating(async ({ url }, sender) => {
      if (!isTopLevelPage(sender)) {
        throw new MessageError(
          'forbidden_sender',
          'Refused: sign-in finishes only in its own tab, not in a frame.',
        );
      }
      return launcher.completeAuthorization(url, sender.tab?.id);
    }),
    // Try again on the step-up tab's failure page: the step-up starts again in that same tab.
    retryStepUp: updating(async ({ appId }, sender) => {
      const tabId = sender.tab?.id;
      if (!isTopLevelPage(sender) || tabId === undefined) {
        throw new MessageError('forbidden_sender', 'Refused: Try again works only in the verification tab.');
      }
      await launcher.retryStepUp(appId, tabId);
      return {};
    }),
  };
}

export interface PolicyChangeOptions {
  launcher: Pick<Launcher, 'handleIdentityChange'>;
  /** Queues a toolbar update (utils/toolbar/toolbar-service.ts). */
  refreshToolbar(): void;
  /** Diagnostics. */
  warn?(message: string, error: unknown): void;
}

/**
 * The background's answer to a policy change (utils/policy/policy-store.ts
 * `watch`): the toolbar and open popups follow it, and another issuer or
 * client id ends the session, which belongs to someone else now (A11).
 */
export function onPolicyChange(options: PolicyChangeOptions): (change: PolicyChange) => void {
  const warn = options.warn ?? ((message, error) => console.warn(`Portal Launcher: ${message}`, error));
  const stateChanged = () => {
    options.refreshToolbar();
    // Open popups ask for the state again (a policy that arrived after they opened).
    void announceStateChange();
  };
  return (change) => {
    stateChanged();
    if (!change.identityChanged) return;
    void options.launcher
      .handleIdentityChange()
      .catch((error: unknown) => warn('sign-out after a policy change failed.', error))
      .then(stateChanged);
  };
}
