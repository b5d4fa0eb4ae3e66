/**
 * A10: credentials and the second factor are entered only on the portal's own
 * pages or the extension's pages, in top-level tabs. A web page of another
 * site frames each of them in real Chromium: the portal's sign-in and reset
 * pages refuse to render in a frame (B12), the popup and options pages are
 * not web-accessible, and the one web-accessible page (auth.html, where the
 * redirect lands) finishes nothing from inside a frame — even with the state
 * of a sign-in that is really pending.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_REDIRECT_URI } from '../../contract/constants.ts';
import {
  completePortalSignIn,
  EXTENSION_ORIGIN,
  type Harness,
  startHarness,
  type WithChrome,
  waitForApps,
} from './harness.ts';

let h: Harness;
let site: http.Server;
let siteOrigin = '';
let framedPage = '';

beforeAll(async () => {
  h = await startHarness();
  site = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(framedPage);
  });
  await new Promise<void>((resolve) => site.listen(0, 'localhost', resolve));
  // localhost is another site than the portal's 127.0.0.1.
  siteOrigin = `http://localhost:${(site.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => site?.close(resolve));
});

/** The frame named `name` on `page`, once its navigation settled. */
function frameNamed(page: Page, name: string): Frame {
  const frame = page.frames().find((f) => f.name() === name);
  if (!frame) throw new Error(`no frame ${name}`);
  return frame;
}

async function pendingStates(): Promise<string[]> {
  const worker = await h.worker();
  return worker.evaluate(async () => {
    const stored = await (globalThis as unknown as WithChrome).chrome.storage.session.get('pendingFlows');
    const envelope = stored.pendingFlows as { value?: Record<string, unknown> } | undefined;
    return Object.keys(envelope?.value ?? {});
  });
}

describe('framing', () => {
  it('A10/B12: another site cannot frame the sign-in, reset, popup or options pages, and a framed auth page finishes nothing', async () => {
    // A sign-in is pending: its tab shows the portal's email page, top-level.
    const popup = await h.openPopup();
    await popup.waitForSelector('button::-p-text(Sign in)');
    await popup.click('button::-p-text(Sign in)');
    const signInTab = await h.waitForTab(h.portal.issuer);
    await signInTab.waitForSelector('#email');
    const [state] = await pendingStates();
    if (!state) throw new Error('no pending sign-in');

    // Worst case: the site somehow knows the pending state and forges the redirect.
    const forged = `${CHROME_REDIRECT_URI}?code=forged&state=${state}&iss=${encodeURIComponent(h.portal.issuer)}`;
    const frames: Record<string, string> = {
      signin: signInTab.url(),
      reset: `${h.portal.issuer}/reset-password`,
      popup: `${EXTENSION_ORIGIN}/popup.html`,
      options: `${EXTENSION_ORIGIN}/options.html`,
      auth: `${EXTENSION_ORIGIN}/auth.html#${forged}`,
    };
    framedPage = `<!doctype html><title>Some site</title>${Object.entries(frames)
      .map(([name, src]) => `<iframe name="${name}" src="${src.replaceAll('"', '&quot;')}"></iframe>`)
      .join('')}`;

    // The reset page renders its form top-level (so an empty frame below means "blocked").
    const resetTop = await h.browser.newPage();
    await resetTop.goto(frames.reset as string);
    expect(await resetTop.$('input')).not.toBeNull();
    await resetTop.close();

    const attacker = await h.browser.newPage();
    await attacker.goto(siteOrigin, { waitUntil: 'load' });
    await attacker.waitForFunction(() => document.querySelectorAll('iframe').length === 5);
    // Frames that Chromium refuses settle as its error page; give auth.html time to run its script.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    for (const name of ['signin', 'reset', 'popup', 'options']) {
      const frame = frameNamed(attacker, name);
      // Chromium replaced the refused document with its own error page.
      expect(frame.url(), name).toBe('chrome-error://chromewebdata/');
      expect(await frame.$('#email, #app, input[type="password"]'), name).toBeNull();
    }
    // The extension frame lives in another process (an out-of-process iframe), which Chromium may
    // swap while it loads under load: look the frame up afresh on every poll, and give each look a
    // short deadline of its own instead of waiting on one frame handle that may have gone.
    const readState = (frame: Frame) =>
      frame.evaluate(() => {
        const app = document.getElementById('app');
        return app?.dataset.state === 'error'
          ? (document.getElementById('message')?.textContent ?? '')
          : null;
      });
    let message: string | null = null;
    let seen = 'no frame at auth.html';
    for (const deadline = Date.now() + 40_000; message === null && Date.now() < deadline; ) {
      const auth = attacker.frames().find((frame) => frame.url().startsWith(`${EXTENSION_ORIGIN}/auth.html`));
      if (auth) {
        seen = auth.url();
        message = await Promise.race([
          readState(auth).catch(() => null),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 2_000)),
        ]);
      }
      if (message === null) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (message === null) throw new Error(`the framed auth page did not refuse within 40 s (${seen})`);
    expect(message).toContain('only in its own tab');

    // The pending sign-in was not consumed: it still finishes in its own tab.
    expect(await pendingStates()).toContain(state);
    const alice = h.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    await completePortalSignIn(h, signInTab, alice);
    await popup.bringToFront();
    expect(await waitForApps(popup)).toContain('team-wiki');
  });
});
