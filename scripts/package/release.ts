/**
 * One packaging run: build and zip with WXT for each browser, and for
 * Chrome/Edge sign a CRX (crx.ts), check it and write its update manifest
 * (update-manifest.ts). Used by the `npm run package` CLI, scripts/package.ts.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROME_EXTENSION_ID } from '../../contract/constants.ts';
import { ROOT_DIR } from '../output-dir.ts';
import { packCrx, verifyCrx } from './crx.ts';
import { PackageError } from './errors.ts';
import { resolveSigningKey } from './keys.ts';
import { updateManifestXml } from './update-manifest.ts';

/** Where the packages go unless `--out-dir` says otherwise. */
export const DEFAULT_OUT_DIR = path.join(ROOT_DIR, '.output', 'packages');
/** Stands in for the real download address when `PORTAL_LAUNCHER_UPDATE_BASE_URL` is not set. */
export const PLACEHOLDER_UPDATE_BASE_URL = 'https://extensions.example.com/portal-launcher';

export type TargetBrowser = 'chrome' | 'firefox';

export interface PackageOptions {
  outDir?: string;
  /** Where update.xml says the CRX is downloaded from (no trailing file name). */
  updateBaseUrl?: string;
  browsers?: TargetBrowser[];
  env?: NodeJS.ProcessEnv;
  /** Log lines for people (the summary and warnings). */
  log?: (line: string) => void;
}

export interface PackagedFile {
  kind: 'chrome-zip' | 'crx' | 'update-manifest' | 'firefox-zip' | 'firefox-sources';
  file: string;
  bytes: number;
}

export interface PackageResult {
  version: string;
  extensionId: string | null;
  keySource: string | null;
  files: PackagedFile[];
}

/**
 * Builds with WXT into a private folder (the shared `.output/chrome-mv3` that
 * `npm run build` and the e2e tests use is left alone), zips, packs and signs.
 */
async function buildAndZip(
  browser: TargetBrowser,
  buildRoot: string,
): Promise<{ zips: string[]; dir: string }> {
  // wxt is imported here so the key and XML helpers can be used without loading the bundler.
  const { zip } = await import('wxt');
  try {
    const zips = await zip({
      root: ROOT_DIR,
      browser,
      // DESIGN.md: both browsers get Manifest V3 (WXT would default Firefox to MV2).
      manifestVersion: 3,
      outDir: buildRoot,
      zip: {
        artifactTemplate: 'portal-launcher-{{version}}-{{browser}}.zip',
        sourcesTemplate: 'portal-launcher-{{version}}-firefox-sources.zip',
        // Reviewers of the Firefox sources need the code, not local data, test output or keys.
        // The reference portal (server/) and the tests are not part of the add-on.
        excludeSources: [
          'test-artifacts/**',
          'keys/**',
          'bench/**',
          'server/**',
          'tests/**',
          'docs/**',
          '**/*.pem',
        ],
      },
      hooks: {
        // The store and the CRX both derive the id from their signing key: a manifest `key` that
        // disagrees would be misleading (the Chrome Web Store refuses uploads that carry one).
        'build:manifestGenerated': (_wxt, manifest) => {
          delete (manifest as { key?: string }).key;
        },
      },
    });
    return { zips, dir: path.join(buildRoot, `${browser}-mv3`) };
  } catch (error) {
    throw new PackageError(
      'build_failed',
      `wxt failed to build for ${browser}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8')) as { version?: string };
  // Chromium and Firefox accept 1 to 4 dot-separated integers, no pre-release tags.
  if (!pkg.version || !/^\d+(\.\d+){0,3}$/.test(pkg.version)) {
    throw new PackageError(
      'bad_option',
      `package.json version "${pkg.version}" is not 1-4 dot-separated integers.`,
    );
  }
  return pkg.version;
}

function checkUpdateBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new PackageError('bad_option', `The update base URL ${value} is not a URL.`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PackageError(
      'bad_option',
      `The update base URL must be https:// (or http:// for a test), not ${url.protocol}.`,
    );
  }
  return value.replace(/\/+$/, '');
}

/**
 * Builds every package and checks the CRX; see the module comment.
 *
 * @throws {PackageError}
 */
