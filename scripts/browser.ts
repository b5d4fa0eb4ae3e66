/**
 * Browser discovery for `npm start` and the end-to-end tests: no browser is
 * downloaded at install time, so we find one that is already there.
 *
 * Order: `PUPPETEER_EXECUTABLE_PATH`, then the system Chromium, then Chrome,
 * on Linux, macOS and Windows.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Thrown when no usable browser is installed; the message says how to get one. */
export class BrowserNotFoundError extends Error {
  override readonly name = 'BrowserNotFoundError';
  readonly code = 'browser_not_found';
}

function candidates(): string[] {
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  const list: string[] = fromEnv ? [fromEnv] : [];
  if (process.platform === 'darwin') {
    list.push(
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    );
  } else if (process.platform === 'win32') {
    for (const base of [
      process.env.PROGRAMFILES,
      process.env['PROGRAMFILES(X86)'],
      process.env.LOCALAPPDATA,
    ]) {
      if (base) {
        list.push(path.join(base, 'Chromium', 'Application', 'chrome.exe'));
        list.push(path.join(base, 'Google', 'Chrome', 'Application', 'chrome.exe'));
      }
    }
  } else {
    for (const dir of ['/usr/bin', '/usr/local/bin', '/snap/bin']) {
      for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
        list.push(path.join(dir, name));
      }
    }
  }
  return list;
}

/** The first installed Chromium-family browser. */
export function findBrowser(): string {
  const env = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (env && !existsSync(env)) {
    throw new BrowserNotFoundError(
      `PUPPETEER_EXECUTABLE_PATH points to ${env}, which does not exist. Fix or unset it.`,
    );
  }
  const found = candidates().find((candidate) => existsSync(candidate));
  if (!found) {
    throw new BrowserNotFoundError(
      'No Chromium or Chrome found. Install one (Debian/Ubuntu: apt-get install -y chromium) or set PUPPETEER_EXECUTABLE_PATH.',
    );
  }
  return found;
}

/** Flags that work as root with no network (TOOLCHAIN.md), plus the user data folder. */
export function chromiumArgs(options: {
  userDataDir: string;
  headless: boolean;
  mapAllHostsToLoopback?: boolean;
  /** Extra `--host-resolver-rules` entries, checked before the catch-all loopback mapping. */
  extraHostRules?: string[];
}): string[] {
  const args = [
    `--user-data-dir=${options.userDataDir}`,
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  if (options.headless) args.push('--headless=new', '--disable-gpu');
  // Nothing resolves off the machine: a stray request fails locally instead of leaking.
  if (options.mapAllHostsToLoopback) {
    args.push(`--host-resolver-rules=${[...(options.extraHostRules ?? []), 'MAP * 127.0.0.1'].join(', ')}`);
  }
  return args;
}
