/**
 * The launcher popup end to end: real Chromium with the built extension
 * (`.output/chrome-mv3`), a real reference portal, one persistent browser
 * profile that is closed and reopened (favorites survive a restart), the
 * portal stopped and started again on the same port and data (C3), and the
 * UI in Arabic (right to left). Every state is checked with axe-core.
 *
 * It drives its own browser rather than the shared harness because it needs
 * what the harness does not offer: the same profile across browser restarts,
 * the portal restarted on the same address, and a browser UI language.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, findBrowser } from '../../scripts/browser.ts';
import { type RunningPortal, startPortal } from '../../server/src/app.ts';
import {
  completePortalSignIn,
  EXTENSION_DIR,
  EXTENSION_ORIGIN,
  enterCode,
  type Harness,
  type WithChrome,
} from './harness.ts';
import { totpGenerator } from './portal-pages.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ALICE = { email: 'alice@example.com', password: 'alice-demo-password' };

let dataDir: string;
let profileDir: string;
let portal: RunningPortal;
let port: number;
let browser: Browser;
let popup: Page;

async function launchPortal(): Promise<RunningPortal> {
  const started = await startPortal({
    dataDir,
    port: port ?? 0,
    seedDemo: true,
    env: {},
    logger: () => undefined,
  });
  port = Number(new URL(started.issuer).port);
  return started;
}

async function launchBrowser(language?: string): Promise<Browser> {
  const launched = await puppeteer.launch({
    executablePath: findBrowser(),
    headless: true,
    pipe: true,
    enableExtensions: [EXTENSION_DIR],
    args: [
      ...chromiumArgs({ userDataDir: profileDir, headless: true, mapAllHostsToLoopback: true }).filter(
        (arg) => !arg.startsWith('--user-data-dir') && !arg.startsWith('--headless'),
      ),
    ],
    userDataDir: profileDir,
  });
  // Right after start the worker target can exist before its extension APIs are bound; wait for them.
  let worker: WebWorker | null = null;
  for (let attempt = 0; attempt < 50 && !worker; attempt++) {
    const target = await launched.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_ORIGIN),
      { timeout: 30_000 },
    );
    const candidate = await target.worker();
    const ready = await candidate
      ?.evaluate(
        () => typeof (globalThis as unknown as Partial<WithChrome>).chrome?.storage?.local === 'object',
      )
      .catch(() => false);
    if (candidate && ready) worker = candidate;
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!worker) throw new Error('The extension service worker did not start.');
  // The person's settings: the portal address, and a language when the test chooses one (Debian's
  // Chromium ships only en-US UI strings, so the browser language cannot be switched here).
  await worker.evaluate(
    async (issuer: string, lang: string | null) => {
      await (globalThis as unknown as WithChrome).chrome.storage.local.set({
        settings: lang ? { portalUrl: issuer, language: lang } : { portalUrl: issuer },
      });
    },
    portal.issuer,
    language ?? null,
  );
  return launched;
}

async function openPopup(scheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 380, height: 560 });
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  await page.goto(`${EXTENSION_ORIGIN}/popup.html`);
  return page;
}

/** Signs in from the popup with the password (Payroll then needs a step-up). */
async function signIn(page: Page): Promise<void> {
  await page.waitForSelector('button::-p-text(Sign in), button::-p-text(تسجيل الدخول), [data-app-id]');
  if (await page.$('[data-app-id]')) return;
  await page.click('.panel button');
  const target = await browser.waitForTarget(
    (t) => t.type() === 'page' && t.url().startsWith(portal.issuer),
    {
      timeout: 15_000,
    },
  );
  const tab = await target.page();
  if (!tab) throw new Error('no sign-in tab');
  await tab.bringToFront();
  // The portal may remember the email from an earlier sign-in in this profile and ask only the password.
  const step = await Promise.race([
    tab.waitForSelector('#email', { timeout: 20_000 }).then(() => 'email'),
    tab.waitForSelector('#password', { timeout: 20_000 }).then(() => 'password'),
  ]).catch(async (error: unknown) => {
    const text = await tab.evaluate(() => document.body?.textContent ?? '').catch(() => '');
    throw new Error(`Unexpected sign-in page at ${tab.url()}: ${text}`.slice(0, 2000), {
      cause: error,
    });
  });
  if (step === 'email') {
    await completePortalSignIn({} as Harness, tab, ALICE);
  } else {
    await tab.type('#password', ALICE.password);
    await tab.click('button[type="submit"]:not(.secondary)');
  }
  await page.bringToFront();
  await page.waitForSelector('ul.apps [data-app-id]', { timeout: 20_000 });
}

