/**
 * Background service worker: wiring only. It creates the launcher, installs
 * the redirect rules (A14), registers the message handlers (A6) and the tab
 * and policy listeners. All logic lives in utils/.
 *
 * Listeners are registered synchronously in `main`, so an event (a message
 * from the auth page, a closed tab) restarts a stopped worker and is
 * delivered to it (C1).
 */
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import {
  CHROME_POST_LOGOUT_REDIRECT_URI,
  CHROME_REDIRECT_URI,
  FIREFOX_POST_LOGOUT_REDIRECT_URI,
  FIREFOX_REDIRECT_URI,
} from '../contract/constants.ts';
import { createAccountHandlers } from '../utils/account/handlers.ts';
import { AuthError } from '../utils/auth/errors.ts';
import { createLauncher, type LauncherSettings } from '../utils/auth/launcher.ts';
import { installRedirectRules } from '../utils/auth/redirect-rules.ts';
import { isAuthenticationSufficient, mfaRequirement } from '../utils/auth/step-up.ts';
import { publishPopupSnapshot, updatePopupSnapshotPrefs } from '../utils/catalog/popup-snapshot-writer.ts';
import {
  applyPrefsChange,
  defaultPrefs,
  type LauncherPrefs,
  loadPrefs,
  type PrefsOwner,
  updatePrefs,
} from '../utils/catalog/prefs.ts';
import { chooseLanguage, t } from '../utils/i18n.ts';
import {
  isTopLevelPage,
  type LauncherState,
  MessageError,
  registerMessageHandlers,
} from '../utils/messaging.ts';
import { loadPolicy, type PolicyResult, saveUserSettings, watchPolicy } from '../utils/policy/index.ts';
import { createAccountApi } from '../utils/portal/account-api.ts';
import { probePortal } from '../utils/portal/probe.ts';
import { portalUnreachableItem, sessionItem, stateChangedItem } from '../utils/storage.ts';
import { applyToolbarView, TOOLBAR_ALARM } from '../utils/toolbar/apply.ts';
import { type ToolbarInput, toolbarView } from '../utils/toolbar/toolbar-state.ts';

