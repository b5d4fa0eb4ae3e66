/**
 * Popup paint benchmark: `node --import tsx bench/popup.ts` (after `npx wxt build`); `npm run bench`
 * runs it. Never part of `npm test`; it prints figures and never passes or fails on time.
 *
 * Real Chromium with the built extension and a real reference portal: alice signs in, her IndexedDB
 * catalog cache is replaced by 1,000 generated apps (long names in Latin, German, Arabic and
 * Japanese script; a third with icons: half PNG data URLs, half remote `https:` addresses, which
 * resolve to loopback and are refused), and the portal is stopped, so every popup paints from what
 * the extension keeps (as it does first on every open). Then, in one browser run, ≥ 20 rounds of:
 * - warm, in the real toolbar popup (the bench's tab sets its own popup with `action.setPopup` and
 *   presses the toolbar button with `action.openPopup`; headless, the popup is 410 × 510 px): the
 *   popup at the address the toolbar button opens (`action.getPopup`, which names the signed-in
 *   person, issue 15), and a tiny extension page (`bench-blank.html`: one line of text, written
 *   into the build folder for the run) opened as the popup the same way, the floor any popup pays
 *   (navigation, commit, first paint);
 * - cold, in a tab of the popup's size: the same popup after all service workers were stopped, and
 *   a minimal extension's page pinging its own stopped worker (`runtime.sendMessage`, any answer).
 *   With its worker stopped and no page of ours open, our extension's renderer process is gone:
 *   the stopped-worker popup starts a new one (so does the toolbar popup after a while idle), and
 *   pays for a cold process (V8, ICU, fonts, the extension's messages). Its first screen is
 *   compared with the blank page opened the same way, in a fresh process. (Opening the toolbar
 *   popup through the API needs a page of ours open, which keeps the process alive: only a click or
 *   the keyboard shortcut opens a cold one, and synthetic key events do not reach the shortcut.)
 * Paint against paint: the popup's first screen is the browser's own paint time of the first
 * screen's app names (Element Timing, `elementtiming="app-name"`), the blank page's is its first
 * contentful paint (Paint Timing), both from navigation start. "All tiles" is the frame after the
 * last tile is in the DOM (tiles below the fold are never painted, so Element Timing cannot say).
 * The first keystroke (typed once the first screen is painted) ends at the paint of the first
 * result's name, by the same Element Timing.
 * Cold wake: from the popup's first `getState` to the first answer from its background (performance
 * marks `portal-launcher:ask` and `portal-launcher:background-answer`; a failed first ask is waited
 * out, as the person does) against the minimal page's ping to its answer.
 * Each figure: median, p10–p90 as the spread, and the mean (paints come in whole frames: see `stats`);
 * ratios of medians, and of means. Every wait has a timeout: a round that times out
 * counts as missing (NaN), it never hangs the run. Options:
 * - `--apps N`, `--rounds N`;
 * - `--floor`, which also times: a copy of our worker answering a plain ping (what our bundle costs
 *   to wake); the first screen's own markup as a static page with no script, its stylesheet as a
 *   file and inlined (what painting it costs however it is made); and a page whose one line a tiny
 *   script file writes (what any script-made page pays), each opened as the toolbar popup;
 * - `--trace DIR`, which also writes Chromium traces of one warm and one cold popup in a tab, with CPU
 *   samples, to DIR: open them in DevTools' Performance panel, or read the popup's main thread and
 *   the worker's thread from the JSON.
 * The machine may be shared: the figures are rough; compare the ratios, which come from one run.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser, Page, Target } from 'puppeteer-core';
import type { PortalApp } from '../contract/schemas.ts';
import {
  completePortalSignIn,
  EXTENSION_DIR,
  EXTENSION_ORIGIN,
  startHarness,
  waitForApps,
} from '../tests/e2e/harness.ts';
import { pngDataUrl } from '../tests/e2e/png.ts';
import { catalogVersion } from '../utils/catalog/catalog-delta.ts';

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '20' },
    trace: { type: 'string' },
    floor: { type: 'boolean', default: false },
  },
});
const APP_COUNT = Number(values.apps);
const ROUNDS = Number(values.rounds);
/** The tiles a 380 × 560 popup shows without scrolling (grid, 3 columns × 4 rows). */
const FIRST_SCREEN = Math.min(12, APP_COUNT);
const WAIT_MS = 15_000;