export async function packageExtension(options: PackageOptions = {}): Promise<PackageResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const outDir = path.resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const browsers = options.browsers ?? ['chrome', 'firefox'];
  const version = readPackageVersion();
  const baseFromEnv = options.updateBaseUrl ?? env.PORTAL_LAUNCHER_UPDATE_BASE_URL;
  const updateBaseUrl = checkUpdateBaseUrl(baseFromEnv || PLACEHOLDER_UPDATE_BASE_URL);

  // Read the key first: a bad key should fail in a second, not after two builds.
  const key = browsers.includes('chrome') ? resolveSigningKey(env) : null;
  const expectedId = env.PORTAL_LAUNCHER_EXTENSION_ID || (key?.isDevelopmentKey ? CHROME_EXTENSION_ID : null);
  if (key && expectedId && key.extensionId !== expectedId) {
    throw new PackageError(
      'id_mismatch',
      `The signing key from ${key.source} gives extension id ${key.extensionId}, but ${expectedId} was expected ` +
        '(PORTAL_LAUNCHER_EXTENSION_ID or the development id). Use the key that belongs to that id, or update the expectation.',
    );
  }

  mkdirSync(outDir, { recursive: true });
  const buildRoot = mkdtempSync(path.join(os.tmpdir(), 'portal-launcher-build-'));
  const files: PackagedFile[] = [];
  const add = (kind: PackagedFile['kind'], file: string) =>
    files.push({ kind, file, bytes: statSync(file).size });
  try {
    for (const browser of browsers) {
      const { zips, dir } = await buildAndZip(browser, buildRoot);
      for (const zipFile of zips) {
        const target = path.join(outDir, path.basename(zipFile));
        rmSync(target, { force: true });
        cpSync(zipFile, target);
        const sources = zipFile.endsWith('-firefox-sources.zip');
        add(browser === 'firefox' ? (sources ? 'firefox-sources' : 'firefox-zip') : 'chrome-zip', target);
      }
      if (browser === 'chrome' && key) {
        const crxFile = path.join(outDir, `portal-launcher-${version}.crx`);
        await packCrx({ extensionDir: dir, key, outFile: crxFile });
        const info = verifyCrx(readFileSync(crxFile), key.spkiDer);
        if (info.crxId !== key.extensionId) {
          throw new PackageError('crx_invalid', `The CRX declares id ${info.crxId}, not ${key.extensionId}.`);
        }
        add('crx', crxFile);
        const updateFile = path.join(outDir, 'update.xml');
        writeFileSync(
          updateFile,
          updateManifestXml({
            appId: key.extensionId,
            codebase: `${updateBaseUrl}/${path.basename(crxFile)}`,
            version,
          }),
        );
        add('update-manifest', updateFile);
      }
    }
  } finally {
    rmSync(buildRoot, { recursive: true, force: true });
  }

  if (key?.isDevelopmentKey) {
    log(
      [
        '',
        '!!! WARNING: the CRX is signed with the PUBLIC DEVELOPMENT KEY (keys/dev-extension-key.pem). !!!',
        '!!! Anyone can sign an update for this id. Never deploy it: set PORTAL_LAUNCHER_CRX_KEY_FILE  !!!',
        '!!! (or PORTAL_LAUNCHER_CRX_KEY) to your own key. See keys/README.md.                        !!!',
        '',
      ].join('\n'),
    );
  } else if (key && key.extensionId !== CHROME_EXTENSION_ID && !env.PORTAL_LAUNCHER_EXTENSION_ID) {
    log(
      `Note: your key gives extension id ${key.extensionId}. Set PORTAL_LAUNCHER_EXTENSION_ID=${key.extensionId} ` +
        'so later runs check it, and allow chrome-extension://<that id> at your portal (docs/admin.md).',
    );
  }
  if (key && !baseFromEnv) {
    log(
      `Note: update.xml points at the placeholder ${PLACEHOLDER_UPDATE_BASE_URL}; set PORTAL_LAUNCHER_UPDATE_BASE_URL.`,
    );
  }

  return { version, extensionId: key?.extensionId ?? null, keySource: key?.source ?? null, files };
}