export default defineBackground(() => {
  const firefox = import.meta.env.FIREFOX;
  const redirectUri = firefox ? FIREFOX_REDIRECT_URI : CHROME_REDIRECT_URI;
  const postLogoutRedirectUri = firefox ? FIREFOX_POST_LOGOUT_REDIRECT_URI : CHROME_POST_LOGOUT_REDIRECT_URI;

  // The effective policy, kept current by watchPolicy below: reading managed storage can take up
  // to a second on browsers without policy, too slow for every popup open.
  let policy: Promise<PolicyResult> = loadPolicy();

  const launcher = createLauncher({
    redirectUri,
    postLogoutRedirectUri,
    tabs: {
      create: async (url) => (await browser.tabs.create({ url, active: true })).id,
      update: async (tabId, url) => {
        await browser.tabs.update(tabId, { url, active: true });
      },
      remove: (tabId) => browser.tabs.remove(tabId),
    },
    settings: {
      async load(): Promise<LauncherSettings> {
        const { settings, forced, problems } = await policy;
        return {
          portalUrl: settings.portalUrl,
          portalUrlForced: forced.has('portalUrl') || !settings.allowUserPortalUrl,
          portalUrlRefused: problems.some(
            (problem) => problem.key === 'portalUrl' && problem.source === 'managed',
          ),
          clientId: settings.clientId,
          stepUpAcrValue: settings.stepUpAcrValue,
          stepUpMaxAgeSeconds: settings.stepUpMaxAgeSeconds,
          appStepUpMaxAge: settings.appStepUpMaxAge,
          apps: settings.apps,
        };
      },
      async savePortalUrl(portalUrl) {
        const saved = saveUserSettings({ portalUrl });
        policy = saved.catch(() => loadPolicy());
        await saved;
      },
    },
    log: (message) => console.warn(`Portal Launcher: ${message}`),
  });

  void installRedirectRules(
    browser.declarativeNetRequest,
    [redirectUri, postLogoutRedirectUri],
    browser.runtime.getURL('/auth.html'),
  ).catch((error: unknown) => console.error('Portal Launcher: redirect rules not installed.', error));

  // The security centre (options page): account changes with step-up in a tab (B11).
  const account = createAccountHandlers({
    api: createAccountApi((method, path, schema, body) => launcher.portalRequest(method, path, schema, body)),
    withStepUp: (reason, run) => launcher.withStepUp(reason, run),
  });

  /** Whose launcher preferences: the signed-in person at their portal (issuer + subject). */
  async function prefsOwner(): Promise<PrefsOwner | null> {
    const stored = await sessionItem.get().catch(() => null);
    return stored ? { issuer: stored.issuer, sub: stored.user.sub } : null;
  }
  const prefsForWire = (prefs: LauncherPrefs) => ({
    favorites: prefs.favorites.ids,
    recents: prefs.recents.ids,
    view: prefs.view,
  });

  /**
   * Adds what the popup's launcher view needs: brand, pinned apps and language from policy, the
   * person's job title, favorites, recents and layout, and when the session last proved a second
   * factor (for the MFA markers). Nothing token-like (A5).
   */
  async function forPopup(state: LauncherState): Promise<LauncherState> {
    const { settings } = await policy;
    const stored = state.status === 'signedIn' ? await sessionItem.get().catch(() => null) : null;
    const prefs = stored
      ? await loadPrefs({ issuer: stored.issuer, sub: stored.user.sub }).catch(() => defaultPrefs())
      : defaultPrefs();
    const auth = stored?.authentication ?? null;
    const mfaProven =
      auth && isAuthenticationSufficient(auth, mfaRequirement(null, settings.stepUpAcrValue), Date.now());
    const result: LauncherState = {
      // state.user carries the job title, from the catalog cache the launcher already read and checked.
      ...state,
      launcher: {
        brandName: settings.brandName,
        brandColor: settings.brandColor,
        pinnedApps: settings.pinnedApps,
        mfaAuthTime: mfaProven ? auth.authTime : null,
        stepUpMaxAgeSeconds: settings.stepUpMaxAgeSeconds,
        appStepUpMaxAge: settings.appStepUpMaxAge,
        prefs: prefsForWire(prefs),
        language: settings.language,
        theme: settings.theme,
      },
    };
    // What the next popup paints before asking (issue 4 speed): kept in step with every answer.
    await publishPopupSnapshot(result, stored ? { issuer: stored.issuer, sub: stored.user.sub } : null);
    return result;
  }

  /** What the toolbar shows (issue 4 item 5): read from the session and policy only, no catalog. */
  async function toolbarInput(): Promise<ToolbarInput> {
    const { settings } = await policy;
    if (!settings.portalUrl) return { kind: 'unconfigured' };
    const stored = await sessionItem.get().catch(() => null);
    if (!stored || stored.issuer !== settings.portalUrl || stored.clientId !== settings.clientId) {
      return { kind: 'signedOut' };
    }
    const auth = stored.authentication;
    const mfaProven = isAuthenticationSufficient(
      auth,
      mfaRequirement(null, settings.stepUpAcrValue),
      Date.now(),
    );
    return {
      kind: 'signedIn',
      name: stored.user.name ?? stored.user.email ?? stored.user.sub,
      mfaAuthTime: mfaProven ? auth.authTime : null,
      mfaMaxAgeSeconds: settings.stepUpMaxAgeSeconds,
      portalUnreachable: await portalUnreachableItem.get().catch(() => false),
    };
  }
  // One update at a time, in order, so a slow earlier one never overwrites a later state.
  let toolbarUpdates: Promise<void> = Promise.resolve();
  function refreshToolbar(): void {
    toolbarUpdates = toolbarUpdates
      .then(async () => {
        const input = await toolbarInput();
        await chooseLanguage((await policy).settings.language);
        await applyToolbarView(browser, toolbarView(input, Date.now(), t));
      })
      .catch(() => undefined);
  }
  /** Runs a handler, then brings the toolbar up to date whatever the outcome. */
  function updatingToolbar<A extends unknown[], R>(handler: (...args: A) => Promise<R>) {
    return async (...args: A): Promise<R> => {
      try {
        return await handler(...args);
      } finally {
        refreshToolbar();
      }
    };
  }

  registerMessageHandlers(browser.runtime, {
    ...account,
    getState: updatingToolbar(async ({ refresh }) => {
      const state = await launcher.getState(refresh ?? false);
      // Only a refresh says whether the portal answers; a cached read says nothing about it.
      if (refresh && state.status === 'signedIn') {
        await portalUnreachableItem.set(state.appsProblem?.code === 'network').catch(() => undefined);
      }
      return forPopup(state);
    }),
    setPortalUrl: updatingToolbar(async ({ portalUrl }) => forPopup(await launcher.setPortalUrl(portalUrl))),
    probePortal: ({ portalUrl }) => probePortal(portalUrl),
    signIn: updatingToolbar(async () => forPopup(await launcher.signIn())),
    signOut: updatingToolbar(async () => forPopup(await launcher.signOut())),
    launchApp: updatingToolbar(async ({ appId }) => {
      // Started before anything is awaited, so concurrent launches reach the launcher in the order
      // they arrived and can share one step-up tab (C6).
      const launching = launcher.launchApp(appId);
      const owner = await prefsOwner();
      // A launch talks to the portal too: its outcome says whether the portal answers (toolbar, C3).
      const result = await launching.catch(async (error: unknown) => {
        // AuthError or PortalApiError: both name an unreachable portal `network`.
        if ((error as { code?: unknown } | null)?.code === 'network') {
          await portalUnreachableItem.set(true).catch(() => undefined);
        }
        throw error;
      });
      if (result.outcome === 'opened') await portalUnreachableItem.set(false).catch(() => undefined);
      // Recorded here, not in the popup: the popup may close when the app's tab opens.
      if (owner && result.outcome === 'opened') {
        await updatePrefs(owner, (prefs) => applyPrefsChange(prefs, { action: 'launched', appId }, []))
          .then((prefs) => updatePopupSnapshotPrefs(prefsForWire(prefs)))
          .catch(() => undefined);
      }
      return result;
    }),
    changePrefs: async (change) => {
      const owner = await prefsOwner();
      if (!owner) throw new AuthError('signed_out', 'You are signed out. Sign in to continue.');
      const { settings } = await policy;
      const prefs = prefsForWire(
        await updatePrefs(owner, (prefs) => applyPrefsChange(prefs, change, settings.pinnedApps)),
      );
      await updatePopupSnapshotPrefs(prefs);
      return prefs;
    },
    dismissNotice: async () => {
      await launcher.dismissNotice();
      return {};
    },
    // Sign-in and step-up finish here, possibly in a worker restarted since the popup asked.
    completeAuthorization: updatingToolbar(async ({ url }, sender) => {
      if (!isTopLevelPage(sender)) {
        throw new MessageError(
          'forbidden_sender',
          'Refused: sign-in finishes only in its own tab, not in a frame.',
        );
      }
      return launcher.completeAuthorization(url, sender.tab?.id);
    }),
  });

  // The toolbar: now (worker start), every minute while a second factor is fresh, on policy changes.
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === TOOLBAR_ALARM) refreshToolbar();
  });
  refreshToolbar();

  browser.tabs.onRemoved.addListener((tabId) => {
    void launcher.handleTabRemoved(tabId);
  });

  void policy.then((initial) =>
    watchPolicy(
      (change) => {
        policy = Promise.resolve(change);
        refreshToolbar();
        // Open popups ask for the state again (a policy that arrived after they opened).
        const announce = () => stateChangedItem.set(Date.now()).catch(() => undefined);
        void announce();
        // A11: another issuer or client id means the session belongs to someone else.
        if (change.identityChanged) {
          void launcher
            .handleIdentityChange()
            .catch((error: unknown) =>
              console.warn('Portal Launcher: sign-out after a policy change failed.', error),
            )
            .then(() => {
              refreshToolbar();
              return announce();
            });
        }
      },
      { initial },
    ),
  );

  // Surface unexpected (non-AuthError) failures once, without token material.
  self.addEventListener('unhandledrejection', (event) => {
    if (event.reason instanceof AuthError) event.preventDefault();
  });
});