const NAMES = [
  (i: number) => `Quarterly Financial Reporting and Consolidation Workspace for Regional Teams ${i}`,
  (i: number) => `Zeiterfassung und Urlaubsplanung für den Außendienst, Niederlassung ${i}`,
  (i: number) => `نظام إدارة الموارد البشرية والرواتب للفروع الإقليمية ${i}`,
  (i: number) => `経費精算・出張申請ワークフローシステム 第${i}版`,
];
const CATEGORIES = ['Engineering', 'Finance', 'Personal', 'الموارد البشرية', '営業', null];

function fakeApps(count: number): PortalApp[] {
  const icons = Array.from({ length: 40 }, (_, i) => pngDataUrl(i));
  return Array.from({ length: count }, (_, i) => ({
    id: `app-${i}`,
    name: (NAMES[i % NAMES.length] as (i: number) => string)(i),
    description: `Internal tool number ${i}.`,
    iconUrl:
      i % 6 === 0
        ? (icons[i % icons.length] as string)
        : i % 6 === 3
          ? `https://icons.example/${i}.png`
          : null,
    category: CATEGORIES[i % CATEGORIES.length] ?? null,
    requiresMfa: i % 5 === 0,
    mfaMaxAgeSeconds: i % 5 === 0 ? 300 : null,
    kind: 'oidc' as const,
    url: null,
    detailsUrl: null,
  }));
}

/**
 * Median, p10–p90 and mean of the finite values. Paint times come in whole frames, so a page that
 * paints in one of two frames has a median that jumps a frame between runs; the mean says where
 * between them it lies.
 */
function stats(values: number[]): { median: number; p10: number; p90: number; mean: number; n: number } {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length ? (sorted[Math.round(q * (sorted.length - 1))] as number) : Number.NaN;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), mean, n: sorted.length };
}

function withTimeout<T>(promise: Promise<T>, fallback: T, ms = WAIT_MS + 5_000): Promise<T> {
  return Promise.race([promise, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms))]);
}

/** Records the app names' paint times (Element Timing) in every new document. */
const OBSERVE_PAINTS = `window.__namePaints = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.identifier === 'app-name') window.__namePaints.push(entry.renderTime || entry.loadTime);
}).observe({ type: 'element', buffered: true });`;

interface PopupTimes {
  fcp: number;
  firstScreen: number;
  all: number;
  ask: number;
  answer: number;
}

const NO_TIMES: PopupTimes = { fcp: NaN, firstScreen: NaN, all: NaN, ask: NaN, answer: NaN };

/**
 * Collects the app names' paint times (Element Timing) in `names`, a local of the script it starts:
 * buffered, so it sees the names painted before the script was evaluated.
 */
const NAME_PAINTS = `const names = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.identifier === 'app-name') names.push(entry.renderTime || entry.loadTime);
}).observe({ type: 'element', buffered: true });`;

/**
 * What the popup's page reports of itself (a script evaluated in it): its first contentful paint,
 * the paint of the first screen's names (Element Timing, read from the buffered entries, so it can
 * be evaluated after they were painted), the frame after the last tile is in the DOM, and its
 * first question to the background and the answer. When the tiles were all in before the first
 * look, "all" is unknown (NaN), never an early time.
 */
