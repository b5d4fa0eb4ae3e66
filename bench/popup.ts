/**
 * Popup paint benchmark: `node --import tsx bench/popup.ts` (after `npx wxt build`).
 *
 * Real Chromium with the built extension and a real reference portal: alice
 * signs in, the background's IndexedDB catalog cache is filled with 1,000
 * generated apps for her, and the portal is stopped, so the popup can only
 * paint from the cache (as it does first on every open). It then times, in
 * the same browser run, alternately:
 * - the popup until the frame after its first screen of tiles, and after
 *   all 1,000 tiles, are in the page, and
 * - a blank extension page: the same popup.html with JavaScript off (the
 *   shell and its CSS, nothing rendered), until its load event;
 * both from navigation start, and prints medians and their ratio. It also
 * prints the steps in between, to show where the time goes: when the popup's
 * script first wrote to the page (its "Loading" line, the floor for anything
 * drawn by JavaScript), when it had read its own cache and when the
 * background answered (performance marks in pages/popup), when the
 * first screen of tiles was in the DOM, and when the browser painted their
 * names (Element Timing, `elementtiming="app-name"`). Marks a build does not
 * set print NaN. It never passes or fails on time. Options: `--apps N`,
 * `--rounds N`. `npm run bench` runs it (build first).
 */
import { parseArgs } from 'node:util';
import type { Page } from 'puppeteer-core';
import type { PortalApp } from '../contract/schemas.ts';
import { completePortalSignIn, EXTENSION_ORIGIN, startHarness, waitForApps } from '../tests/e2e/harness.ts';

const { values } = parseArgs({
  options: { apps: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '15' } },
});
const APP_COUNT = Number(values.apps);
/** A popup's first screen: the tiles a 380 × 560 grid shows without scrolling (3 columns × 4 rows, and more). */
const FIRST_SCREEN = Math.min(12, APP_COUNT);
const ROUNDS = Number(values.rounds);

const CATEGORIES = ['Engineering', 'Finance', 'HR', 'Sales', 'Support', 'Legal', 'Marketing', null];
const WORDS = ['Cloud', 'Team', 'Data', 'Pay', 'Desk', 'Docs', 'Mail', 'Chat', 'Build', 'Track', 'Vault'];

function fakeApps(count: number): PortalApp[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `app-${i}`,
    name: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + 3) % WORDS.length]} ${i}`,
    description: `Internal tool number ${i} for the ${CATEGORIES[i % CATEGORIES.length] ?? 'whole'} team.`,
    iconUrl: null,
    category: CATEGORIES[i % CATEGORIES.length] ?? null,
    requiresMfa: i % 5 === 0,
    mfaMaxAgeSeconds: i % 5 === 0 ? 300 : null,
    detailsUrl: null,
  }));
}

/** The median of the measured values; NaN when there are none (a mark an older build does not set). */
function median(values: Array<number | null>): number {
  // NaN comes back from the page as null.
  const sorted = values.filter((value): value is number => Number.isFinite(value)).sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.floor(sorted.length / 2)] as number) : Number.NaN;
}

/**
 * Records, in every new document, when the popup's script first put anything into `#app` (its
 * "Loading" line): the floor for any page drawn by JavaScript (context, bundle, first render).
 */
const SHELL_MARK = `window.__namePaints = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.identifier === 'app-name') window.__namePaints.push(entry.renderTime);
}).observe({ type: 'element', buffered: true });
new MutationObserver((_, observer) => {
  const root = document.getElementById('app');
  if (root && root.firstChild) { window.__shellRendered = performance.now(); observer.disconnect(); }
}).observe(document, { childList: true, subtree: true });`;

/** Times from navigation start until the first screen of tiles, and until all tiles, are painted. */
interface PopupTimes {
  /** The popup's script first wrote to the page. */
  shell: number;
  /** The popup read the snapshot and the IndexedDB cache itself. */
  cache: number;
  /** The background answered the first `getState`. */
  answer: number;
  /** The first screen of tiles was seen in the DOM (a frame before `first`). */
  tiles: number;
  /** The browser's own paint time of the first screen's app names (Element Timing API). */
  namesPainted: number;
  first: number;
  all: number;
}

