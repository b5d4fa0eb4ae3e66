/**
 * Background service worker: wiring only. It creates the services, installs
 * the redirect rules (A14), registers the message handlers (A6) and the tab,
 * alarm and policy listeners. All logic lives in utils/. Start-up work other
 * than the redirect rules waits for the first answer (utils/startup-jobs.ts).
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
import { installRedirectRules } from '../utils/auth/redirect-rules.ts';
import { createPopupOwner } from '../utils/catalog/first-screen-owner.ts';
import { announceStateChange, createPopupView } from '../utils/catalog/popup-view.ts';
import { createPrefsService } from '../utils/catalog/prefs-service.ts';
import { chooseLanguage } from '../utils/i18n.ts';
import { createLauncherHandlers, onPolicyChange } from '../utils/launcher/handlers.ts';
import { createLauncher } from '../utils/launcher/launcher.ts';
import { settingsPortFrom, tabsPortFrom } from '../utils/launcher/ports.ts';
import { registerMessageHandlers } from '../utils/messaging.ts';
import { createPolicyStore } from '../utils/policy/policy-store.ts';
import { createAccountApi } from '../utils/portal/account-api.ts';
import { probePortal } from '../utils/portal/probe.ts';
import { createPushService } from '../utils/push/push-service.ts';
import { createStartupJobs } from '../utils/startup-jobs.ts';
import { createToolbarService } from '../utils/toolbar/toolbar-service.ts';

export default defineBackground(() => {
  const firefox = import.meta.env.FIREFOX;
  const redirectUri = firefox ? FIREFOX_REDIRECT_URI : CHROME_REDIRECT_URI;
  const postLogoutRedirectUri = firefox ? FIREFOX_POST_LOGOUT_REDIRECT_URI : CHROME_POST_LOGOUT_REDIRECT_URI;

  // Services. Policy first: every other one reads the settings through it.
  const policy = createPolicyStore();
  const settings = async () => (await policy.current()).settings;
  const toolbar = createToolbarService({ apis: browser, settings });
  const prefs = createPrefsService({ pinnedApps: async () => (await settings()).pinnedApps });
  // Who the popup's first-screen snapshot may be shown to: named in the popup's address (issue 15).
  const popupOwner = createPopupOwner();
  const popupView = createPopupView({ settings, prefs, popupOwner, session: () => launcher.storedSession() });
  const launcher = createLauncher({
    redirectUri,
    postLogoutRedirectUri,
    tabs: tabsPortFrom(browser.tabs),
    settings: settingsPortFrom(policy),
    onLaunched: (appId) => prefs.recordLaunch(appId),
    // Every change reaches every open popup and options page, not only the page that asked.
    onStateChange: () => {
      toolbar.refresh();
      void announceStateChange();
      void push.refresh();
    },
    log: (message) => console.warn(`Portal Launcher: ${message}`),
  });
  // The popup's first question, which usually is what woke the worker, needs the session: its read
  // starts now, while the rest is wired, and the launcher keeps it (issue 15).
  void launcher.storedSession().catch(() => undefined);
  // The security centre (options page): account changes with step-up in a tab (B11).
  const account = createAccountHandlers({
    api: createAccountApi((method, path, schema, body) => launcher.portalRequest(method, path, schema, body)),
    withStepUp: (reason, run) => launcher.withStepUp(reason, run),
  });

  // Push approvals (issue 13): listens for prompts while signed in and enrolled, shows notifications.
  const push = createPushService({
    apis: browser,
    account: () => launcher.portalAccount(),
    request: (method, path, schema, body) => launcher.portalRequest(method, path, schema, body),
    stream: (path, signal) => launcher.portalStream(path, signal),
    withStepUp: (reason, run) => launcher.withStepUp(reason, run),
    useLanguage: async () => chooseLanguage((await settings()).language),
    firefox,
    log: (message) => console.warn(`Portal Launcher: ${message}`),
  });

  // The redirect rules (A14) go in at once, not with the deferred jobs below: the worker may have
  // been started by an update or a browser start while a sign-in's redirect is on its way. Session
  // rules outlive worker restarts, not those; one DNR call costs the first answer next to nothing.
  void installRedirectRules(
    browser.declarativeNetRequest,
    [redirectUri, postLogoutRedirectUri],
    browser.runtime.getURL('/auth.html'),
  ).catch((error: unknown) => console.error('Portal Launcher: redirect rules not installed.', error));

  // Other start-up work no event waits for runs after the first answer, so a popup that woke the
  // worker is answered first (issue 15). Listeners are still all registered below, synchronously (C1).
  const startup = createStartupJobs();

  registerMessageHandlers(
    browser.runtime,
    {
      ...account,
      ...push.handlers,
      ...createLauncherHandlers({
        launcher,
        forPopup: popupView.forPopup,
        prefs,
        updating: toolbar.updating,
      }),
      probePortal: ({ portalUrl }) => probePortal(portalUrl),
    },
    startup.answered,
  );

  // Listeners: the toolbar's minute alarm and the push alarm, notification clicks, closed flow tabs
  // (C5), policy changes (A11).
  browser.alarms.onAlarm.addListener((alarm) => {
    toolbar.handleAlarm(alarm);
    void push.handleAlarm(alarm);
  });
  browser.notifications.onClicked.addListener((id) => void push.handleNotificationClick(id));
  browser.tabs.onRemoved.addListener((tabId) => void launcher.handleTabRemoved(tabId));
  // A browser start wakes the worker, so the rules and the toolbar are in place before any click.
  browser.runtime.onStartup.addListener(() => undefined);
  popupOwner.watch();
  policy.watch(onPolicyChange({ launcher, refreshToolbar: toolbar.refresh }));
  startup.add(() => popupOwner.reconcile());
  startup.add(toolbar.refresh);
  startup.add(() => push.refresh());

  // Surface unexpected (non-AuthError) failures once, without token material.
  self.addEventListener('unhandledrejection', (event) => {
    if (event.reason instanceof AuthError) event.preventDefault();
  });
});
