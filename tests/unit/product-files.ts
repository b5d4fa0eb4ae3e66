/**
 * The product's own source files, for the house-rule tests (no import
 * circles): the extension (entrypoints/, pages/,
 * components/, utils/), the shared contract/, the portal (server/src/) and
 * scripts/. Tests, their fixtures (`__tests__/`) and declaration files are
 * left out.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const PRODUCT_DIRS = [
  'entrypoints',
  'pages',
  'components',
  'utils',
  'contract',
  'server/src',
  'scripts',
];

/** Every product file below `dir` whose name `matches` (a test file never does). */
export function productFiles(dir: string, matches: RegExp = /\.tsx?$/): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__tests__' ? [] : productFiles(full, matches);
    return matches.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [full]
      : [];
  });
}
