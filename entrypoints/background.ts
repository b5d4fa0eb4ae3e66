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
import { createAccountHandlers } from '../utils/account/handlers.ts';
import { AuthError } from '../utils/auth/errors.ts';
import { createLauncher, type LauncherSettings } from '../utils/auth/launcher.ts';
import { installRedirectRules } from '../utils/auth/redirect-rules.ts';
import { registerMessageHandlers } from '../utils/messaging.ts';
import { loadPolicy, type PolicyResult, saveUserSettings, watchPolicy } from '../utils/policy/index.ts';
import { createAccountApi } from '../utils/portal/account-api.ts';
import {
  CHROME_POST_LOGOUT_REDIRECT_URI,
  CHROME_REDIRECT_URI,
  FIREFOX_POST_LOGOUT_REDIRECT_URI,
  FIREFOX_REDIRECT_URI,
} from '../utils/portal/contract.ts';

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
        const { settings, forced } = await policy;
        return {
          portalUrl: settings.portalUrl,
          portalUrlForced: forced.has('portalUrl') || !settings.allowUserPortalUrl,
          clientId: settings.clientId,
          stepUpAcrValue: settings.stepUpAcrValue,
          stepUpMaxAgeSeconds: settings.stepUpMaxAgeSeconds,
          appStepUpMaxAge: settings.appStepUpMaxAge,
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

  registerMessageHandlers(browser.runtime, {
    ...account,
    getState: ({ refresh }) => launcher.getState(refresh ?? false),
    setPortalUrl: ({ portalUrl }) => launcher.setPortalUrl(portalUrl),
    signIn: () => launcher.signIn(),
    signOut: () => launcher.signOut(),
    launchApp: ({ appId }) => launcher.launchApp(appId),
    dismissNotice: async () => {
      await launcher.dismissNotice();
      return {};
    },
    completeAuthorization: ({ url }, sender) => launcher.completeAuthorization(url, sender.tab?.id),
  });

  browser.tabs.onRemoved.addListener((tabId) => {
    void launcher.handleTabRemoved(tabId);
  });

  void policy.then((initial) =>
    watchPolicy(
      (change) => {
        policy = Promise.resolve(change);
        // A11: another issuer or client id means the session belongs to someone else.
        if (change.identityChanged) void launcher.handleIdentityChange();
      },
      { initial },
    ),
  );

  // Surface unexpected (non-AuthError) failures once, without token material.
  self.addEventListener('unhandledrejection', (event) => {
    if (event.reason instanceof AuthError) event.preventDefault();
  });
});
