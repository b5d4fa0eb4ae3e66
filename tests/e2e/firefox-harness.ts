/**
 * End-to-end harness for Firefox: Debian's Firefox ESR driven by
 * puppeteer-core over WebDriver BiDi, with the built extension
 * (`.output/firefox-mv3`, built by ./firefox-build.ts when missing or stale).
 * {@link startFirefoxHarness} adds a real reference portal (fresh data folder,
 * random port, demo data); {@link launchFirefoxExtension} leaves the identity
 * provider to the caller (Glewlwyd in ./glewlwyd-firefox.test.ts).
 *
 * Findings (measured on Firefox ESR 153.8 + puppeteer-core 24.43, Debian 12,
 * headless, root, no network), and what this harness does about each:
 *
 * - Driving: `puppeteer.launch({ browser: 'firefox', executablePath:
 *   '/usr/bin/firefox-esr', headless: true })` speaks WebDriver BiDi. Start to
 *   first command ≈ 6–9 s (a fresh profile is slow on first start).
 * - Install: `browser.installExtension(dir)` installs the unpacked build as a
 *   temporary add-on in ≈ 0.3 s; it needs `browser_specific_settings.gecko.id`
 *   and returns that id.
 * - Extension UUID: random per profile unless pinned. The pref
 *   `extensions.webextensions.uuids` (`{"<gecko id>": "<uuid>"}`) pins it, so
 *   the test knows `moz-extension://<uuid>/popup.html`.
 * - Opening extension pages: BiDi refuses `browsingContext.navigate` to
 *   `moz-extension://` ("unsupported operation … not allowed in this context",
 *   webdriver-bidi/modules/root/browsingContext.sys.mjs) unless Firefox runs
 *   with `--remote-allow-system-access`; with it the page loads, but the
 *   navigation is never reported back (puppeteer issue #14314), so `goto`
 *   times out and `page.url()` stays stale. Scripts, selectors and clicks
 *   work in the page all the same. So: start `goto` without waiting for it,
 *   then poll `location.href` by evaluation. The same holds for a tab that
 *   passes through an extension page (the auth page after the redirect): wait
 *   on `location.href`, never on navigation events.
 * - Redirect URI: `identity.getRedirectURL('callback')` for gecko id
 *   `portal-launcher@portal-launcher.dev` is
 *   `https://0c88a22ae8002f26eeb6b493b274e4b4f9baea18.extensions.allizom.org/callback`
 *   (SHA-1 of the id, hex; domain from the pref
 *   `extensions.webextensions.identity.redirectDomain`), which equals
 *   FIREFOX_REDIRECT_URI in contract/constants.ts.
 * - declarativeNetRequest (A14): a session rule with `regexSubstitution` to
 *   `moz-extension://<uuid>/auth.html#\0` diverts a top-level navigation to
 *   the redirect URI, with `declarativeNetRequestWithHostAccess` and the
 *   redirect host in `host_permissions`. The target must be listed in
 *   `web_accessible_resources` for the portal's origin: without that entry
 *   the tab stays on the portal page and the auth page never loads. Firefox
 *   ESR 153's manifest schema has no `use_dynamic_url`; the per-profile
 *   random UUID plays that role. No request reaches the network (below).
 * - Host permissions: Firefox MV3 grants `host_permissions` of a temporary
 *   add-on at install (`permissions.getAll()` lists the redirect host).
 *   `optional_host_permissions` need `permissions.request` inside a user
 *   gesture; a BiDi click is a trusted gesture, and the pref
 *   `extensions.webextOptionalPermissionPrompts=false` grants without the
 *   doorhanger (browser chrome that automation cannot click). With the
 *   portal's host permission the background's requests are not subject to
 *   CORS (`Sec-Fetch-Site: same-origin`).
 * - `Origin`: the background's POSTs carry `Origin: moz-extension://<uuid>`,
 *   a UUID random per profile, so the portal cannot list it the way it lists
 *   the pinned Chromium origin. oidc-provider's `clientBasedCORS` refused the
 *   token request (`invalid_request`, "origin … not allowed for client")
 *   until it accepted Firefox extension origins (`isLauncherOrigin` in
 *   contract/constants.ts).
 * - `storage.session`: present and writable in the background, readable
 *   from extension pages (Firefox ≥ 115).
 * - Background: an event page (`background.scripts`, a window global, no
 *   service worker), which WXT emits for Firefox MV3. Firefox suspends it
 *   after `extensions.background.idle.timeout` (30 s) of idleness; a pending
 *   listener promise (the popup's `signIn` waiting for the tab) buys one
 *   extension only (parent/ext-backgroundPage.js), so a slow sign-in does
 *   outlive it. `extension.getBackgroundPage()` in an extension page answers
 *   null while it is suspended, which lets a test see it. The redirect to the
 *   auth page wakes it and the saved flow completes (C1); the popup's own
 *   pending `signIn` message then never settles (the real toolbar popup has
 *   closed by then anyway). The same cut hits any handler that runs longer
 *   than two idle periods: with a 1 s timeout, saving the portal address
 *   (cold start + discovery) sometimes never answered under load, and with
 *   3 s the woken page's code exchange was sometimes cut on a loaded 2-core
 *   machine; 6 s is reliable for tests. The event page is not a tab, so puppeteer has no
 *   page for it: this harness records the console of tabs only.
 * - WXT 0.20 builds Firefox as MV2 unless asked for MV3 (`--mv3` or
 *   `manifestVersion: 3`).
 * - Network observation: Firefox has no `--host-resolver-rules`. Instead every
 *   non-loopback request goes through a recording proxy in this process
 *   (`network.proxy.*` prefs; loopback is never proxied), which answers
 *   nothing. A request to the redirect host would show up there as
 *   `CONNECT <host>:443` (A14). The harness proves the proxy sees traffic
 *   before the test relies on its silence.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { GECKO_EXTENSION_ID } from '../../contract/constants.ts';
import { findFirefox } from '../../scripts/firefox.ts';
import type { RunningPortal, StartPortalOptions } from '../../server/src/app.ts';
import { startTestPortal } from '../../server/test/portal.ts';
import { ensureFirefoxBuild, FIREFOX_EXTENSION_DIR } from './firefox-build.ts';
import {
  addFirefoxAuthenticator,
  type FirefoxAuthenticator,
  VIRTUAL_AUTHENTICATOR_PREFS,
} from './marionette.ts';
import { fillPortalSignIn, submitCode, totpGenerator } from './portal-pages.ts';
import { type ProxiedRequest, startRecordingProxy } from './recording-proxy.ts';

export { checkProxyRecords, type ProxiedRequest } from './recording-proxy.ts';
export { ensureFirefoxBuild, FIREFOX_EXTENSION_DIR };
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../../test-artifacts');

/** Firefox ESR with the built extension installed, observed (no identity provider attached). */
export interface FirefoxExtensionBrowser {
  browser: Browser;
  /** `moz-extension://<pinned uuid>` */
  extensionOrigin: string;
  /** Everything Firefox tried to send to a non-loopback address. */
  proxied: ProxiedRequest[];
  consoleLines: string[];
  timings: { buildMs: number; firefoxStartMs: number; installMs: number };
  /** Opens `popup.html` in a tab (Firefox's toolbar panel cannot be driven by BiDi). */
  openPopup(): Promise<Page>;
  /** The next tab whose URL starts with `prefix` (opened by the extension). */
  waitForTab(prefix: string, timeoutMs?: number): Promise<Page>;
  /** Waits until the document in `page` is at an address starting with `prefix` (works across extension pages). */
  waitForLocation(page: Page, prefix: string, timeoutMs?: number): Promise<string>;
  /** The browser's virtual WebAuthn authenticator, when asked for (marionette.ts). */
  authenticator: FirefoxAuthenticator | null;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** The extension in Firefox beside a real reference portal. */
export interface FirefoxHarness extends FirefoxExtensionBrowser {
  portal: RunningPortal;
  /** The portal's log lines (audit included), for diagnosing a failure. */
  portalLogs: string[];
  /** A fresh TOTP code for alice (each step is accepted once, B8). */
  totp(): Promise<string>;
}

export interface FirefoxBrowserOptions {
  /** More Firefox preferences (e.g. a short `extensions.background.idle.timeout`). */
  prefs?: Record<string, unknown>;
  /**
   * Runs before Firefox starts, e.g. to write a policies.json naming the provider's issuer (Firefox
   * reads enterprise policy only at start).
   */
  beforeBrowser?: () => void | Promise<void>;
  /** Add a virtual WebAuthn authenticator to the browser (through Marionette, marionette.ts). */
  virtualAuthenticator?: boolean;
}

export interface FirefoxHarnessOptions extends Omit<FirefoxBrowserOptions, 'beforeBrowser'> {
  portal?: Partial<StartPortalOptions>;
  /** Runs once the portal is up and before Firefox starts ({@link FirefoxBrowserOptions}). */
  beforeBrowser?: (portal: RunningPortal) => void | Promise<void>;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** `location.href` of the page's current document, or null while it is between documents. */
async function currentHref(page: Page): Promise<string | null> {
  try {
    return await page.evaluate(() => location.href);
  } catch {
    return null;
  }
}

/** Starts the reference portal, then Firefox ESR with the built extension installed. */
export async function startFirefoxHarness(options: FirefoxHarnessOptions = {}): Promise<FirefoxHarness> {
  const portal = await startTestPortal(options.portal);
  let firefox: FirefoxExtensionBrowser;
  try {
    firefox = await launchFirefoxExtension({
      ...options,
      beforeBrowser: () => options.beforeBrowser?.(portal),
    });
  } catch (error) {
    await portal.close().catch(() => undefined);
    rmSync(portal.dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...firefox,
    portal,
    portalLogs: portal.logs,
    totp: totpGenerator(portal.demo?.alice.totpSecret),
    async close() {
      await firefox.close();
      await portal.close().catch(() => undefined);
      rmSync(portal.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts Firefox ESR with the built extension installed and every non-loopback request going to the
 * recording proxy. Any identity provider is the caller's: {@link startFirefoxHarness} adds the
 * reference portal.
 */
export async function launchFirefoxExtension(
  options: FirefoxBrowserOptions = {},
): Promise<FirefoxExtensionBrowser> {
  // Fail loudly (not skip) when the browser or the build is missing.
  const executablePath = findFirefox();
  const buildStarted = Date.now();
  ensureFirefoxBuild();
  const buildMs = Date.now() - buildStarted;
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'launcher-ff-profile-'));
  const uuid = randomUUID();
  const extensionOrigin = `moz-extension://${uuid}`;

  const proxy = await startRecordingProxy();

  const started = Date.now();
  let browser: Browser;
  try {
    await options.beforeBrowser?.();
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath,
      headless: true,
      userDataDir: profileDir,
      // Lets BiDi navigate a tab to moz-extension:// (the popup page); see the findings above.
      args: ['--remote-allow-system-access', ...(options.virtualAuthenticator ? ['--marionette'] : [])],
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [GECKO_EXTENSION_ID]: uuid }),
        // The optional-permission doorhanger is browser chrome that automation cannot click.
        'extensions.webextOptionalPermissionPrompts': false,
        // Every non-loopback request goes to the recording proxy (loopback is never proxied).
        'network.proxy.type': 1,
        'network.proxy.http': '127.0.0.1',
        'network.proxy.http_port': proxy.port,
        'network.proxy.ssl': '127.0.0.1',
        'network.proxy.ssl_port': proxy.port,
        'network.proxy.share_proxy_settings': false,
        'network.proxy.no_proxies_on': '',
        'network.proxy.allow_hijacking_localhost': false,
        // Quiet background traffic that would only add noise to the proxy log.
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
        'browser.region.network.url': '',
        'browser.safebrowsing.provider.mozilla.updateURL': '',
        ...(options.virtualAuthenticator ? VIRTUAL_AUTHENTICATOR_PREFS : {}),
        ...options.prefs,
      },
    });
  } catch (error) {
    await proxy.close();
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
  const firefoxStartMs = Date.now() - started;

  let authenticator: FirefoxAuthenticator | null = null;
  async function closeAll(): Promise<void> {
    authenticator?.close();
    await browser.close().catch(() => undefined);
    await proxy.close();
    rmSync(profileDir, { recursive: true, force: true });
  }

  const installStarted = Date.now();
  try {
    const installedId = await browser.installExtension(FIREFOX_EXTENSION_DIR);
    if (installedId !== GECKO_EXTENSION_ID) {
      throw new Error(`Installed add-on id is ${installedId}, expected ${GECKO_EXTENSION_ID}.`);
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  const installMs = Date.now() - installStarted;
  if (options.virtualAuthenticator) {
    try {
      authenticator = await addFirefoxAuthenticator(profileDir);
    } catch (error) {
      await closeAll();
      throw error;
    }
  }

  const consoleLines: string[] = [];
  const observed = new WeakSet<Page>();
  function observe(page: Page): void {
    if (observed.has(page)) return;
    observed.add(page);
    page.on('console', (message) => consoleLines.push(message.text()));
    page.on('pageerror', (error) => consoleLines.push(String(error)));
  }
  browser.on('targetcreated', (target) => {
    void target.page().then((page) => page && observe(page));
  });

  /**
   * Opens a blank tab. Firefox creates it next to the last focused tab; when the extension closes
   * that tab at the same moment (the sign-in tab after its redirect), browsingContext.create fails
   * with DiscardedBrowsingContextError although nothing is wrong: try again, a few times.
   */
  async function newTab(): Promise<Page> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await browser.newPage();
      } catch (error) {
        const discarded = /DiscardedBrowsingContext|no such frame/.test(String(error));
        if (!discarded || attempt === 3) throw error;
        await sleep(250);
      }
    }
  }