// A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
const POPUP_TIMES_SCRIPT = `new Promise((resolve) => {
    const started = performance.now();
    ${NAME_PAINTS}
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const marks = {};
    if (document.querySelectorAll('[data-app-id]').length >= ${APP_COUNT}) marks.all = NaN;
    const check = () => {
      const count = document.querySelectorAll('[data-app-id]').length;
      if (!('all' in marks) && !marks.allSeen && count >= ${APP_COUNT}) {
        marks.allSeen = true;
        requestAnimationFrame(() => setTimeout(() => { marks.all = performance.now(); }, 0));
      }
      const sorted = [...names].sort((a, b) => a - b);
      const done = 'all' in marks && sorted.length >= ${FIRST_SCREEN} && !Number.isNaN(at('portal-launcher:background-answer'));
      if (done || performance.now() - started > ${WAIT_MS}) {
        resolve({
          fcp: at('first-contentful-paint'),
          firstScreen: sorted[${FIRST_SCREEN - 1}] ?? NaN,
          all: marks.all ?? NaN,
          ask: at('portal-launcher:ask'),
          answer: at('portal-launcher:background-answer'),
        });
      } else requestAnimationFrame(check);
    };
    check();
  })`;

/** A page's first contentful paint (Paint Timing), once it has one. */
const FCP_SCRIPT = `new Promise((resolve) => {
  const started = performance.now();
  const check = () => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
    if (fcp !== undefined || performance.now() - started > ${WAIT_MS}) resolve(fcp ?? NaN);
    else requestAnimationFrame(check);
  };
  check();
})`;

/** The paint of the first screen's last name (Element Timing), for the static first-screen pages. */
const FIRST_SCREEN_NAMES_SCRIPT = `new Promise((resolve) => {
  const started = performance.now();
  ${NAME_PAINTS}
  const check = () => {
    if (names.length >= ${FIRST_SCREEN} || performance.now() - started > ${WAIT_MS})
      resolve([...names].sort((a, b) => a - b)[${FIRST_SCREEN - 1}] ?? NaN);
    else requestAnimationFrame(check);
  };
  check();
})`;

/** The popup in a tab (the stopped-worker case: a toolbar popup cannot be opened by a keystroke here). */
async function timePopupInTab(page: Page, address: string): Promise<PopupTimes> {
  await page.goto('about:blank');
  await page.goto(`${EXTENSION_ORIGIN}${address}`, { timeout: WAIT_MS });
  return withTimeout(page.evaluate(POPUP_TIMES_SCRIPT) as Promise<PopupTimes>, NO_TIMES);
}

/** The extension page whose toolbar button the bench presses (`action.openPopup`). */
const OPENER_FILE = path.join(EXTENSION_DIR, 'bench-opener.html');
const OPENER_URL = `${EXTENSION_ORIGIN}/bench-opener.html`;

/** The toolbar popup's size, read in the first one opened. */
let popupSize = '';

/**
 * Opens `address` (an extension page: `/popup.html?…`, `/bench-blank.html`) as the real toolbar
 * popup: `page` shows the opener, which sets the popup of its own tab (`action.setPopup`) and
 * presses the toolbar button (`action.openPopup`). Then evaluates `script` in the popup (an
 * expression whose promise gives the figures), closes it, and waits until it is gone. `fallback`
 * when anything times out.
 */
