/**
 * Firefox discovery for the end-to-end tests: like Chromium (scripts/browser.ts),
 * no browser is downloaded at install time, so we find one that is already
 * installed.
 *
 * Order: `FIREFOX_EXECUTABLE_PATH`, then Firefox ESR, then Firefox, on Linux,
 * macOS and Windows. Debian ships `firefox-esr` (apt-get install -y firefox-esr).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Thrown when no usable Firefox is installed; the message says how to get one. */
export class FirefoxNotFoundError extends Error {
  override readonly name = 'FirefoxNotFoundError';
  readonly code = 'firefox_not_found';
}

function candidates(): string[] {
  const list: string[] = [];
  if (process.platform === 'darwin') {
    list.push('/Applications/Firefox.app/Contents/MacOS/firefox');
  } else if (process.platform === 'win32') {
    for (const base of [process.env.PROGRAMFILES, process.env['PROGRAMFILES(X86)']]) {
      if (base) list.push(path.join(base, 'Mozilla Firefox', 'firefox.exe'));
    }
  } else {
    // The real binaries before the shell wrappers: the wrappers in /usr/bin exec these anyway.
    for (const dir of ['/usr/bin', '/usr/local/bin', '/snap/bin']) {
      for (const name of ['firefox-esr', 'firefox']) list.push(path.join(dir, name));
    }
  }
  return list;
}

/** The first installed Firefox (ESR preferred: it is what Debian ships and what we test). */
export function findFirefox(): string {
  const fromEnv = process.env.FIREFOX_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new FirefoxNotFoundError(
        `FIREFOX_EXECUTABLE_PATH points to ${fromEnv}, which does not exist. Fix or unset it.`,
      );
    }
    return fromEnv;
  }
  const found = candidates().find((candidate) => existsSync(candidate));
  if (!found) {
    throw new FirefoxNotFoundError(
      'No Firefox found. Install it (Debian/Ubuntu: apt-get install -y firefox-esr) or set FIREFOX_EXECUTABLE_PATH.',
    );
  }
  return found;
}
