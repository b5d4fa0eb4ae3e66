/**
 * The Firefox build the Firefox e2e tests load: `.output/firefox-mv3`, built
 * with `wxt build -b firefox --mv3` when it is missing or older than its
 * sources (`npm run test:e2e` builds only the Chromium target).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtExtensionDir } from '../../scripts/output-dir.ts';

export const FIREFOX_EXTENSION_DIR = builtExtensionDir('firefox-mv3');

/** What goes into the extension build; a Firefox build older than any of these is stale. */
const BUILD_INPUTS = ['wxt.config.ts', 'package.json', 'entrypoints', 'utils', 'components', 'public'];

function newestInputMtime(root: string): number {
  let newest = 0;
  for (const input of BUILD_INPUTS) {
    const full = path.join(root, input);
    if (!existsSync(full)) continue;
    const stat = statSync(full);
    if (!stat.isDirectory()) {
      newest = Math.max(newest, stat.mtimeMs);
      continue;
    }
    for (const entry of readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && !/\.test\.tsx?$/.test(entry.name)) {
        newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
      }
    }
  }
  return newest;
}

/**
 * Builds `.output/firefox-mv3` when it is missing or older than its sources,
 * so the test never runs yesterday's extension. `npm run test:e2e` builds only
 * the Chromium target. `--mv3`: WXT 0.20 builds Firefox as MV2 by default.
 */
export function ensureFirefoxBuild(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  const manifest = path.join(FIREFOX_EXTENSION_DIR, 'manifest.json');
  if (existsSync(manifest) && statSync(manifest).mtimeMs >= newestInputMtime(root)) return;
  const wxt = path.join(root, 'node_modules', '.bin', 'wxt');
  try {
    execFileSync(wxt, ['build', '-b', 'firefox', '--mv3'], { cwd: root, stdio: 'pipe', timeout: 120_000 });
  } catch (error) {
    const output = (error as { stdout?: Buffer; stderr?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`\`wxt build -b firefox --mv3\` failed; fix the build first.\n${output}`, {
      cause: error,
    });
  }
  if (!existsSync(manifest)) throw new Error(`The Firefox build produced no ${manifest}.`);
}
