import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';
import { OUTPUT_DIR } from './scripts/output-dir.ts';

/**
 * Development manifest key: a clearly marked TEST key (keys/dev-extension-key.pem)
 * that fixes the extension id to CHROME_EXTENSION_ID in contract/constants.ts.
 */
const DEV_MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAskyVD9LGO5Ch2RMGBq5w7b2NV9QkP5MlF4z63hiGH525zlvwAYxj4p6IK/0DnKg1JdG6GvVQU+lXeA5+dbxX6WQ0qlvQYSuZVRNh1+Ksr39yh4TDr6+hbqdq1ohBwxgeDSeDylMq/ddGVFr3EElipOUXgXZWndz3xRFpX9hOBDapksgDE90z1sLUK94/6EvFcm1DFszvgCNAWzQt22Nu6Btuvk70atiShR7McdggUrqNxYwW+XwGsOWj1ZxC6ANke8gcBsXKlTcS5gpF0JT3XgvqU4f4jMiF1GP17XK8SdHw3nn7E+mU+ZCBafP6wEe20/0Ajc8d5pHDDtQspLGgIwIDAQAB';

/** Same values as CHROME_EXTENSION_ID / the Firefox redirect host in contract/constants.ts. */
const CHROME_REDIRECT_HOST = 'gfijghhkgcaccgnlhoolghnaabcmiblm.chromiumapp.org';
const FIREFOX_REDIRECT_HOST = '0c88a22ae8002f26eeb6b493b274e4b4f9baea18.extensions.allizom.org';
const GECKO_ID = 'portal-launcher@portal-launcher.dev';

export default defineConfig({
  srcDir: '.',
  outDir: OUTPUT_DIR,
  imports: false,
  // MV3 everywhere: WXT 0.20 builds Firefox as MV2 unless told, and this manifest (host_permissions,
  // optional_host_permissions, DNR, storage.session) is MV3 only. Chromium's default is already 3.
  manifestVersion: 3,
  vite: () => ({ plugins: [preact()] }),
  hooks: {
    // The popup is built on its own (issue 15): WXT builds every HTML page in one group, which splits
    // the modules the popup shares with the options and auth pages into chunks of their own, each
    // one more render-blocking request before the popup's first frame. Alone, popup.html loads one
    // script and one style sheet.
    'entrypoints:grouped': (_wxt, groups) => {
      for (const [index, group] of groups.entries()) {
        if (!Array.isArray(group) || group.length < 2) continue;
        const popup = group.find((entry) => entry.type === 'popup');
        if (!popup) continue;
        groups[index] = group.filter((entry) => entry !== popup);
        groups.push([popup]);
        return;
      }
    },
  },
  manifest: ({ browser }) => {
    const firefox = browser === 'firefox';
    return {
      name: 'Portal Launcher',
      description: "Your company's apps, one click away, with single sign-on.",
      // public/_locales: English, German, Arabic (the popup's strings).
      default_locale: 'en',
      // Opens the popup from the keyboard anywhere in the browser.
      commands: { _execute_action: { suggested_key: { default: 'Alt+Shift+L' } } },
      ...(firefox
        ? {
            browser_specific_settings: {
              gecko: {
                id: GECKO_ID,
                strict_min_version: '128.0',
                // It exchanges sign-in tokens with the employer's own portal, nothing else.
                data_collection_permissions: { required: ['authenticationInfo'] },
              },
            },
          }
        : { key: DEV_MANIFEST_KEY }),
      icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
      action: { default_title: 'Portal Launcher', default_icon: { 16: 'icon/16.png', 32: 'icon/32.png' } },
      // A7: each permission, and why.
      permissions: [
        // storage: tokens in storage.session (A5), pending flows (C1), user settings, managed policy.
        'storage',
        // declarativeNetRequestWithHostAccess: the session rule that diverts the redirect URI to the
        // auth page before any request leaves the browser (A14). "WithHostAccess" acts only where we
        // hold host permission (the redirect host below) and shows no install warning.
        'declarativeNetRequestWithHostAccess',
        // alarms: keeps the toolbar's "MFA fresh, N min left" badge current once a minute; an MV3
        // worker has no lasting timers. No install warning.
        'alarms',
        // notifications: a push prompt (issue 13: "Sign-in to Payroll from Firefox on Windows, 10:42 —
        // approve?") reaches the person while the popup is closed. Used only while this browser is an
        // enrolled approver. Install warning: "Display notifications".
        'notifications',
      ],
      // A7: only our own redirect host, which exists solely to be caught (no site is behind it for us).
      // DNR needs host access to the request URL to redirect a navigation.
      host_permissions: [`https://${firefox ? FIREFOX_REDIRECT_HOST : CHROME_REDIRECT_HOST}/*`],
      // A7: the portal origin, requested at run time for the one address the employee types (or the
      // admin sets), so the background can reach a portal that does not allow the extension origin by
      // CORS. Never granted wholesale.
      optional_host_permissions: ['https://*/*', 'http://127.0.0.1/*', 'http://localhost/*'],
      // A7/A14: only the auth page, so the DNR redirect of the redirect URI can land on it. Not behind
      // use_dynamic_url: Chromium 156 then blocks (ERR_BLOCKED_BY_CLIENT) the redirect when the portal
      // answers the authorization request at once (a still-valid portal session, e.g. after a browser
      // restart), because the rule's target is the static URL. The cost is that a web page can tell
      // the extension is installed; the page itself does nothing without the background's single-use
      // state (A2). Firefox has no use_dynamic_url; its moz-extension UUID is random per profile.
      web_accessible_resources: [
        firefox
          ? { resources: ['auth.html'], matches: ['https://*/*', 'http://127.0.0.1/*', 'http://localhost/*'] }
          : {
              resources: ['auth.html'],
              matches: ['https://*/*', 'http://127.0.0.1/*', 'http://localhost/*'],
              use_dynamic_url: false,
            },
      ],
      // Managed policy schema (public/managed_schema.json, utils/policy). Chromium only.
      ...(firefox ? {} : { storage: { managed_schema: 'managed_schema.json' } }),
      // No content_scripts, no externally_connectable entries: nothing outside the extension can
      // message it (A6). Default MV3 CSP (A8).
    };
  },
});
