/**
 * The extension reaches browser APIs only through `wxt/browser` (WXT 0.20's
 * promise-based `browser` namespace on every target, which replaced
 * webextension-polyfill): no raw `chrome` global and no import of
 * `webextension-polyfill` in the extension's source. Checked twice, so the
 * rule cannot quietly go: biome.json's override forbids both (shown here on
 * a throw-away file), and the source tree itself is read with the TypeScript
 * parser (comments and property names such as `x.chrome` do not count).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The folders that make up the extension (biome.json's override names the same). */
const EXTENSION_DIRS = ['entrypoints', 'utils', 'pages', 'components', 'contract'];
const POLYFILL = 'webextension-polyfill';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(?:ts|tsx)$/.test(entry.name) ? [full] : [];
  });
}

/** Each raw `chrome` reference and polyfill import in `text`, as `line: what`. */
function findRawBrowserApi(fileName: string, text: string): string[] {
  // Parsing only files that name either at all keeps the scan fast.
  if (!/\bchrome\b/.test(text) && !text.includes(POLYFILL)) return [];
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) =>
    found.push(`${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}`);
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && node.text === 'chrome') {
      const parent = node.parent;
      const isMemberName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) ||
          ts.isPropertySignature(parent) ||
          ts.isMethodDeclaration(parent) ||
          ts.isPropertyDeclaration(parent)) &&
          parent.name === node);
      if (!isMemberName) at(node, 'chrome');
    }
    if (ts.isStringLiteral(node) && (node.text === 'chrome' || node.text === POLYFILL)) {
      const parent = node.parent;
      // globalThis['chrome'], import … from 'webextension-polyfill', import('…'), require('…')
      if (ts.isElementAccessExpression(parent) && node.text === 'chrome') at(node, "['chrome']");
      if (node.text === POLYFILL && (ts.isImportDeclaration(parent) || ts.isExportDeclaration(parent)))
        at(node, POLYFILL);
      if (node.text === POLYFILL && ts.isCallExpression(parent)) at(node, POLYFILL);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('browser APIs only through wxt/browser', () => {
  it('the finder sees a raw chrome global and a polyfill import, and ignores comments and member names', () => {
    const sample = [
      "import browser from 'webextension-polyfill';",
      '// chrome.runtime.id in a comment',
      'const options = { chrome: 1 };',
      'const a = options.chrome;',
      'const id = chrome.runtime.id;',
      "const b = (globalThis as Record<string, unknown>)['chrome'];",
      "const c = await import('webextension-polyfill');",
    ].join('\n');
    expect(findRawBrowserApi('sample.ts', sample)).toEqual([
      `1: ${POLYFILL}`,
      '5: chrome',
      "6: ['chrome']",
      `7: ${POLYFILL}`,
    ]);
  });

  it('no extension source file uses the chrome global or imports webextension-polyfill', () => {
    const offences = EXTENSION_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir))).flatMap((file) =>
      findRawBrowserApi(file, readFileSync(file, 'utf8')).map((hit) => `${path.relative(ROOT, file)}:${hit}`),
    );
    expect(offences).toEqual([]);
  }, 30_000);

  it('webextension-polyfill is not a dependency', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })).not.toContain(POLYFILL);
  });

  it("biome.json rejects both in the extension's folders and leaves scripts/ alone", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'browser-api-'));
    try {
      const config = JSON.parse(readFileSync(path.join(ROOT, 'biome.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      delete config.$schema;
      config.vcs = { enabled: false };
      writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
      const offending = `import p from '${POLYFILL}';\nexport const id = chrome.runtime.id + String(p);\n`;
      for (const folder of ['utils', 'scripts']) {
        mkdirSync(path.join(dir, folder));
        writeFileSync(path.join(dir, folder, 'probe.ts'), offending);
      }
      let report = '';
      try {
        execFileSync(path.join(ROOT, 'node_modules/.bin/biome'), ['lint', '--reporter=json', '.'], {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (error) {
        report = (error as { stdout: string }).stdout;
      }
      const diagnostics = (
        JSON.parse(report) as { diagnostics: { category: string; location: { path: string } }[] }
      ).diagnostics.map((d) => `${d.location.path} ${d.category}`);
      expect(diagnostics.sort()).toEqual([
        'utils/probe.ts lint/style/noRestrictedGlobals',
        'utils/probe.ts lint/style/noRestrictedImports',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
