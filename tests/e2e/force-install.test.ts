/**
 * Enterprise deployment end to end: `npm run package` output installed by
 * Chromium through machine policy, the way an administrator deploys it
 * (docs/admin.md), with no `--load-extension`.
 *
 * The packager signs a CRX and writes update.xml for a loopback "download
 * server"; a policy file in /etc/chromium/policies/managed force-installs it
 * and configures it through `3rdparty.extensions.<id>`; the test then reads
 * the policy back inside the installed extension's service worker.
 *
 * Policy files apply to every Chromium on the machine: the test writes one
 * only when no other Chromium runs and always removes it (./policy-files.ts).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../contract/constants.ts';
import { chromiumArgs, findBrowser } from '../../scripts/browser.ts';
import { verifyCrx } from '../../scripts/package/crx.ts';
import { parseSigningKey, resolveSigningKey } from '../../scripts/package/keys.ts';
import { chromiumPolicyFile, type PolicyFile, waitForNoOtherBrowser } from './policy-files.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const BRAND_NAME = `Acme ${randomBytes(4).toString('hex')}`;
const execFileAsync = promisify(execFile);

interface DownloadServer {
  baseUrl: string;
  /** Request targets (path and query) the browser fetched, in order. */
  fetched: string[];
  close(): Promise<void>;
}

