/**
 * `npm start`'s browser path on a desktop, under a virtual display (Xvfb):
 * scripts/start.ts opens Chromium with the extension pointed at the portal it
 * started and the popup (offering "Sign in") in the first tab, never claims
 * it could not open Chromium, and Ctrl-C stops the browser and the portal.
 *
 * The test drives start.ts as `npm start` runs it (its own process), with
 * `--no-build` (the test builds first) and `--remote-debugging-port` so it
 * can look into the Chromium start.ts launched.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../scripts/output-dir.ts';
import { EXTENSION_ORIGIN, type WithChrome } from './harness.ts';

/** Starts Xvfb on a display number it picks itself (`-displayfd`). */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    let errors = '';
    xvfb.stderr?.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    xvfb.once('error', (error) =>
      reject(
        new Error(`Xvfb did not start (${error.message}). Install it: apt-get install -y xvfb`, {
          cause: error,
        }),
      ),
    );
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${errors}`)));
    (xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
  });
  return { display, process: xvfb };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let xvfb: Awaited<ReturnType<typeof startXvfb>>;
let start: ChildProcess;
let exited: Promise<number | null>;
let output = '';
let dataDir: string;
let debuggingPort: number;
let issuer: string;

beforeAll(async () => {
  xvfb = await startXvfb();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'portal-start-e2e-'));
  debuggingPort = await freePort();
  start = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/start.ts', '--no-build', '--remote-debugging-port', String(debuggingPort)],
    {
      cwd: ROOT_DIR,
      // The way a person runs it, on a desktop; a private data folder and any free port.
      env: { ...process.env, DISPLAY: xvfb.display, PORTAL_DATA_DIR: dataDir, PORTAL_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  start.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  start.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  exited = new Promise((resolve) => start.once('exit', (code) => resolve(code)));
  // "Press Ctrl-C to stop." comes last, after the browser part (whatever its outcome).
  await Promise.race([
    new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (output.includes('Press Ctrl-C to stop.\n')) {
          clearInterval(check);
          resolve();
        }
      }, 100);
    }),
    exited.then((code) => {
      throw new Error(`npm start exited early (${code}):\n${output}`);
    }),
  ]);
  issuer = /Portal Launcher reference portal: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
});

afterAll(async () => {
  // Whatever the test got to: Chromium (its own process group), start.ts, Xvfb, the data folder.
  const leftover = await puppeteer
    .connect({ browserURL: `http://127.0.0.1:${debuggingPort}` })
    .catch(() => null);
  await leftover?.close().catch(() => undefined);
  if (start?.exitCode === null) start.kill('SIGKILL');
  xvfb?.process.kill('SIGTERM');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start on a desktop', () => {
  let browser: Browser;

  it('opens Chromium with the extension pointed at the portal and the popup offering Sign in', async () => {
    expect(output).not.toContain('Could not open Chromium');
    expect(output).not.toContain('Load the extension by hand');
    expect(issuer).not.toBe('');
    expect(output).toContain(`data:      ${dataDir}`);
    expect(output).toContain(`Chromium is open with Portal Launcher pointed at ${issuer}`);

    browser = await puppeteer.connect({
      browserURL: `http://127.0.0.1:${debuggingPort}`,
      defaultViewport: null,
    });
    const target = await browser.waitForTarget(
      (t) => t.type() === 'page' && t.url() === `${EXTENSION_ORIGIN}/popup.html`,
      { timeout: 30_000 },
    );
    const popup = await target.page();
    if (!popup) throw new Error('The popup tab has no page.');
    // The first tab: the person sees it without looking for it.
    const pages = await browser.pages();
    expect(pages[0]?.url()).toBe(`${EXTENSION_ORIGIN}/popup.html`);
    const stored = await popup.evaluate(
      async () => (await (globalThis as unknown as WithChrome).chrome.storage.local.get('settings')).settings,
    );
    expect(stored).toEqual({ portalUrl: issuer });
    await popup.waitForSelector('button::-p-text(Sign in)', { timeout: 30_000 });
    expect(await popup.$('[data-testid="first-run"]')).toBeNull();
    // The portal is really there at that address.
    expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200);
    await browser.disconnect();
  });

  it('Ctrl-C closes Chromium and stops the portal', async () => {
    start.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`${issuer}/.well-known/openid-configuration`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${debuggingPort}/json/version`)).rejects.toThrow();
    expect(output).not.toContain('Could not open Chromium');
  });
});
