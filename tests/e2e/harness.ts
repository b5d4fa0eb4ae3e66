/**
 * End-to-end harness: a real reference portal (fresh data folder, random
 * port, demo data) and real Chromium (puppeteer-core) with the built
 * extension (`.output/chrome-mv3`, run `wxt build` first).
 *
 * It records every network request the browser makes (CDP, per target) and
 * every console line of every extension context, so tests can assert on what
 * left the browser (A14) and what was logged (A5).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page, type Target, type WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../contract/constants.ts';
import { chromiumArgs, findBrowser } from '../../scripts/browser.ts';
import { builtExtensionDir } from '../../scripts/output-dir.ts';
import type { RunningPortal, StartPortalOptions } from '../../server/src/app.ts';
import { enrollConfirmedTotp, generateTotpSecret } from '../../server/src/services/totp.ts';
import { startTestPortal, type TestPortal } from '../../server/test/portal.ts';
import { fillPortalSignIn, submitCode, totpGenerator } from './portal-pages.ts';

export const EXTENSION_DIR = builtExtensionDir('chrome-mv3');
export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../../test-artifacts');
export const EXTENSION_ORIGIN = `chrome-extension://${CHROME_EXTENSION_ID}`;

export interface RecordedRequest {
  url: string;
  /** Where the browser actually connected (empty when the request never reached the network). */
  remoteAddress: string | null;
  /** True when the extension's DNR rule diverted it inside the browser. */
  divertedInternally: boolean;
}

