/**
 * The name a browser suggests for itself when it enrols as an approver
 * (issue 13): "Chrome on Linux", "Firefox on Windows" — what the person sees
 * in their device list and can change before enrolling. Parsed with `bowser`
 * (as the portal describes sessions), which knows the browsers' ever-changing
 * user-agent strings better than a few regular expressions would. The words
 * around the names ("on") come from the caller, in the page's language.
 */
import Bowser from 'bowser';

/** How the caller words a browser on a system ("Chrome on Linux"). */
export type DeviceNameWords = (browser: string, system: string) => string;

/** A name for the browser of `userAgent`; `fallback` when its browser is not recognised. */
export function suggestDeviceName(userAgent: string, words: DeviceNameWords, fallback: string): string {
  // bowser throws on an empty string.
  if (!userAgent.trim()) return fallback;
  const parsed = Bowser.parse(userAgent.slice(0, 1000));
  // Headless Chromium names itself "HeadlessChrome"; people know it as Chrome.
  const browserName = parsed.browser.name?.replace(/^Headless\s*/i, '') || null;
  const system = parsed.os.name || null;
  if (!browserName) return fallback;
  return (system ? words(browserName, system) : browserName).slice(0, 100);
}
