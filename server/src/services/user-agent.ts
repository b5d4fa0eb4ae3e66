/**
 * What a sessions list shows of a `User-Agent`: the browser with its version
 * ("Chrome 156", "Firefox 153", "Safari 17.5") and the operating system
 * ("Linux", "Windows 10", "macOS Catalina", "Android 14"), so two sessions of
 * the same person can be told apart. Parsed with `bowser`, which keeps up
 * with the browsers' ever-changing strings (Edge's `Edg/`, iPadOS posing as
 * macOS, headless Chromium) better than a few regular expressions could.
 *
 * @see https://github.com/bowser-js/bowser
 */
import Bowser from 'bowser';

export interface DeviceDescription {
  /** Browser name and short version ("Chrome 156"); null when unrecognisable. */
  browser: string | null;
  /** Operating system with its version name where there is one ("Windows 10"); null when unknown. */
  os: string | null;
}

/** "156.0.0.0" → "156", "17.5" → "17.5", "131.0.2903.86" → "131": what people call the version. */
export function shortVersion(version: string | undefined): string | null {
  if (!version) return null;
  const parts = version.split('.').slice(0, 2);
  if (parts[1] === '0' || !/^\d+$/.test(parts[1] ?? '')) parts.length = 1;
  return /^\d+$/.test(parts[0] ?? '') ? parts.join('.') : null;
}

/** Describes `userAgent` (see the module header); both fields null for an empty or unknown string. */
export function describeDevice(userAgent: string | null | undefined): DeviceDescription {
  if (!userAgent) return { browser: null, os: null };
  const parsed = Bowser.parse(userAgent.slice(0, 1000));
  const name = parsed.browser.name || null;
  const version = shortVersion(parsed.browser.version);
  const osName = parsed.os.name || null;
  const osVersion = parsed.os.versionName ?? (parsed.os.version ? shortVersion(parsed.os.version) : null);
  return {
    browser: name ? [name, version].filter(Boolean).join(' ') : null,
    os: osName ? [osName, osVersion].filter(Boolean).join(' ') : null,
  };
}