/**
 * Drops the portal's session cookie, so signing in again goes through the portal's forms.
 * (The restart test keeps it on purpose: there the portal answers the authorization request at once.)
 */
async function forgetPortalSession(page: Page): Promise<void> {
  const session = await page.createCDPSession();
  await session.send('Network.clearBrowserCookies');
  await session.detach();
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(context: Document): Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run(document);
    return result.violations as { id: string; nodes: { target: string[] }[] }[];
  });
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.bringToFront();
  await page.screenshot({ path: path.join(SCREENSHOTS, `popup-${name}.png`) as `${string}.png` });
}

interface ToolbarSeen {
  badge: string;
  title: string;
}

/** The toolbar button's badge and tooltip, read in the extension's service worker (chrome.action). */
async function toolbar(): Promise<ToolbarSeen> {
  const target = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(EXTENSION_ORIGIN),
  );
  const worker = await target.worker();
  if (!worker) throw new Error('no service worker');
  return worker.evaluate(async () => {
    const { action } = (
      globalThis as unknown as {
        chrome: {
          action: { getBadgeText(d: object): Promise<string>; getTitle(d: object): Promise<string> };
        };
      }
    ).chrome;
    return { badge: await action.getBadgeText({}), title: await action.getTitle({}) };
  });
}

/** Waits until the toolbar shows what `check` accepts (it is updated after each state change). */
async function waitForToolbar(
  check: (seen: ToolbarSeen) => boolean,
  timeoutMs = 15_000,
): Promise<ToolbarSeen> {
  const deadline = Date.now() + timeoutMs;
  let seen = await toolbar();
  while (!check(seen)) {
    if (Date.now() > deadline) throw new Error(`Toolbar never matched; last seen ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    seen = await toolbar();
  }
  return seen;
}

const appIds = (page: Page, section: string) =>
  page.$$eval(`section[aria-labelledby="heading-${section}"] [data-app-id]`, (buttons) =>
    buttons.map((b) => b.getAttribute('data-app-id')),
  );

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'launcher-popup-portal-'));
  profileDir = mkdtempSync(path.join(os.tmpdir(), 'launcher-popup-profile-'));
  portal = await launchPortal();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await portal?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
});

describe('popup launcher', () => {
  it('manifest: Alt+Shift+L opens the popup; strings come from _locales (English default)', () => {
    const manifest = JSON.parse(readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
    expect(manifest.commands._execute_action.suggested_key.default).toBe('Alt+Shift+L');
    expect(manifest.default_locale).toBe('en');
  });

  it('signed out: no axe violations in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await openPopup(scheme);
      await page.waitForSelector('button::-p-text(Sign in)');
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    }
    const seen = await waitForToolbar((t) => t.title.includes('signed out'));
    expect(seen).toEqual({ badge: '', title: 'Portal Launcher: signed out. Click to sign in.' });
  });

  it('signed in: apps in sections with generated tiles, MFA marker before the click, no axe violations', async () => {
    popup = await openPopup();
    await signIn(popup);
    const all = await popup.$$eval('ul.apps [data-app-id]', (b) =>
      b.map((x) => x.getAttribute('data-app-id')),
    );
    expect(all).toEqual(expect.arrayContaining(['team-wiki', 'payroll']));
    // Password-only session: Payroll will ask for the second factor, and says so before the click.
    const marker = await popup.$eval('#mfa-payroll', (el) => el.textContent);
    expect(marker).toBe('MFA needed');
    expect(await popup.$('#mfa-team-wiki')).toBeNull();
    const initials = await popup.$eval(
      '[data-app-id="team-wiki"] .launcher-initials',
      (el) => el.textContent,
    );
    expect(initials).toBe('TW');
    expect(await popup.$eval('[data-testid="user-name"]', (el) => el.textContent)).toBe('Alice Example');
    expect(await axeViolations(popup)).toEqual([]);
    await screenshot(popup, 'light');
    // Toolbar: signed in, password only, so no MFA badge.
    expect(await waitForToolbar((t) => t.title.includes('signed in'))).toEqual({
      badge: '',
      title: 'Portal Launcher: signed in as Alice Example.',
    });
  });

  it('searches and launches with the keyboard only; recents update after the launch', async () => {
    await popup.bringToFront();
    // Typing anywhere goes to the search field.
    await popup.keyboard.type('wiki');
    expect(await popup.$eval('#launcher-search', (el) => (el as HTMLInputElement).value)).toBe('wiki');
    expect(await popup.$$eval('[data-app-id] mark', (marks) => marks.map((m) => m.textContent))).toEqual([
      'Wiki',
    ]);
    expect(await axeViolations(popup)).toEqual([]);
    // Escape clears; arrows move across the grid; Enter launches the top result.
    await popup.keyboard.press('Escape');
    expect(await popup.$eval('#launcher-search', (el) => (el as HTMLInputElement).value)).toBe('');
    await popup.keyboard.press('ArrowDown');
    const first = await popup.evaluate(() => document.activeElement?.getAttribute('data-app-id'));
    await popup.keyboard.press('ArrowRight');
    const second = await popup.evaluate(() => document.activeElement?.getAttribute('data-app-id'));
    expect(first).toBeTruthy();
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    await popup.keyboard.press('ArrowUp');
    expect(await popup.evaluate(() => document.activeElement?.id)).toBe('launcher-search');

    await popup.keyboard.type('team wi');
    await popup.keyboard.press('Enter');
    const target = await browser.waitForTarget((t) => t.url().startsWith(portal.demoApps.wiki), {
      timeout: 15_000,
    });
    const wiki = await target.page();
    await wiki?.waitForSelector('[data-testid="signed-in"]');
    expect(await wiki?.$eval('[data-testid="signed-in"]', (el) => el.textContent)).toContain('Alice Example');
    await wiki?.close();
    await popup.bringToFront();
    await popup.waitForSelector('[data-testid="status"]::-p-text(Opened Team Wiki)');
    await popup.keyboard.press('Escape');
    await popup.waitForSelector('#heading-recents');
    expect(await appIds(popup, 'recents')).toEqual(['team-wiki']);
  });

  it('pins favorites, reorders them with Alt+Arrow, and remembers the list view', async () => {
    await popup.click('button[aria-label="Add Payroll to favorites"]');
    await popup.waitForSelector('#heading-favorites');
    await popup.click('button[aria-label="Add Team Wiki to favorites"]');
    await popup.waitForFunction(
      () =>
        document.querySelectorAll('section[aria-labelledby="heading-favorites"] [data-app-id]').length === 2,
    );
    expect(await appIds(popup, 'favorites')).toEqual(['payroll', 'team-wiki']);

    await popup.focus('[data-app-id="team-wiki"]');
    await popup.keyboard.down('Alt');
    await popup.keyboard.press('ArrowLeft');
    await popup.keyboard.up('Alt');
    await popup.waitForFunction(
      () =>
        document
          .querySelector('section[aria-labelledby="heading-favorites"] [data-app-id]')
          ?.getAttribute('data-app-id') === 'team-wiki',
    );
    expect(await appIds(popup, 'favorites')).toEqual(['team-wiki', 'payroll']);
    expect(await popup.evaluate(() => document.activeElement?.getAttribute('data-app-id'))).toBe('team-wiki');

    await popup.click('.launcher-view-button[aria-pressed="false"]');
    await popup.waitForSelector('ul.launcher-list-list');
    expect(await axeViolations(popup)).toEqual([]);
    await popup.reload();
    await popup.waitForSelector('ul.launcher-list-list [data-app-id]');
    expect(await appIds(popup, 'favorites')).toEqual(['team-wiki', 'payroll']);
  });

  it('A4: after a Payroll step-up the toolbar shows MFA fresh with the minutes left, and so does the tile', async () => {
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const target = await browser.waitForTarget(
      (t) => t.type() === 'page' && t.url().startsWith(portal.issuer),
      { timeout: 15_000 },
    );
    const stepUp = await target.page();
    if (!stepUp) throw new Error('no step-up tab');
    await stepUp.waitForSelector('#code');
    await enterCode(stepUp, await totpGenerator(portal.demo?.alice.totpSecret)());
    await stepUp.waitForFunction(
      (payroll: string) => location.href.startsWith(payroll),
      { timeout: 20_000 },
      portal.demoApps.payroll,
    );
    await stepUp.close();
    const seen = await waitForToolbar((t) => t.badge !== '');
    expect(seen).toEqual({
      badge: '5m',
      title: 'Portal Launcher: signed in as Alice Example. Second factor verified, 5 min left.',
    });
    await popup.reload();
    await popup.waitForSelector('#mfa-payroll');
    expect(await popup.$eval('#mfa-payroll', (el) => el.textContent)).toBe('Verified, 5 min left');
  });

  it('dark: no axe violations', async () => {
    const dark = await openPopup('dark');
    await dark.waitForSelector('ul.apps [data-app-id]');
    expect(await axeViolations(dark)).toEqual([]);
    await screenshot(dark, 'dark');
    await dark.close();
  });

  it('C3: portal stopped → cached apps and an offline notice; portal back → fresh data without signing in again', async () => {
    await portal.close();
    const offline = await openPopup();
    await offline.waitForSelector('[data-testid="offline-notice"]', { timeout: 40_000 });
    expect(await offline.$eval('[data-testid="offline-notice"]', (el) => el.textContent)).toContain(
      'opening one needs the portal',
    );
    expect(
      await offline.$$eval('ul.apps [data-app-id]', (b) => b.map((x) => x.getAttribute('data-app-id'))),
    ).toEqual(expect.arrayContaining(['team-wiki', 'payroll']));
    expect(await axeViolations(offline)).toEqual([]);
    await screenshot(offline, 'offline');
    // C3 on the toolbar too: unreachable wins over the fresh second factor.
    const unreachable = await waitForToolbar((t) => t.badge === '!');
    expect(unreachable.title).toBe(
      'Portal Launcher: signed in as Alice Example, but the portal cannot be reached. Cached apps are shown; opening apps needs the portal.',
    );

    portal = await launchPortal();
    // Fresh data: an app assigned while the portal was down.
    const repos = portal.context.repos;
    const wikiApp = repos.apps.findById('team-wiki');
    const alice = repos.users.findByEmail(ALICE.email);
    if (!wikiApp || !alice) throw new Error('demo data missing');
    repos.apps.upsert({ ...wikiApp, id: 'handbook', name: 'Handbook', clientId: null, clientSecret: null });
    repos.apps.assign('handbook', alice.id);

    await offline.click('[data-testid="offline-notice"] button');
    await offline.waitForSelector('[data-app-id="handbook"]', { timeout: 20_000 });
    expect(await offline.$('[data-testid="offline-notice"]')).toBeNull();
    expect(await offline.$('button::-p-text(Sign in)')).toBeNull();
    const back = await waitForToolbar((t) => t.badge !== '!');
    expect(back.title).not.toContain('cannot be reached');
    expect(back.title).toContain('signed in as Alice Example');
    await offline.close();
  });

  it('favorites and the layout survive a browser restart (same profile)', async () => {
    await browser.close();
    browser = await launchBrowser();
    popup = await openPopup();
    // C7: the tokens (storage.session) are gone, the portal session is not: one click on Sign in
    // completes without any form, because the portal answers the authorization request at once.
    await popup.waitForSelector('.panel button');
    await popup.click('.panel button');
    await popup.bringToFront();
    await popup.waitForSelector('ul.apps [data-app-id]', { timeout: 20_000 });
    await popup.waitForSelector('#heading-favorites');
    expect(await appIds(popup, 'favorites')).toEqual(['team-wiki', 'payroll']);
    expect(await popup.$('ul.launcher-list-list')).not.toBeNull();
  });

  it('Arabic: right to left, translated, no axe violations', async () => {
    await browser.close();
    browser = await launchBrowser('ar');
    const page = await openPopup();
    await forgetPortalSession(page);
    await signIn(page);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'ar',
      'rtl',
    ]);
    expect(await page.$eval('#heading-favorites', (el) => el.textContent)).toBe('المفضلة');
    // The background's toolbar sentence follows the chosen language too.
    expect((await waitForToolbar((t) => t.title.includes('Alice'))).title).toBe(
      'Portal Launcher: تم تسجيل الدخول باسم Alice Example.',
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'rtl');
  });

  it("C3 in Arabic: the background's offline reason and the toolbar are in Arabic, not English", async () => {
    await portal.close();
    const page = await openPopup();
    await page.waitForSelector('[data-testid="offline-notice"]', { timeout: 40_000 });
    const notice = await page.$eval('[data-testid="offline-notice"]', (el) => el.textContent ?? '');
    expect(notice).toContain('لم تستجب البوابة. تحقق من اتصالك وحاول مرة أخرى.');
    expect(notice).not.toContain('did not answer');
    const seen = await waitForToolbar((t) => t.badge === '!');
    expect(seen.title).toContain('تعذّر الوصول إلى البوابة');
    expect(await axeViolations(page)).toEqual([]);
    portal = await launchPortal();
  });
});
