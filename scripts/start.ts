/**
 * `npm start`: build the extension, start the reference portal with demo data
 * (persistent `.data/portal`, port 8787 unless busy), and open Chromium with
 * the extension loaded and already pointed at the portal.
 *
 * Pointing it at the portal: the script writes the portal address into the
 * extension's user settings (`storage.local` key `settings`, the same place
 * the popup's first-run screen saves to) through the extension's service
 * worker, over the DevTools protocol. No managed policy file is written, so
 * nothing else on the machine changes.
 *
 * Without a display (no DISPLAY/WAYLAND_DISPLAY on Linux) it says so, keeps
 * the portal running and prints how to load the extension by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import QRCode from 'qrcode';
import { CHROME_EXTENSION_ID } from '../contract/constants.ts';
import { type RunningPortal, startPortal } from '../server/src/app.ts';
import { chromiumArgs, findBrowser } from './browser.ts';
import { builtExtensionDir } from './output-dir.ts';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.data');
const extensionDir = builtExtensionDir('chrome-mv3');
const PREFERRED_PORT = 8787;

function hasDisplay(): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function buildExtension(): void {
  console.log('Building the extension (wxt build)…');
  const wxt = path.join(root, 'node_modules', 'wxt', 'bin', 'wxt.mjs');
  const result = spawnSync(process.execPath, [wxt, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error('The extension build failed (see above). Fix it and run npm start again.');
  }
}

async function startPortalOnFreePort(): Promise<RunningPortal> {
  const options = { dataDir: path.join(dataDir, 'portal'), seedDemo: true };
  try {
    return await startPortal({ ...options, port: PREFERRED_PORT });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log(`Port ${PREFERRED_PORT} is busy; using a free port instead.`);
    return startPortal({ ...options, port: 0 });
  }
}

async function printDemo(portal: RunningPortal): Promise<void> {
  console.log(`\nPortal: ${portal.issuer}`);
  console.log(`Team Wiki: ${portal.demoApps.wiki}   Payroll: ${portal.demoApps.payroll}`);
  const demo = portal.demo;
  if (!demo) return;
  console.log('\nDemo accounts:');
  console.log(`  ${demo.alice.email} / ${demo.alice.password}  (authenticator app enrolled)`);
  console.log(`  ${demo.bob.email} / ${demo.bob.password}  (no second factor)`);
  const uri = `otpauth://totp/Portal%20Launcher:${encodeURIComponent(demo.alice.email)}?secret=${demo.alice.totpSecret}&issuer=Portal%20Launcher&algorithm=SHA1&digits=6&period=30`;
  console.log(`\nAlice's authenticator secret: ${demo.alice.totpSecret}`);
  console.log('Scan this with an authenticator app, or run: oathtool --totp -b <secret>');
  console.log(await QRCode.toString(uri, { type: 'terminal', small: true }));
}

async function openBrowser(portal: RunningPortal): Promise<Browser> {
  const profileDir = path.join(dataDir, 'chromium-profile');
  // A fresh profile each start: no stale session or settings from a previous run.
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: findBrowser(),
    headless: false,
    pipe: true,
    defaultViewport: null,
    enableExtensions: [extensionDir],
    userDataDir: profileDir,
    args: chromiumArgs({ userDataDir: profileDir, headless: false }).filter(
      (arg) => !arg.startsWith('--user-data-dir'),
    ),
  });
  const target = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`),
    { timeout: 30_000 },
  );
  const worker = await target.worker();
  await worker?.evaluate(async (issuer: string) => {
    const api = (
      globalThis as unknown as { chrome: { storage: { local: { set(items: object): Promise<void> } } } }
    ).chrome;
    await api.storage.local.set({ settings: { portalUrl: issuer } });
  }, portal.issuer);
  const [first] = await browser.pages();
  const page = first ?? (await browser.newPage());
  await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/popup.html`);
  return browser;
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  buildExtension();
  if (!existsSync(path.join(extensionDir, 'manifest.json')))
    throw new Error(`No build output in ${extensionDir}.`);
  const portal = await startPortalOnFreePort();
  await printDemo(portal);

  let browser: Browser | null = null;
  if (hasDisplay()) {
    try {
      browser = await openBrowser(portal);
      console.log(
        'Chromium is open with Portal Launcher loaded (the popup is in the first tab; the toolbar icon works too).',
      );
      browser.on('disconnected', () =>
        console.log('Chromium closed. The portal keeps running; press Ctrl+C to stop.'),
      );
    } catch (error) {
      console.error(`Could not open Chromium: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else {
    console.log('\nNo display found (DISPLAY/WAYLAND_DISPLAY unset), so no browser window was opened.');
  }
  if (!browser) {
    console.log('Load the extension by hand:');
    console.log('  1. Open chrome://extensions in Chrome or Chromium and turn on Developer mode.');
    console.log(`  2. "Load unpacked" and choose ${extensionDir}`);
    console.log(`  3. Click the Portal Launcher icon and enter the portal address ${portal.issuer}`);
  }
  console.log('\nPress Ctrl+C to stop.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await browser?.close().catch(() => undefined);
    await portal.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
