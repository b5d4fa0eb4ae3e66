/**
 * No product source file over 400 lines (the brief's rule; issue 11): every
 * .ts, .tsx and .css file of the extension, the contract, the portal and the
 * scripts. A file that grows past it holds more than one concern: split it
 * along them (as pages/options/styles/ splits the security centre's styles).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCT_DIRS, productFiles, ROOT } from './product-files.ts';

const MAX_LINES = 400;

/** Lines as an editor counts them (a final newline ends the last line, it does not start one). */
function lineCount(text: string): number {
  return text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
}

describe('file size', () => {
  it('counts lines as an editor does', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\n')).toBe(1);
    expect(lineCount('a\nb')).toBe(2);
    expect(lineCount('a\n\nb\n')).toBe(3);
  });

  it(`no product source file (.ts, .tsx, .css) over ${MAX_LINES} lines`, () => {
    const files = PRODUCT_DIRS.flatMap((dir) => productFiles(path.join(ROOT, dir), /\.(tsx?|css)$/));
    expect(files.some((file) => file.endsWith('.css'))).toBe(true);
    expect(files.length).toBeGreaterThan(100);
    const over = files
      .map((file) => ({ file: path.relative(ROOT, file), lines: lineCount(readFileSync(file, 'utf8')) }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(over).toEqual([]);
  });
});