async function inToolbarPopup<T>(
  browser: Browser,
  page: Page,
  address: string,
  script: string,
  fallback: T,
): Promise<T> {
  const url = `${EXTENSION_ORIGIN}${address}`;
  const run = async (): Promise<T> => {
    await page.goto(OPENER_URL, { timeout: WAIT_MS });
    await page.bringToFront();
    const opened = browser.waitForTarget((t) => t.url() === url && t.type() !== 'service_worker', {
      timeout: WAIT_MS,
    });
    await page.evaluate(`(async () => {
      const tab = await chrome.tabs.getCurrent();
      await chrome.action.setPopup({ tabId: tab.id, popup: ${JSON.stringify(address.slice(1))} });
      await chrome.action.openPopup();
    })()`);
    const target = await opened;
    const popup = await target.asPage();
    try {
      if (!popupSize) popupSize = (await popup.evaluate("innerWidth + ' × ' + innerHeight")) as string;
      return (await withTimeout(popup.evaluate(script) as Promise<T>, fallback)) ?? fallback;
    } finally {
      const gone = new Promise<void>((resolve) => {
        const onGone = (t: Target) => {
          if (t !== target) return;
          browser.off('targetdestroyed', onGone);
          resolve();
        };
        browser.on('targetdestroyed', onGone);
      });
      await popup.evaluate('window.close()').catch(() => undefined);
      await withTimeout(gone, undefined, WAIT_MS);
    }
  };
  return withTimeout(
    run().catch(() => fallback),
    fallback,
  );
}

/** A page's first contentful paint, opened in a tab (after about:blank). */
async function timeBlank(page: Page, url: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url, { timeout: WAIT_MS });
  return withTimeout(page.evaluate(FCP_SCRIPT) as Promise<number>, Number.NaN);
}

/** Writes the static first-screen page (see `--floor`) from the popup's own markup. */
async function writeStaticFirstScreen(page: Page, address: string): Promise<void> {
  await page.goto(`${EXTENSION_ORIGIN}${address}`, { timeout: WAIT_MS });
  await page.waitForSelector('[data-app-id]', { timeout: WAIT_MS });
  const markup = (await page.evaluate(`(() => {
    const app = document.getElementById('app').cloneNode(true);
    for (const tile of [...app.querySelectorAll('[data-app-id]')].slice(${FIRST_SCREEN}))
      (tile.closest('li') ?? tile).remove();
    return app.innerHTML;
  })()`)) as string;
  const staticPage = readFileSync(path.join(EXTENSION_DIR, 'popup.html'), 'utf8')
    .replace(/<script[^>]*><\/script>/, '')
    .replace('<div id="app"></div>', `<div id="app">${markup}</div>`);
  writeFileSync(STATIC_FIRST_SCREEN_FILE, staticPage);
  // The same with its stylesheet inside the page: what painting the tiles costs once every file is in.
  writeFileSync(
    STATIC_INLINE_FILE,
    staticPage.replace(/<link rel="stylesheet"[^>]*href="([^"]+)"[^>]*>/, (_link, href: string) => {
      const css = readFileSync(path.join(EXTENSION_DIR, href), 'utf8');
      return `<style>${css}</style>`;
    }),
  );
}

/** Stops every service worker (the launcher's and the minimal extension's) through DevTools. */
async function stopWorkers(page: Page): Promise<void> {
  const session = await page.createCDPSession();
  try {
    await withTimeout(session.send('ServiceWorker.enable'), undefined);
    await withTimeout(session.send('ServiceWorker.stopAllWorkers'), undefined);
  } finally {
    await session.detach().catch(() => undefined);
  }
  // Let the stop land before the next navigation.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** The minimal extension's ping: from `sendMessage` to the worker's answer, in ms. */
async function timePing(page: Page, url: string): Promise<number> {
  await page.goto('about:blank');
  await page.goto(url, { timeout: WAIT_MS });
  const replied = page.evaluate(`new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
      if (window.__reply !== undefined || performance.now() - started > ${WAIT_MS}) resolve(window.__reply ?? NaN);
      else setTimeout(check, 5);
    };
    check();
  })`) as Promise<number>;
  return withTimeout(replied, Number.NaN);
}

/** Writes a Chromium trace of one warm and one cold popup (`--trace DIR`). */
async function tracePopups(page: Page, address: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const kind of ['warm', 'cold'] as const) {
    if (kind === 'cold') await stopWorkers(page);
    await page.goto('about:blank');
    const file = path.join(dir, `popup-${kind}.json`);
    await page.tracing.start({
      path: file,
      categories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'blink.user_timing',
        'loading',
        'v8.execute',
        'toplevel',
        'disabled-by-default-v8.cpu_profiler',
      ],
    });
    await timePopupInTab(page, address);
    await page.tracing.stop();
    console.log(`Trace of a ${kind} popup: ${file}`);
  }
}

