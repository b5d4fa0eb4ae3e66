/**
 * The popup opens on every toolbar click: its JavaScript and CSS, gzipped,
 * stay within 30 KB ("Popup launcher experience", speed). Measured over the
 * built Chrome extension, following every script, module preload and
 * stylesheet popup.html loads and every chunk those scripts import.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtExtensionDir } from '../../scripts/output-dir.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUTPUT = builtExtensionDir('chrome-mv3');
const BUDGET_BYTES = 30 * 1024;

/** Every file popup.html pulls in: scripts, preloads, stylesheets, and the chunks they import. */
function popupFiles(): string[] {
  const html = readFileSync(path.join(OUTPUT, 'popup.html'), 'utf8');
  const pending = [...html.matchAll(/(?:src|href)="(\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const source = readFileSync(path.join(OUTPUT, file), 'utf8');
    for (const match of source.matchAll(/(?:import|from)\s*\(?\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      pending.push(path.posix.join(path.posix.dirname(file), match[1] as string));
    }
  }
  return [...seen].sort();
}

beforeAll(() => {
  if (!existsSync(path.join(OUTPUT, 'popup.html'))) {
    execFileSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
}, 180_000);

describe('popup bundle size', () => {
  it('popup JS + CSS gzipped is at most 30 KB', () => {
    const files = popupFiles();
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    expect(files.some((file) => file.endsWith('.css'))).toBe(true);
    const sizes = files.map((file) => ({
      file,
      gzip: gzipSync(readFileSync(path.join(OUTPUT, file)), { level: 9 }).length,
    }));
    const total = sizes.reduce((sum, entry) => sum + entry.gzip, 0);
    console.log(
      `popup gzipped: ${(total / 1024).toFixed(1)} KB (${sizes.map((s) => `${s.file} ${s.gzip} B`).join(', ')})`,
    );
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('the popup does not load the zod message schemas (the background validates)', () => {
    const code = popupFiles()
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(path.join(OUTPUT, file), 'utf8'))
      .join('\n');
    // zod's error map text is in every build that includes it.
    expect(code).not.toMatch(/Invalid input: expected/);
  });
});
