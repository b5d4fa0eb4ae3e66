/**
 * Test helper: real headless Chromium (Debian's, found like the rest of the
 * project finds it) for the portal's page-level tests, plus an axe-core run
 * over the current page.
 *
 * Contract: {@link launchChromium} resolves once the browser is up and owns a
 * fresh profile folder that `close()` deletes. Nothing resolves off the
 * machine (`--host-resolver-rules`), so the launcher's redirect URI never
 * leaves it either.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Where Chromium is: `PUPPETEER_EXECUTABLE_PATH`, else Debian's. */
export function chromiumPath(): string {
  return process.env.PUPPETEER_EXECUTABLE_PATH || '/usr/bin/chromium';
}

/** A running browser with its throw-away profile. */
export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** Starts headless Chromium with the flags that work as root without network (TOOLCHAIN.md). */
export async function launchChromium(): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    enableExtensions: false,
    defaultViewport: { width: 800, height: 600 },
    args: [
      '--no-sandbox',
      '--headless=new',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--host-resolver-rules=MAP * 127.0.0.1',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** One axe-core finding, trimmed to what a failing assertion should show. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.x A and AA rules plus best practices) over the page.
 * Evaluated through the DevTools protocol, so the pages' strict CSP (no
 * scripts at all, B12) stays as it is in production.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (options: unknown) => Promise<{
            violations: Array<{
              id: string;
              impact?: string | null;
              help: string;
              nodes: Array<{ target: unknown[] }>;
            }>;
          }>;
        };
      }
    ).axe;
    // axe.run(options): the whole document.
    const result = await axe.run({
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    }));
  });
}

/**
 * Saves a PNG of the page when `PORTAL_SCREENSHOTS` names a folder (how the
 * README's screenshots are made: `PORTAL_SCREENSHOTS=docs/screenshots npx
 * vitest run --project server a11y`). Does nothing otherwise.
 */
export async function maybeScreenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.PORTAL_SCREENSHOTS;
  if (!folder) return;
  fs.mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: path.join(folder, `${name}.png`) as `${string}.png`, fullPage: true });
}
