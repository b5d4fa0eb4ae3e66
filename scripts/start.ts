/**
 * `npm start`: build the extension, start the reference portal with demo data
 * (the same data folder and port as `npm run portal`: `PORTAL_DATA_DIR`,
 * default `.data/portal`; `PORTAL_PORT`, default 8787, a free one when busy),
 * and open Chromium with the extension loaded, pointed at the portal, and its
 * popup in the first tab.
 *
 * Pointing it at the portal: the portal address is written into the
 * extension's user settings (`storage.local` key `settings`, where the popup's
 * first-run screen saves it) from the popup page itself, over the DevTools
 * protocol. An extension page has its extension APIs from its first script on,
 * unlike a service worker that is still starting (its `chrome.storage` can be
 * missing for a moment). The background hears the change like any other
 * settings change. No managed policy file is written, so nothing else on the
 * machine changes.
 *
 * Options (`npm start -- …`):
 *   --no-build                    use the extension already built (`PORTAL_LAUNCHER_OUT_DIR`, default .output/)
 *   --remote-debugging-port N     let a tool drive the Chromium it opens (the end-to-end test); loopback only
 *
 * Without a display (no DISPLAY/WAYLAND_DISPLAY on Linux) it says so, keeps
 * the portal running and prints how to load the extension by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import puppeteer, { type Browser } from 'puppeteer-core';
import { CHROME_EXTENSION_ID } from '../contract/constants.ts';
import type { RunningPortal } from '../server/src/app.ts';
import { type ServeOptions, serve } from '../server/src/main.ts';
import { chromiumArgs, findBrowser } from './browser.ts';
import { builtExtensionDir, ROOT_DIR } from './output-dir.ts';

const extensionDir = builtExtensionDir('chrome-mv3');
const POPUP_URL = `chrome-extension://${CHROME_EXTENSION_ID}/popup.html`;

/**
 * Starts the portal exactly as `npm start` does: demo data, settings from
 * `env` (`PORTAL_*`, the same as `npm run portal`), a free port when the
 * configured one is busy. Prints the banner (demo accounts as they are now).
 */
export function startDemoPortal(
  options: Pick<ServeOptions, 'env' | 'print' | 'logger'> = {},
): Promise<RunningPortal> {
  return serve({ seedDemo: true, fallbackToFreePort: true, ...options });
}

function hasDisplay(): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function buildExtension(): void {
  console.log('Building the extension (wxt build)…');
  const wxt = path.join(ROOT_DIR, 'node_modules', 'wxt', 'bin', 'wxt.mjs');
  const result = spawnSync(process.execPath, [wxt, 'build'], { cwd: ROOT_DIR, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error('The extension build failed (see above). Fix it and run npm start again.');
  }
}

/** Chromium with the extension loaded and a fresh profile (no stale session or settings). */
async function launchChromium(profileDir: string, debuggingPort: number | undefined): Promise<Browser> {
  return puppeteer.launch({
    executablePath: findBrowser(),
    headless: false,
    pipe: true,
    defaultViewport: null,
    enableExtensions: [extensionDir],
    userDataDir: profileDir,
    args: [
      ...chromiumArgs({ userDataDir: profileDir, headless: false }).filter(
        (arg) => !arg.startsWith('--user-data-dir'),
      ),
      // Chromium binds the debugging port to 127.0.0.1 only. Named with the pipe, because
      // puppeteer uses the pipe only when no --remote-debugging-* flag is given, and
      // loading an unpacked extension needs the pipe.
      ...(debuggingPort !== undefined
        ? ['--remote-debugging-pipe', `--remote-debugging-port=${debuggingPort}`]
        : []),
    ],
    // Ctrl-C and SIGTERM are ours: close Chromium, then the portal, then exit 0.
    handleSIGINT: false,
    handleSIGTERM: false,
  });
}

/** Opens the popup in the first tab, saves the portal address there, and shows the result. */
async function pointAtPortal(browser: Browser, issuer: string): Promise<void> {
  // The extension is loaded once its service worker exists; before that its pages do not open.
  await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`),
    { timeout: 30_000 },
  );
  const [first] = await browser.pages();
  const page = first ?? (await browser.newPage());
  await page.goto(POPUP_URL);
  await page.evaluate(async (portalUrl: string) => {
    const api = (
      globalThis as unknown as { chrome: { storage: { local: { set(items: object): Promise<void> } } } }
    ).chrome;
    await api.storage.local.set({ settings: { portalUrl } });
  }, issuer);
  // Drawn again from the saved settings: "Sign in" instead of the first-run screen.
  await page.reload();
}

function printManualSteps(issuer: string): void {
  console.log('Load the extension by hand:');
  console.log('  1. Open chrome://extensions in Chrome or Chromium and turn on Developer mode.');
  console.log(`  2. "Load unpacked" and choose ${extensionDir}`);
  console.log(`  3. Click the Portal Launcher icon and enter the portal address ${issuer}`);
}

function parseOptions(argv: string[]): { build: boolean; debuggingPort: number | undefined } {
  const { values } = parseArgs({
    args: argv,
    options: { 'no-build': { type: 'boolean' }, 'remote-debugging-port': { type: 'string' } },
    strict: true,
  });
  const raw = values['remote-debugging-port'];
  const port = raw === undefined ? undefined : Number(raw);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port <= 65_535)) {
    throw new Error(`--remote-debugging-port takes a port number from 1 to 65535, not "${raw}".`);
  }
  return { build: !values['no-build'], debuggingPort: port };
}

async function main(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  if (options.build) buildExtension();
  if (!existsSync(path.join(extensionDir, 'manifest.json')))
    throw new Error(`No build output in ${extensionDir}. Run npm start without --no-build.`);
  const portal = await startDemoPortal();

  let browser: Browser | null = null;
  let stopping = false;
  let profileDir: string | null = null;
  if (hasDisplay()) {
    profileDir = mkdtempSync(path.join(os.tmpdir(), 'portal-launcher-chromium-'));
    try {
      browser = await launchChromium(profileDir, options.debuggingPort);
    } catch (error) {
      console.error(`Could not open Chromium: ${error instanceof Error ? error.message : String(error)}`);
      printManualSteps(portal.issuer);
    }
  } else {
    console.log('\nNo display found (DISPLAY/WAYLAND_DISPLAY unset), so no browser window was opened.');
    printManualSteps(portal.issuer);
  }
  if (browser) {
    try {
      await pointAtPortal(browser, portal.issuer);
      console.log(
        `\nChromium is open with Portal Launcher pointed at ${portal.issuer}: click "Sign in" in the first tab` +
          ' (the launcher popup). The toolbar icon works too (pin it from the puzzle-piece menu).',
      );
    } catch (error) {
      // Chromium did open: say what is left to do in it, not that it failed to open.
      console.error(
        `Chromium is open, but the extension could not be pointed at the portal (${error instanceof Error ? error.message : String(error)}).`,
      );
      console.error(`Click the Portal Launcher icon and enter the portal address ${portal.issuer}`);
    }
    browser.on('disconnected', () => {
      if (!stopping) console.log('Chromium closed. The portal keeps running; press Ctrl-C to stop.');
    });
  }
  console.log('\nPress Ctrl-C to stop.');
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await browser?.close().catch(() => undefined);
    await portal.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

// Run only as the entry point (tests import startDemoPortal).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