/** The page that pings its extension's worker (`runtime.sendMessage`) and keeps the ms to its answer. */
function writePingPage(dir: string): void {
  writeFileSync(
    path.join(dir, 'ping.html'),
    '<!doctype html><meta charset="utf-8"><title>Ping</title><p>Ping</p><script src="ping.js"></script>\n',
  );
  writeFileSync(
    path.join(dir, 'ping.js'),
    'const t0 = performance.now(); chrome.runtime.sendMessage("ping").then(() => { window.__reply = performance.now() - t0; });\n',
  );
}

/** A minimal MV3 extension: a worker that answers any message, and a page that pings it. */
function writeMinimalExtension(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-minimal-extension-'));
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'Minimal',
      version: '1.0',
      background: { service_worker: 'sw.js' },
    }),
  );
  writeFileSync(
    path.join(dir, 'sw.js'),
    'chrome.runtime.onMessage.addListener((m, s, reply) => { reply("pong"); });\n',
  );
  writePingPage(dir);
  return dir;
}

/** The floors `--floor` times: a copy of our worker with its wiring (`main`), and one without. */
const FLOORS = [
  { label: '--floor: our bundle + wiring, stopped: ping', worker: 'background.js', wiring: true },
  { label: '--floor: our bundle, no wiring, stopped: ping', worker: 'bundle-only.js', wiring: false },
] as const;

/**
 * `--floor`: a copy of the built extension (another id) whose worker also answers a plain ping at
 * once, so its stopped worker's ping costs starting our worker and evaluating our whole bundle (with
 * its top-level wiring, or with the `main()` call removed), and nothing of getState: the floor of
 * the cold wake for a bundle of our size.
 */
function writeBundleFloorExtension({ worker, wiring }: (typeof FLOORS)[number]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-floor-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  delete manifest.key;
  // Without the redirect rules' permission and host: the copy must not catch the real one's sign-in.
  delete manifest.host_permissions;
  delete manifest.web_accessible_resources;
  manifest.permissions = (manifest.permissions as string[]).filter(
    (name) => !name.startsWith('declarativeNetRequest'),
  );
  manifest.name = 'Bundle floor';
  manifest.background = { service_worker: worker };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  let code = readFileSync(path.join(dir, 'background.js'), 'utf8');
  if (!wiring) {
    // WXT ends the bundle with `result = definition.main()`; without it only the modules evaluate.
    const main = /(\w+)=(\w+)\.main\(\)/;
    if (!main.test(code)) throw new Error("--floor: the background's main() call was not found.");
    code = code.replace(main, '$1=void 0');
  }
  writeFileSync(
    path.join(dir, worker),
    `${code}\nchrome.runtime.onMessage.addListener((m, s, reply) => { if (m === "ping") { reply("pong"); } });\n`,
  );
  writePingPage(dir);
  return dir;
}