/** Real Chromium with the built extension loaded, observed (no identity provider attached). */
export interface ExtensionBrowser {
  browser: Browser;
  requests: RecordedRequest[];
  consoleLines: string[];
  /** Connections that arrived where the redirect URI's host resolves (A14). */
  redirectHostConnections(): number;
  worker(): Promise<WebWorker>;
  openPopup(): Promise<Page>;
  /** The next tab whose URL starts with `prefix` (opened by the extension). */
  waitForTab(prefix: string, timeoutMs?: number): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export interface Harness extends ExtensionBrowser {
  /** The portal with its data folder (mail is written there as .eml files) and log lines. */
  portal: TestPortal;
  totp(): Promise<string>;
}

export interface HarnessOptions {
  portal?: Partial<StartPortalOptions>;
  /** Write the portal address as the user's setting before the test (skips the first-run screen). */
  configurePortal?: boolean;
  /**
   * Runs once the portal is up and before the browser starts, e.g. to write a machine policy file
   * naming the portal's issuer (Chromium reads policy at start).
   */
  beforeBrowser?: (
    portal: RunningPortal,
  ) => void | Promise<void> /** More unpacked extensions to load beside the launcher ({@link ExtensionBrowserOptions}). */;
  extraExtensions?: string[];
  /** Another build of the launcher to load instead of {@link EXTENSION_DIR} ({@link ExtensionBrowserOptions}). */
  extensionDir?: string;
  /** More environment for the browser ({@link ExtensionBrowserOptions}). */
  env?: Record<string, string>;
}

/**
 * Listens where the redirect URI's host resolves: the browser maps
 * `*.chromiumapp.org` to this listener's random loopback port, so any
 * connection here is a request that left the browser for that host (A14).
 */
async function listenForRedirectHost(): Promise<{ port: number; count(): number; close(): Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.on('error', () => undefined);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    count: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Minimal typing of the extension API as seen inside `worker.evaluate` / `page.evaluate`. */
interface ExtensionApi {
  storage: {
    local: { set(items: object): Promise<void>; get(keys?: string | null): Promise<Record<string, unknown>> };
    session: { get(keys?: string | null): Promise<Record<string, unknown>> };
  };
  runtime: { sendMessage(message: unknown): Promise<unknown> };
}

/**
 * Cast `globalThis` to this inside code passed to `evaluate` (which runs in the
 * browser, so it cannot call helpers from this file).
 */
export type WithChrome = { chrome: ExtensionApi };

/**
 * The harness of one test file: started before its tests, closed after them
 * (the setup every single-harness file repeated). Returns a stand-in that
 * forwards to it, so the file's helpers can name it at module level; using it
 * before `beforeAll` ran throws.
 */
export function useHarness(options: HarnessOptions = {}): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(options);
  }, 120_000);
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as Harness, {
    get(_target, key) {
      if (!started) throw new Error('The harness starts in beforeAll: use it inside tests and hooks.');
      return Reflect.get(started, key, started);
    },
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const portal = await startTestPortal(options.portal);
  const { dataDir } = portal;
  let chromium: ExtensionBrowser;
  try {
    chromium = await launchExtensionBrowser({
      beforeBrowser: () => options.beforeBrowser?.(portal),
      extraExtensions: options.extraExtensions,
      extensionDir: options.extensionDir,
      env: options.env,
      ...(options.configurePortal === false ? {} : { portalUrl: portal.issuer }),
    });
  } catch (error) {
    await portal.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...chromium,
    portal,
    totp: totpGenerator(portal.demo?.alice.totpSecret),
    async close() {
      await chromium.close();
      await portal.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ExtensionBrowserOptions {
  /** Runs before the browser starts, e.g. to write a machine policy file (Chromium reads policy at start). */
  beforeBrowser?: () => void | Promise<void>;
  /** Write this portal address as the user's setting before the test (skips the first-run screen). */
  portalUrl?: string /** More unpacked extensions to load beside the launcher (benchmarks: a minimal one for comparison). */;
  extraExtensions?: string[];
  /** Another build of the launcher (same id) to load instead of {@link EXTENSION_DIR}, e.g. a copy with another manifest. */
  extensionDir?: string;
  /** Variables added to the browser's environment, e.g. the DBUS_SESSION_BUS_ADDRESS of a test's desktop. */
  env?: Record<string, string>;
}

/**
 * Starts real Chromium with the built extension, records what it sends and
 * logs, and waits for the extension's service worker. Any identity provider
 * is the caller's: {@link startHarness} adds the reference portal.
 */
export async function launchExtensionBrowser(
  options: ExtensionBrowserOptions = {},
): Promise<ExtensionBrowser> {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  if (!existsSync(path.join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension in ${extensionDir}. Run \`npx wxt build\` first.`);
  }
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'launcher-e2e-profile-'));
  const listener = await listenForRedirectHost();
  await options.beforeBrowser?.();

  const browser = await puppeteer.launch({
    executablePath: findBrowser(),
    headless: true,
    pipe: true,
    enableExtensions: [extensionDir, ...(options.extraExtensions ?? [])],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    // chromiumArgs supplies --headless=new itself; puppeteer's own default flags stay.
    args: chromiumArgs({
      userDataDir: profileDir,
      headless: true,
      mapAllHostsToLoopback: true,
      extraHostRules: [`MAP *.chromiumapp.org 127.0.0.1:${listener.port}`],
    }).filter((arg) => !arg.startsWith('--user-data-dir') && !arg.startsWith('--headless')),
    userDataDir: profileDir,
  });

  const requests: RecordedRequest[] = [];
  const consoleLines: string[] = [];
  const byId = new Map<string, RecordedRequest>();

  async function record(target: Target): Promise<void> {
    const type = target.type();
    // Service workers are observed through puppeteer's own WebWorker session (a second
    // CDP session on a worker target makes evaluate fail with "Target closed").
    if (type !== 'page') return;
    try {
      const session = await target.createCDPSession();
      await session.send('Network.enable');
      await session.send('Runtime.enable');
      session.on('Network.requestWillBeSent', (event) => {
        // A redirect reuses the request id: the previous hop's response tells where it went.
        const previous = byId.get(event.requestId);
        if (previous && event.redirectResponse) {
          previous.remoteAddress = event.redirectResponse.remoteIPAddress || null;
          previous.divertedInternally =
            event.redirectResponse.headers['Non-Authoritative-Reason'] === 'WebRequest API' &&
            !event.redirectResponse.remoteIPAddress;
        }
        const entry: RecordedRequest = {
          url: event.request.url,
          remoteAddress: null,
          divertedInternally: false,
        };
        byId.set(event.requestId, entry);
        requests.push(entry);
      });
      session.on('Network.responseReceived', (event) => {
        const entry = byId.get(event.requestId);
        if (entry) entry.remoteAddress = event.response.remoteIPAddress || entry.remoteAddress;
      });
      session.on('Runtime.consoleAPICalled', (event) => {
        consoleLines.push(event.args.map((arg) => String(arg.value ?? arg.description ?? '')).join(' '));
      });
      session.on('Runtime.exceptionThrown', (event) => {
        consoleLines.push(event.exceptionDetails.exception?.description ?? event.exceptionDetails.text);
      });
      await session.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
    } catch {
      // Target closed while attaching.
    }
  }
  browser.on('targetcreated', (target: Target) => void record(target));
  for (const target of browser.targets()) void record(target);

  const observed = new WeakSet<WebWorker>();
  async function worker(): Promise<WebWorker> {
    const target = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_ORIGIN),
      { timeout: 30_000 },
    );
    const w = await target.worker();
    if (!w) throw new Error('The extension service worker is not available.');
    if (!observed.has(w)) {
      observed.add(w);
      w.on('console', (message) => consoleLines.push(message.text()));
    }
    // A worker that is still starting may not have its extension bindings yet (seen under load).
    for (let attempt = 0; attempt < 50; attempt++) {
      const ready = await w
        .evaluate(
          () => typeof (globalThis as unknown as Partial<WithChrome>).chrome?.storage?.local === 'object',
        )
        .catch(() => false);
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return w;
  }
  // Wait for the extension to be up before the test starts (and start observing its console).
  await worker();

  if (options.portalUrl) {
    const w = await worker();
    await w.evaluate(async (issuer: string) => {
      await (globalThis as unknown as WithChrome).chrome.storage.local.set({
        settings: { portalUrl: issuer },
      });
    }, options.portalUrl);
  }

  return {
    browser,
    requests,
    consoleLines,
    redirectHostConnections: () => listener.count(),
    worker,
    async openPopup() {
      const page = await browser.newPage();
      await page.setViewport({ width: 360, height: 520 });
      await page.goto(`${EXTENSION_ORIGIN}/popup.html`);
      return page;
    },
    async waitForTab(prefix, timeoutMs = 30_000) {
      const target = await browser.waitForTarget((t) => t.type() === 'page' && t.url().startsWith(prefix), {
        timeout: timeoutMs,
      });
      const page = await target.page();
      if (!page) throw new Error(`No page for ${prefix}`);
      // Under load the page object can exist before its first navigation commits: url() is '' then.
      for (let attempt = 0; attempt < 50 && page.url() === ''; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return page;
    },
    async screenshot(page, name) {
      // Background tabs do not render in headless mode: a screenshot would wait forever.
      await page.bringToFront();
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`) as `${string}.png` });
    },
    async close() {
      await browser.close().catch(() => undefined);
      await listener.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * Types into the portal's sign-in pages: email → password → the code when asked
 * (from `account.totpSecret`; `expectCode`: the code page must come, alice's code).
 */
export async function completePortalSignIn(
  harness: Harness,
  page: Page,
  account: { email: string; password: string; totpSecret?: string },
  options: { expectCode?: boolean } = {},
): Promise<void> {
  // Background tabs do not render in headless mode; a person would be looking at this tab anyway.
  await page.bringToFront();
  await fillPortalSignIn(page, account, options.expectCode ? harness.totp : undefined, enterCode);
}

/**
 * Signs `account` in the way an employee does: the popup's Sign in button, the
 * portal's pages in the tab the extension opens, back to the popup's apps.
 * Uses `popup` when given (reloaded first when asked), else opens one.
 */
export async function signInThroughPopup(
  harness: Harness,
  account: { email: string; password: string; totpSecret?: string },
  options: { popup?: Page; reload?: boolean; expectCode?: boolean } = {},
): Promise<{ popup: Page; apps: string[] }> {
  const popup = options.popup ?? (await harness.openPopup());
  if (options.reload) await popup.reload();
  await popup.waitForSelector('button::-p-text(Sign in)');
  await popup.click('button::-p-text(Sign in)');
  await completePortalSignIn(harness, await harness.waitForTab(harness.portal.issuer), account, options);
  await popup.bringToFront();
  return { popup, apps: await waitForApps(popup) };
}

/**
 * Bob's starting point for MFA apps: signed in through the popup with his
 * password only, then an authenticator set up for him on the portal (as if
 * from another device), so the next MFA app asks the launcher for a step-up.
 * Answers the popup and the authenticator's codes.
 */
export async function passwordSessionThenAuthenticator(
  harness: Harness,
): Promise<{ popup: Page; code: () => Promise<string> }> {
  const bob = harness.portal.demo?.bob;
  if (!bob) throw new Error('no demo data');
  const { popup } = await signInThroughPopup(harness, bob);
  const secret = generateTotpSecret();
  const user = await harness.portal.context.repos.users.findByEmail(bob.email);
  await enrollConfirmedTotp(harness.portal.context, user?.id as string, secret);
  return { popup, code: totpGenerator(secret) };
}

/**
 * Signs out the way an employee does: the popup's account menu (the initials), Sign out. Resolves
 * with the popup once it offers Sign in again.
 */
export async function signOutThroughPopup(harness: Harness, popup?: Page): Promise<Page> {
  const page = popup ?? (await harness.openPopup());
  await page.bringToFront();
  await page.waitForSelector('[data-testid="account-menu-button"]', { timeout: 20_000 });
  await page.click('[data-testid="account-menu-button"]');
  await page.waitForSelector('[role="menu"]');
  await page.click('[data-menu-item="sign-out"]');
  await page.waitForSelector('button::-p-text(Sign in)', { timeout: 20_000 });
  return page;
}

/** Submits a second-factor code on the portal's code page. */
export async function enterCode(page: Page, code: string): Promise<void> {
  await page.bringToFront();
  await submitCode(page, code);
}

/**
 * The axe-core rules every e2e check runs: WCAG 2.0, 2.1 and 2.2 at levels A
 * and AA (2.2 AA brings `target-size`, 2.5.8: targets of at least 24 × 24 px).
 */
export const WCAG_AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

/**
 * Runs axe-core (the {@link WCAG_AXE_TAGS} rules) in a page and returns the
 * serious and critical violations, or every violation with `allImpacts`
 * (minor ones too: a translation can break a label or a language attribute
 * as easily as a layout), each with the elements it found. Evaluated over the
 * DevTools protocol, which the page's CSP does not apply to. A page where axe
 * passed no rule at all counts as a violation: an empty list must mean something.
 */
export async function accessibilityViolations(
  page: Page,
  options: { allImpacts?: boolean } = {},
): Promise<string[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate(
    async (tags: string[]) => {
      const axe = (
        globalThis as unknown as {
          axe: {
            run(
              context: Document,
              options: { runOnly: { type: 'tag'; values: string[] } },
            ): Promise<{
              passes: unknown[];
              violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }>;
            }>;
          };
        }
      ).axe;
      const { passes, violations } = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
      return {
        passed: passes.length,
        violations: violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          targets: v.nodes.map((node) => node.target.join(' ')).join(', '),
        })),
      };
    },
    [...WCAG_AXE_TAGS],
  );
  if (result.passed === 0) return ['axe checked nothing'];
  return result.violations
    .filter((v) => options.allImpacts || v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets}`);
}

/** A new tab on the options page (the security centre) at `section`, desktop-sized. */
export async function openOptionsPage(
  harness: Pick<Harness, 'browser'>,
  section: string,
  options: { onRequestBody?: (body: string) => void } = {},
): Promise<Page> {
  const page = await harness.browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const { onRequestBody } = options;
  if (onRequestBody) {
    page.on('request', (request) => {
      const body = request.postData();
      if (body) onRequestBody(body);
    });
  }
  await page.goto(`${EXTENSION_ORIGIN}/options.html#${section}`);
  return page;
}

/** Waits until a status line (`data-testid="notice"`) on `page` contains `includes`; returns its text. */
export async function waitForNotice(page: Page, includes: string): Promise<string> {
  const handle = await page.waitForFunction(
    (text: string) =>
      [...document.querySelectorAll('[data-testid="notice"]')]
        .map((el) => el.textContent ?? '')
        .find((t) => t.includes(text)),
    { timeout: 20_000 },
    includes,
  );
  return (await handle.jsonValue()) as string;
}

/** Waits until the popup lists apps (signed in). */
export async function waitForApps(popup: Page): Promise<string[]> {
  await popup.waitForSelector('ul.apps [data-app-id]', { timeout: 20_000 });
  return popup.$$eval('ul.apps [data-app-id]', (buttons) =>
    buttons.map((b) => b.getAttribute('data-app-id') ?? ''),
  );
}

/** Puts `value` into the security centre's add-key field as if pasted. */
export async function pastePublicKey(page: Page, value: string): Promise<void> {
  await page.$eval(
    '#ssh-public-key',
    (el, text) => {
      const textarea = el as HTMLTextAreaElement;
      textarea.value = text as string;
      textarea.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
}