  const harness: FirefoxExtensionBrowser = {
    browser,
    extensionOrigin,
    proxied: proxy.requests,
    consoleLines,
    timings: { buildMs, firefoxStartMs, installMs },
    async openPopup() {
      const page = await newTab();
      observe(page);
      await page.setViewport({ width: 360, height: 520 });
      const url = `${extensionOrigin}/popup.html`;
      // The navigation is never reported back (see the findings): do not wait on it.
      page.goto(url, { timeout: 0 }).catch(() => undefined);
      await harness.waitForLocation(page, url);
      return page;
    },
    async waitForTab(prefix, timeoutMs = 15_000) {
      const target = await browser.waitForTarget((t) => t.type() === 'page' && t.url().startsWith(prefix), {
        timeout: timeoutMs,
      });
      const page = await target.page();
      if (!page) throw new Error(`No page for ${prefix}`);
      observe(page);
      return page;
    },
    async waitForLocation(page, prefix, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let href: string | null = null;
      while (Date.now() < deadline) {
        href = await currentHref(page);
        if (href?.startsWith(prefix)) return href;
        await sleep(100);
      }
      throw new Error(`The tab did not reach ${prefix} within ${timeoutMs} ms (last at ${href}).`);
    },
    authenticator,
    async screenshot(page, name) {
      await page.bringToFront();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`) as `${string}.png` });
    },
    close: closeAll,
  };
  return harness;
}

/** Types into the portal's sign-in pages: email → password (→ code when asked). */
export const completePortalSignIn = fillPortalSignIn;

/** Submits a second-factor code on the portal's code page. */
export const enterCode = submitCode;

/** Waits until the popup lists apps (signed in) and returns their ids. */
export async function waitForApps(popup: Page): Promise<string[]> {
  try {
    await popup.waitForSelector('button[data-app-id]', { timeout: 20_000 });
  } catch (error) {
    const shown = await popup.evaluate(() => document.body.textContent).catch(() => '(unreadable)');
    throw new Error(`The popup lists no apps. It shows:\n${shown}`, { cause: error });
  }
  return popup.$$eval('button[data-app-id]', (buttons) =>
    buttons.map((b) => b.getAttribute('data-app-id') ?? ''),
  );
}

/** Opens an extension page in a new tab (BiDi never reports moz-extension:// navigations: poll instead). */
export async function openExtensionPage(h: FirefoxHarness, pathAndHash: string): Promise<Page> {
  const page = await h.browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const url = `${h.extensionOrigin}/${pathAndHash}`;
  page.goto(url, { timeout: 0 }).catch(() => undefined);
  await h.waitForLocation(page, url);
  return page;
}

/** Types the portal address into the first-run form; the click grants the portal's host permission. */
export async function connectPortal(h: FirefoxHarness, popup: Page): Promise<void> {
  await popup.waitForSelector('[data-testid="first-run"] #portal');
  await popup.type('#portal', h.portal.issuer);
  // The click is the user gesture Firefox needs for permissions.request.
  await popup.click('[data-testid="first-run"] button[type="submit"]');
  await popup.waitForSelector('button::-p-text(Sign in)');
}
