/**
 * Where `wxt build` writes the extension, and where tests, benchmarks and
 * `npm start` look for it: `.output/` unless `PORTAL_LAUNCHER_OUT_DIR` names
 * another folder (absolute, or relative to the repository), so two builds on
 * one machine (two engineers, or a test and `npm start`) need not share one.
 */
import path from 'node:path';

export const ROOT_DIR = path.resolve(import.meta.dirname, '..');

export const OUTPUT_DIR = path.resolve(ROOT_DIR, process.env.PORTAL_LAUNCHER_OUT_DIR || '.output');

/** The built extension for one target, e.g. `chrome-mv3` or `firefox-mv3`. */
export function builtExtensionDir(target: 'chrome-mv3' | 'firefox-mv3'): string {
  return path.join(OUTPUT_DIR, target);
}
