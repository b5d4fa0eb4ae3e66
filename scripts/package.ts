/**
 * `npm run package`: the release packages an administrator deploys.
 *
 * Produces, in `.output/packages/` (or `--out-dir`):
 * - `portal-launcher-<version>-chrome.zip`: the Chrome Web Store / Edge Add-ons upload (no manifest `key`);
 * - `portal-launcher-<version>.crx`: a signed CRX3 for self-hosting (written with the `crx3` library);
 * - `update.xml`: the Google update manifest (gupdate protocol 2.0) that points at that CRX;
 * - `portal-launcher-<version>-firefox.zip` (+ `-sources.zip`): the Firefox add-on to sign on AMO.
 *
 * The CRX is signed with `PORTAL_LAUNCHER_CRX_KEY_FILE` (a PEM file) or
 * `PORTAL_LAUNCHER_CRX_KEY` (the PEM text); without either it falls back, with
 * a loud warning, to the public development key `keys/dev-extension-key.pem`.
 * The extension id follows the signing key (see keys/README.md); the packager
 * checks the signed CRX against it before reporting success.
 *
 * Contract: {@link packageExtension} throws {@link PackageError} with a `code`
 * and a message that says what to do; the CLI prints it and exits 1.
 *
 * This file is the CLI; the work is in scripts/package/: release.ts (one
 * run), crx.ts (writing and checking the CRX), keys.ts (signing keys and
 * extension ids), update-manifest.ts (update.xml), errors.ts.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PackageError } from './package/errors.ts';
import {
  DEFAULT_OUT_DIR,
  type PackageResult,
  packageExtension,
  type TargetBrowser,
} from './package/release.ts';

/** The summary printed at the end of `npm run package`. */
export function formatSummary(result: PackageResult, outDir: string): string {
  const lines = [
    '',
    `Portal Launcher ${result.version}`,
    ...(result.extensionId
      ? [`  Chrome/Edge extension id: ${result.extensionId} (signed with ${result.keySource})`]
      : []),
    `  Packages in ${path.relative(process.cwd(), outDir) || '.'}:`,
  ];
  const width = Math.max(...result.files.map((f) => path.basename(f.file).length));
  for (const f of result.files) {
    const size = f.bytes >= 1024 ? `${(f.bytes / 1024).toFixed(1)} KiB` : `${f.bytes} B`;
    lines.push(`    ${path.basename(f.file).padEnd(width)}  ${size.padStart(10)}  ${f.kind}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'out-dir': { type: 'string' },
      'update-base-url': { type: 'string' },
      browser: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'Usage: npm run package -- [--out-dir DIR] [--update-base-url URL] [--browser chrome|firefox]...\n' +
        'Environment: PORTAL_LAUNCHER_CRX_KEY_FILE, PORTAL_LAUNCHER_CRX_KEY, PORTAL_LAUNCHER_UPDATE_BASE_URL, ' +
        'PORTAL_LAUNCHER_EXTENSION_ID',
    );
    return;
  }
  const browsers = values.browser ?? ['chrome', 'firefox'];
  for (const b of browsers) {
    if (b !== 'chrome' && b !== 'firefox')
      throw new PackageError('bad_option', `--browser must be chrome or firefox, not ${b}.`);
  }
  const outDir = path.resolve(values['out-dir'] ?? DEFAULT_OUT_DIR);
  const result = await packageExtension({
    outDir,
    updateBaseUrl: values['update-base-url'],
    browsers: browsers as TargetBrowser[],
  });
  console.log(formatSummary(result, outDir));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof PackageError ? `package: ${error.message} [${error.code}]` : error);
    process.exitCode = 1;
  });
}