/** The popup's JavaScript and CSS, gzipped (as tests/unit/bundle-size.test.ts counts them). */
function popupGzipBytes(): number {
  const html = readFileSync(path.join(EXTENSION_DIR, 'popup.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="(\/(?:chunks|assets)\/[^"]+)"/g)].map(
    (match) => match[1] as string,
  );
  let total = 0;
  for (const file of new Set(files))
    total += gzipSync(readFileSync(path.join(EXTENSION_DIR, file)), { level: 9 }).length;
  return total;
}

const BLANK_FILE = path.join(EXTENSION_DIR, 'bench-blank.html');
const STATIC_FIRST_SCREEN_FILE = path.join(EXTENSION_DIR, 'bench-static-first-screen.html');
const STATIC_INLINE_FILE = path.join(EXTENSION_DIR, 'bench-static-first-screen-inline.html');
// `--floor`: a page whose one line is written by a tiny module script (the floor of any page whose
// content comes from a script file: one subresource, next to nothing to run).
const TINY_SCRIPT_FILES = {
  'bench-tiny-script.html':
    '<!doctype html><meta charset="utf-8"><title>Tiny</title><script type="module" src="/bench-tiny-script.js"></script><body></body>\n',
  'bench-tiny-script.js': "document.body.append('Portal Launcher');\n",
};
writeFileSync(OPENER_FILE, '<!doctype html><meta charset="utf-8"><title>Opener</title><p>Opener</p>\n');
writeFileSync(
  BLANK_FILE,
  '<!doctype html><meta charset="utf-8"><title>Blank</title><p>Portal Launcher</p>\n',
);
if (values.floor)
  for (const [name, text] of Object.entries(TINY_SCRIPT_FILES))
    writeFileSync(path.join(EXTENSION_DIR, name), text);
const minimalDir = writeMinimalExtension();
const floorDirs = values.floor ? FLOORS.map(writeBundleFloorExtension) : [];
const h = await startHarness({ extraExtensions: [minimalDir, ...floorDirs] });
try {
  const alice = h.portal.demo?.alice;
  if (!alice) throw new Error('The portal has no demo data.');
  const signIn = await h.openPopup();
  await signIn.waitForSelector('button::-p-text(Sign in)', { timeout: WAIT_MS });
  await signIn.click('button::-p-text(Sign in)');
  await completePortalSignIn(h, await h.waitForTab(h.portal.issuer), alice);
  await waitForApps(signIn);

  // Replace alice's cached catalog with the generated one, in the extension's own cache item.
  const worker = await h.worker();
  const generated = fakeApps(APP_COUNT);
  // The record carries its catalog's version, as the background stores it (issue 15).
  const version = await catalogVersion(generated);
  await worker.evaluate(
    async (generated: PortalApp[], version: string) => {
      const open = indexedDB.open('portal-launcher');
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const read = db.transaction('items', 'readonly').objectStore('items').get('catalog');
      const current = await new Promise<{ version: number; value: { apps: PortalApp[]; version?: string } }>(
        (resolve, reject) => {
          read.onsuccess = () => resolve(read.result);
          read.onerror = () => reject(read.error);
        },
      );
      current.value.apps = generated;
      current.value.version = version;
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('items', 'readwrite');
        tx.objectStore('items').put(current, 'catalog');
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    },
    generated,
    version,
  );
  // Offline: the popup paints from what the extension keeps (its refresh fails fast, C3).
  await h.portal.close();
  await signIn.close();

  const address = await worker.evaluate(() =>
    (
      globalThis as unknown as { chrome: { action: { getPopup(d: object): Promise<string> } } }
    ).chrome.action.getPopup({}),
  );
  const popupAddress = address.slice(address.indexOf('/popup.html'));
  // Let go of the worker: while a DevTools session stays attached to it, a worker stopped through
  // DevTools starts again paused for that debugger and never answers (what kept the cold case
  // from being measured before). Puppeteer's own auto-attach lets a restarted worker run at once.
  await worker.client.detach().catch(() => undefined);
  const minimalTarget = await h.browser.waitForTarget(
    (t) =>
      t.type() === 'service_worker' && !t.url().startsWith(EXTENSION_ORIGIN) && t.url().endsWith('/sw.js'),
    { timeout: WAIT_MS },
  );
  const pingUrl = `chrome-extension://${new URL(minimalTarget.url()).host}/ping.html`;
  const floorPingUrls: string[] = [];
  for (const floor of values.floor ? FLOORS : []) {
    const target = await h.browser.waitForTarget(
      (t) =>
        t.type() === 'service_worker' &&
        !t.url().startsWith(EXTENSION_ORIGIN) &&
        t.url().endsWith(`/${floor.worker}`),
      { timeout: WAIT_MS },
    );
    floorPingUrls.push(`chrome-extension://${new URL(target.url()).host}/ping.html`);
  }

  const page = await h.browser.newPage();
  await page.setViewport({ width: 380, height: 560 });
  await page.evaluateOnNewDocument(OBSERVE_PAINTS);
  const popup = <T>(address: string, script: string, fallback: T) =>
    inToolbarPopup(h.browser, page, address, script, fallback);
  // Warm-up: caches, and the first-screen snapshot the popup stores for the next one.
  for (let i = 0; i < 2; i++) {
    await popup(popupAddress, POPUP_TIMES_SCRIPT, NO_TIMES);
    await new Promise((resolve) => setTimeout(resolve, 800));
  }
  await popup('/bench-blank.html', FCP_SCRIPT, Number.NaN);
  await timeBlank(page, `${EXTENSION_ORIGIN}/bench-blank.html`);
  await timePing(page, pingUrl);
  if (values.floor) await writeStaticFirstScreen(page, popupAddress);

  if (values.trace) await tracePopups(page, popupAddress, values.trace);

  const warm: PopupTimes[] = [];
  const cold: PopupTimes[] = [];
  const blank: number[] = [];
  const freshBlank: number[] = [];
  const ping: number[] = [];
  const floorPings: number[][] = floorPingUrls.map(() => []);
  const keystroke: number[] = [];
  const staticFirstScreen: number[] = [];
  const tinyScript: number[] = [];
  const staticInline: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Cold first, in a tab: the minimal worker's ping and the popup, each after every worker was stopped.
    await stopWorkers(page);
    ping.push(await timePing(page, pingUrl));
    // The blank page in a renderer process of its own: with the worker stopped and no page of ours
    // open, our extension's process is gone, so the next page starts one, as the stopped-worker
    // popup below does (and as the toolbar popup does after a while idle).
    await stopWorkers(page);
    freshBlank.push(await timeBlank(page, `${EXTENSION_ORIGIN}/bench-blank.html`));
    for (const [index, url] of floorPingUrls.entries()) {
      await stopWorkers(page);
      floorPings[index]?.push(await timePing(page, url));
    }
    await stopWorkers(page);
    cold.push(await timePopupInTab(page, popupAddress));
    // Warm, in the toolbar popup: the launcher's worker is running now (the cold popup woke it).
    warm.push(await popup(popupAddress, POPUP_TIMES_SCRIPT, NO_TIMES));
    blank.push(await popup('/bench-blank.html', FCP_SCRIPT, Number.NaN));
    if (values.floor) {
      staticFirstScreen.push(
        await popup('/bench-static-first-screen.html', FIRST_SCREEN_NAMES_SCRIPT, Number.NaN),
      );
      staticInline.push(
        await popup('/bench-static-first-screen-inline.html', FIRST_SCREEN_NAMES_SCRIPT, Number.NaN),
      );
      tinyScript.push(await popup('/bench-tiny-script.html', FCP_SCRIPT, Number.NaN));
    }
    // Search: the first keystroke, index build included (it is built at the first keystroke if sooner than 200 ms).
    keystroke.push(
      await withTimeout(
        (async () => {
          await page.goto(`${EXTENSION_ORIGIN}${popupAddress}`, { timeout: WAIT_MS });
          await page.waitForSelector('[data-app-id]', { timeout: WAIT_MS });
          // Typed once the first screen is painted, so no paint of it counts as a result's.
          await page.waitForFunction('window.__namePaints.length > 0', { timeout: WAIT_MS });
          const started = await page.evaluate(() => performance.now());
          await page.keyboard.type('q');
          // Paint against paint: the first result name the browser paints after the keystroke
          // (Element Timing; tiles rendered below the fold meanwhile are never painted).
          return page.evaluate(`new Promise((resolve) => {
            const check = () => {
              const painted = window.__namePaints.filter((at) => at > ${started});
              if (document.querySelector('[data-testid="launcher-announcement"]')?.textContent && painted.length)
                resolve(Math.min(...painted) - ${started});
              else if (performance.now() - ${started} > ${WAIT_MS}) resolve(NaN);
              else requestAnimationFrame(check);
            };
            check();
          })`) as Promise<number>;
        })().catch(() => Number.NaN),
        Number.NaN,
      ),
    );
  }

  const line = (label: string, values: number[], base?: number[]) => {
    const s = stats(values);
    const b = base && stats(base);
    const ratio = b ? ` = ${(s.median / b.median).toFixed(2)}× (means ${(s.mean / b.mean).toFixed(2)}×)` : '';
    console.log(
      `  ${label.padEnd(54)} ${s.median.toFixed(1).padStart(7)} ms  (p10–p90 ${s.p10.toFixed(1)}–${s.p90.toFixed(1)}, mean ${s.mean.toFixed(1)}, n=${s.n})${ratio}`,
    );
  };
  // A mark the page never set comes back as null (JSON has no NaN): missing, not zero.
  const answerTime = (times: PopupTimes) =>
    typeof times.answer === 'number' && typeof times.ask === 'number' ? times.answer - times.ask : Number.NaN;
  console.log(
    `Popup with ${APP_COUNT} apps (a third with icons), ${ROUNDS} rounds, ms from navigation start.`,
  );
  console.log(`Toolbar popup (action.openPopup, ${popupSize || 'size unknown'} px), worker running:`);
  line('blank extension page as the popup: first paint', blank);
  line(
    'popup first contentful paint',
    warm.map((t) => t.fcp),
    blank,
  );
  line(
    'first screen / blank (goal ≤ 1.25×)',
    warm.map((t) => t.firstScreen),
    blank,
  );
  line(
    'all tiles / blank',
    warm.map((t) => t.all),
    blank,
  );
  if (values.floor) {
    line('floor: first screen as static HTML, no script / blank', staticFirstScreen, blank);
    line('floor: the same, its stylesheet inlined / blank', staticInline, blank);
    line('floor: one line from a tiny script file / blank', tinyScript, blank);
  }
  console.log("In a tab of the popup's size, every worker stopped first (a fresh renderer process):");
  line('blank extension page: first paint', freshBlank);
  line(
    'stopped worker: first screen / blank',
    cold.map((t) => t.firstScreen),
    freshBlank,
  );
  console.log('Worker answer, ms from the request:');
  line('minimal extension, stopped worker: ping', ping);
  line('toolbar popup, warm worker: getState', warm.map(answerTime));
  line('cold wake / minimal worker (goal ≤ 1.5×)', cold.map(answerTime), ping);
  for (const [index, floor] of (values.floor ? FLOORS : []).entries())
    line(floor.label, floorPings[index] ?? [], ping);
  console.log('Search:');
  line('first keystroke to results painted (index incl.)', keystroke);
  console.log(`Popup JS + CSS gzipped: ${(popupGzipBytes() / 1024).toFixed(1)} KB (budget 30 KB)`);
  console.log(
    '(Rough figures: a shared 2-core machine; bench/search.ts above has search per keystroke in detail.)',
  );
} finally {
  await h.close();
  rmSync(BLANK_FILE, { force: true });
  rmSync(OPENER_FILE, { force: true });
  rmSync(STATIC_FIRST_SCREEN_FILE, { force: true });
  rmSync(STATIC_INLINE_FILE, { force: true });
  for (const name of Object.keys(TINY_SCRIPT_FILES)) rmSync(path.join(EXTENSION_DIR, name), { force: true });
  rmSync(minimalDir, { recursive: true, force: true });
  for (const dir of floorDirs) rmSync(dir, { recursive: true, force: true });
}
