/**
 * Firefox's system notifications, seen and clicked the way a person would
 * (issue 13): the alert window Firefox shows for `notifications.create`.
 *
 * Measured on Firefox ESR 153.8 (Debian 12, headless, root, no D-Bus):
 * - With the default `alerts.useSystemBackend` (true) Firefox hands the
 *   notification to libnotify over D-Bus; with no notification daemon it is
 *   closed at once, so `notifications.getAll()` answers `{}` a moment later.
 * - With `alerts.useSystemBackend` false, Firefox shows its own alert window
 *   (`chrome://global/content/alerts/alert.xhtml`, also headless; no Xvfb
 *   needed) with the title in `#alertTitleLabel` and the message in
 *   `#alertTextLabel`. Without `requireInteraction` it closes itself after
 *   20 s (alert.css's animation).
 * - With `--remote-allow-system-access`, WebDriver BiDi lists chrome windows
 *   (`browsingContext.getTree` with `"moz:scope": "chrome"`) and evaluates
 *   script in them, but `input.performActions` refuses chrome contexts. The
 *   click below goes through the same synthesizer BiDi uses for content
 *   (`event.synthesizeMouseAtPoint`, remote/shared/webdriver/Event.sys.mjs):
 *   a trusted mousedown/mouseup at the point, not `element.click()`.
 * - A click fires `notifications.onClicked` in the extension. Its
 *   `action.openPopup()` needs the browser window to be the focused one
 *   (ext-browserAction.js): after a click on the alert it was in 9 of 16
 *   tries and the toolbar popup opened; in the other 7 the launcher fell
 *   back to its popup page in a window of its own (`popup.html?prompt=<id>`).
 *   Both are popup.html views (./firefox-push.test.ts accepts either).
 */
import type { Browser } from 'puppeteer-core';

/** Firefox's own alert windows instead of the (absent) desktop notification service. */
export const FIREFOX_ALERT_PREFS = { 'alerts.useSystemBackend': false } as const;

const ALERT_URL = 'chrome://global/content/alerts/alert.xhtml';

/** What a person sees in one alert window. */
export interface FirefoxAlert {
  /** The BiDi id of the alert window. */
  context: string;
  title: string;
  message: string;
}

type BiDiResult = {
  contexts?: Array<{ context: string; url: string }>;
  type?: 'success' | 'exception';
  result?: { value?: unknown };
  exceptionDetails?: { text: string };
};

/** puppeteer-core's WebDriver BiDi connection (public on its BiDi browser, not in the Browser type). */
function bidi(browser: Browser): { send(method: string, params: object): Promise<{ result: BiDiResult }> } {
  const connection = (browser as unknown as { connection?: unknown }).connection;
  if (!connection) throw new Error('Not a WebDriver BiDi browser (Firefox) — no BiDi connection.');
  return connection as ReturnType<typeof bidi>;
}

async function alertContexts(browser: Browser): Promise<string[]> {
  const { result } = await bidi(browser).send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  return (result.contexts ?? []).filter((c) => c.url === ALERT_URL).map((c) => c.context);
}

/** Evaluates `expression` (a string of script) in a chrome window; answers its JSON value. */
async function evaluateInChrome(browser: Browser, context: string, expression: string): Promise<unknown> {
  const { result } = await bidi(browser).send('script.evaluate', {
    expression,
    target: { context },
    awaitPromise: true,
  });
  if (result.type === 'exception') throw new Error(`In ${ALERT_URL}: ${result.exceptionDetails?.text}`);
  return result.result?.value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for an alert window (other than `seen`) with its words filled in. */
export async function waitForAlert(
  browser: Browser,
  timeoutMs: number,
  seen: ReadonlySet<string> = new Set(),
): Promise<FirefoxAlert> {
  const deadline = Date.now() + timeoutMs;
  // A window that closes while it is read fails the read; the last such failure is told on timeout.
  let lastFailure = '';
  while (Date.now() < deadline) {
    for (const context of await alertContexts(browser)) {
      if (seen.has(context)) continue;
      const words = await evaluateInChrome(
        browser,
        context,
        `JSON.stringify({ title: document.getElementById('alertTitleLabel')?.value ?? '',
          message: document.getElementById('alertTextLabel')?.textContent ?? '' })`,
      ).catch((error: unknown) => {
        lastFailure = ` (last read of an alert window failed: ${String(error)})`;
        return null;
      });
      const { title, message } = JSON.parse(String(words ?? '{}')) as { title?: string; message?: string };
      if (title) return { context, title, message: message ?? '' };
    }
    await sleep(200);
  }
  throw new Error(`No Firefox alert window within ${timeoutMs} ms${lastFailure}.`);
}

/** Whether the alert window is still on screen. */
export async function alertShown(browser: Browser, alert: FirefoxAlert): Promise<boolean> {
  return (await alertContexts(browser)).includes(alert.context);
}

/** Clicks the middle of the alert's message, as a mouse would. */
export async function clickAlert(browser: Browser, alert: FirefoxAlert): Promise<void> {
  await evaluateInChrome(
    browser,
    alert.context,
    `(() => {
      const box = document.getElementById('alertTextLabel').getBoundingClientRect();
      const { event } = ChromeUtils.importESModule('chrome://remote/content/shared/webdriver/Event.sys.mjs');
      return event.synthesizeMouseAtPoint(box.left + box.width / 2, box.top + box.height / 2, {}, window)
        .then(() => true);
    })()`,
  );
}