/** Serves update.xml and the CRX from `dir` on a random loopback port, as an admin's web server would. */
async function serveDownloads(dir: string): Promise<DownloadServer> {
  const fetched: string[] = [];
  const types: Record<string, string> = { '.xml': 'text/xml', '.crx': 'application/x-chrome-extension' };
  const server = http.createServer((request, response) => {
    fetched.push(request.url ?? '/');
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = path.join(dir, path.basename(pathname));
    const type = types[path.extname(file)];
    if (!type || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': type });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    fetched,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Extension APIs as seen inside `worker.evaluate`. */
type WithChrome = {
  chrome: {
    storage: { managed: { get(): Promise<Record<string, unknown>> } };
    management: {
      getSelf(): Promise<{ id: string; installType: string; version: string; enabled: boolean }>;
    };
  };
};

describe('force-install through enterprise policy (docs/admin.md)', () => {
  let work: string;
  let downloads: DownloadServer;
  let browser: Browser | undefined;
  let installMs: number;
  let crx: Buffer;
  let policy: PolicyFile | undefined;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'portal-launcher-force-install-'));
    const packages = path.join(work, 'packages');
    downloads = await serveDownloads(packages);

    // The real packager, as an admin runs it, pointed at the loopback download server.
    await execFileAsync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'scripts/package.ts'),
        '--browser',
        'chrome',
        '--out-dir',
        packages,
        '--update-base-url',
        downloads.baseUrl,
      ],
      {
        cwd: ROOT,
        timeout: 90_000,
        env: { ...process.env, PORTAL_LAUNCHER_CRX_KEY_FILE: '', PORTAL_LAUNCHER_CRX_KEY: '' },
      },
    );
    crx = readFileSync(path.join(packages, `portal-launcher-${VERSION}.crx`));

    await waitForNoOtherBrowser('chromium', 90_000);
    policy = chromiumPolicyFile();
    policy.write({
      ExtensionSettings: {
        [CHROME_EXTENSION_ID]: {
          installation_mode: 'force_installed',
          update_url: `${downloads.baseUrl}/update.xml`,
        },
      },
      // Chromium hides policy-installed extensions from automation unless developer tools are allowed.
      DeveloperToolsAvailability: 1,
      '3rdparty': {
        extensions: { [CHROME_EXTENSION_ID]: { brandName: BRAND_NAME, stepUpMaxAgeSeconds: 120 } },
      },
    });

    const profileDir = path.join(work, 'profile');
    const started = Date.now();
    browser = await puppeteer.launch({
      executablePath: findBrowser(),
      headless: true,
      pipe: true,
      // true: keep extensions enabled; nothing is loaded from disk, the policy installs it.
      enableExtensions: true,
      // --disable-background-networking also stops the extension updater, which is what fetches
      // update.xml and the CRX for a force-installed extension: leave it out here (puppeteer adds it
      // by default too). Every host still resolves to loopback, so nothing leaves the machine.
      ignoreDefaultArgs: ['--disable-background-networking'],
      args: chromiumArgs({ userDataDir: profileDir, headless: true, mapAllHostsToLoopback: true }).filter(
        (arg) =>
          !arg.startsWith('--user-data-dir') &&
          !arg.startsWith('--headless') &&
          arg !== '--disable-background-networking',
      ),
      userDataDir: profileDir,
    });
    const target = await browser
      .waitForTarget(
        (t) =>
          t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`),
        { timeout: 30_000 },
      )
      .catch((error: unknown) => {
        throw new Error(
          `The force-installed extension did not start within 30 s. Requests to the download server: ${JSON.stringify(downloads.fetched)}`,
          { cause: error },
        );
      });
    installMs = Date.now() - started;
    if (!(await target.worker())) throw new Error('The force-installed extension has no service worker.');
  });

  /**
   * Runs `fn` in the extension's service worker. Chromium may restart a freshly installed worker
   * (MV3 workers come and go), which destroys the context of an `evaluate` in flight: find the
   * current worker and try again, for up to 10 s.
   */
  async function inWorker<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const target = await (browser as Browser).waitForTarget(
          (t) =>
            t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`),
          { timeout: Math.max(1, deadline - Date.now()) },
        );
        const worker = await target.worker();
        if (!worker) throw new Error('no service worker behind the target');
        return (await worker.evaluate(fn)) as T;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  afterAll(async () => {
    policy?.remove();
    await browser?.close();
    await downloads?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the packed CRX verifies against the signing key, and a tampered or foreign one does not', () => {
    const devKey = resolveSigningKey({});
    expect(verifyCrx(crx, devKey.spkiDer).crxId).toBe(CHROME_EXTENSION_ID);
    const tampered = Buffer.from(crx);
    tampered[tampered.length - 100] = (tampered[tampered.length - 100] as number) ^ 0xff;
    expect(() => verifyCrx(tampered, devKey.spkiDer)).toThrow(/signature does not verify/);
    const otherKey = parseSigningKey(
      generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      'test',
    );
    expect(() => verifyCrx(crx, otherKey.spkiDer)).toThrow(/not signed by the expected key/);
  });

  it('installs the signed CRX from update.xml with the expected id, as an admin-installed extension', async () => {
    const self = await inWorker(() => (globalThis as unknown as WithChrome).chrome.management.getSelf());
    expect(self).toMatchObject({
      id: CHROME_EXTENSION_ID,
      installType: 'admin',
      version: VERSION,
      enabled: true,
    });
    // Chromium fetched the update manifest, then the CRX it names.
    expect(downloads.fetched.map((url) => url.split('?')[0])).toEqual(
      expect.arrayContaining(['/update.xml', `/portal-launcher-${VERSION}.crx`]),
    );
    // The update check names our id and says the install comes from policy.
    const updateCheck = downloads.fetched.find((url) => url.startsWith('/update.xml?')) ?? '';
    const x = new URLSearchParams(new URL(updateCheck, 'http://127.0.0.1').searchParams.get('x') ?? '');
    expect(x.get('id')).toBe(CHROME_EXTENSION_ID);
    expect(x.get('installedby')).toBe('policy');
    console.log(`force-install: service worker up ${installMs} ms after browser launch`);
  });

  it('A11: the 3rdparty policy reaches storage.managed in the installed extension', async () => {
    const started = Date.now();
    let managed: Record<string, unknown> = {};
    // Policy for extensions lands a few seconds after start; until then get() returns {} or waits.
    while (Date.now() - started < 10_000) {
      managed = await inWorker(() => (globalThis as unknown as WithChrome).chrome.storage.managed.get());
      if (managed.brandName !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(managed).toEqual({ brandName: BRAND_NAME, stepUpMaxAgeSeconds: 120 });
    console.log(`force-install: managed policy visible ${installMs + Date.now() - started} ms after launch`);
  });
});