async function timePopup(page: Page, expected: number): Promise<PopupTimes> {
  await page.setJavaScriptEnabled(true);
  await page.goto('about:blank');
  await page.goto(`${EXTENSION_ORIGIN}/popup.html`);
  // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
  return page.evaluate(`new Promise((resolve) => {
    const marks = { shell: window.__shellRendered ?? NaN };
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const painted = (name) => requestAnimationFrame(() => setTimeout(() => { marks[name] = performance.now(); }, 0));
    const check = () => {
      const count = document.querySelectorAll('[data-app-id]').length;
      // The tiles are in the DOM; the next frame is when they are on screen.
      if (!('first' in marks) && !marks.firstSeen && count >= ${FIRST_SCREEN}) { marks.firstSeen = true; painted('first'); }
      if (!marks.allSeen && count >= ${expected}) { marks.allSeen = true; painted('all'); }
      if (!marks.tiles && count >= ${FIRST_SCREEN}) marks.tiles = performance.now();
      if ('first' in marks && 'all' in marks) resolve({
        shell: marks.shell, cache: at('portal-launcher:cache-read'), answer: at('portal-launcher:background-answer'),
        tiles: marks.tiles, first: marks.first, all: marks.all,
        // Element Timing: when the browser painted the first screen's names (the ${FIRST_SCREEN}th to appear).
        namesPainted: [...window.__namePaints].sort((a, b) => a - b)[${FIRST_SCREEN - 1}] ?? NaN,
      });
      else requestAnimationFrame(check);
    };
    check();
  })`) as Promise<PopupTimes>;
}

async function timeBlank(page: Page): Promise<number> {
  await page.setJavaScriptEnabled(false);
  await page.goto('about:blank');
  await page.goto(`${EXTENSION_ORIGIN}/popup.html`, { waitUntil: 'load' });
  // Navigation timing is readable through CDP even with the page's scripts off.
  const session = await page.createCDPSession();
  const { result } = await session.send('Runtime.evaluate', {
    expression: 'performance.getEntriesByType("navigation")[0].loadEventEnd',
    returnByValue: true,
  });
  await session.detach();
  return Number(result.value);
}

const h = await startHarness();
try {
  const alice = h.portal.demo?.alice;
  if (!alice) throw new Error('The portal has no demo data.');
  const signIn = await h.openPopup();
  await signIn.waitForSelector('button::-p-text(Sign in)');
  await signIn.click('button::-p-text(Sign in)');
  await completePortalSignIn(h, await h.waitForTab(h.portal.issuer), alice);
  await waitForApps(signIn);

  // Replace alice's cached catalog with the generated one, through the extension's own cache item.
  const worker = await h.worker();
  const apps = fakeApps(APP_COUNT);
  await worker.evaluate(async (generated: PortalApp[]) => {
    const open = indexedDB.open('portal-launcher');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const store = db.transaction('items', 'readwrite').objectStore('items');
    const current = await new Promise<{ version: number; value: { apps: PortalApp[] } }>(
      (resolve, reject) => {
        const request = store.get('catalog');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      },
    );
    current.value.apps = generated;
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('items', 'readwrite');
      tx.objectStore('items').put(current, 'catalog');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }, apps);
  // Offline: the popup paints from the cache only (its refresh fails fast, C3).
  await h.portal.close();
  await signIn.close();

  const page = await h.browser.newPage();
  await page.setViewport({ width: 380, height: 560 });
  await page.evaluateOnNewDocument(SHELL_MARK);
  const shellTimes: number[] = [];
  const cacheTimes: number[] = [];
  const answerTimes: number[] = [];
  const tilesTimes: number[] = [];
  const paintedTimes: number[] = [];
  const firstTimes: number[] = [];
  const allTimes: number[] = [];
  const blankTimes: number[] = [];
  await timePopup(page, APP_COUNT); // warm-up: service worker and disk caches
  await timeBlank(page);
  for (let round = 0; round < ROUNDS; round++) {
    const { shell, cache, answer, tiles, namesPainted, first, all } = await timePopup(page, APP_COUNT);
    paintedTimes.push(namesPainted);
    shellTimes.push(shell);
    cacheTimes.push(cache);
    answerTimes.push(answer);
    tilesTimes.push(tiles);
    firstTimes.push(first);
    allTimes.push(all);
    blankTimes.push(await timeBlank(page));
  }
  const blank = median(blankTimes);
  const first = median(firstTimes);
  const shell = median(shellTimes);
  const all = median(allTimes);
  console.log(`Popup paint with ${APP_COUNT} cached apps, ${ROUNDS} rounds, median from navigation start:`);
  console.log(`  blank extension page       ${blank.toFixed(1)} ms`);
  console.log(`  popup script's first DOM   ${shell.toFixed(1)} ms  (${(shell / blank).toFixed(2)}× blank)`);
  console.log(`  popup read its cache       ${median(cacheTimes).toFixed(1)} ms`);
  console.log(`  background's first answer  ${median(answerTimes).toFixed(1)} ms`);
  console.log(`  first tiles in the DOM     ${median(tilesTimes).toFixed(1)} ms`);
  const painted = median(paintedTimes);
  console.log(
    `  first names painted (ET)   ${painted.toFixed(1)} ms  (${(painted / blank).toFixed(2)}× blank)`,
  );
  console.log(`  first screen of tiles      ${first.toFixed(1)} ms  (${(first / blank).toFixed(2)}× blank)`);
  console.log(
    `  all ${APP_COUNT} tiles painted   ${all.toFixed(1)} ms  (${(all / blank).toFixed(2)}× blank)`,
  );
} finally {
  await h.close();
}
