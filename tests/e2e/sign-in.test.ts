/**
 * Sign-in from the popup against a real portal that asks for the second
 * factor at every sign-in of a user who has one, and what must (not) be left behind.
 */
import { describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  completePortalSignIn,
  useHarness,
  type WithChrome,
  waitForApps,
} from './harness.ts';
import { dumpExtensionStorage, expectTokensInSessionOnly, redeemRefreshToken } from './portal-pages.ts';

const h = useHarness();

describe('sign-in', () => {
  it('signs alice in from the popup with email, password and TOTP; the popup lists her apps and name (no serious axe violations)', async () => {
    const alice = h.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    const popup = await h.openPopup();
    await popup.waitForSelector('button::-p-text(Sign in)');
    await h.screenshot(popup, 'popup-signed-out');
    expect(await accessibilityViolations(popup)).toEqual([]);
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    await completePortalSignIn(h, tab, alice, { expectCode: true });
    const apps = await waitForApps(popup);
    expect(apps).toEqual(expect.arrayContaining(['team-wiki', 'payroll']));
    const name = await popup.$eval('[data-testid="user-name"]', (el) => el.textContent);
    expect(name).toBe('Alice Example');
    await h.screenshot(popup, 'popup-signed-in');
    expect(await accessibilityViolations(popup)).toEqual([]);
    // The sign-in tab closed itself.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const open = (await h.browser.pages()).map((page) => page.url());
    expect(open.some((url) => url.startsWith(h.portal.issuer))).toBe(false);
  });

  it('A5: no token in storage.local, IndexedDB or any console after sign-in; tokens only in storage.session', async () => {
    const worker = await h.worker();
    const dump = await worker.evaluate(dumpExtensionStorage, 'chrome');
    const consoleText = expectTokensInSessionOnly(dump, h.consoleLines);
    // A8: nothing tried to evaluate code against the default CSP.
    expect(consoleText).not.toMatch(/Content Security Policy|unsafe-eval/);
  });

  it('A14: no request reached the redirect URI host; the redirect was diverted inside the browser', async () => {
    const toRedirectHost = h.requests.filter((request) => request.url.includes('.chromiumapp.org'));
    expect(toRedirectHost.length).toBeGreaterThan(0); // the navigation did happen…
    for (const request of toRedirectHost) {
      expect(request.remoteAddress).toBeNull(); // …but never connected anywhere
      expect(request.divertedInternally).toBe(true);
    }
    expect(h.redirectHostConnections()).toBe(0);
    // The detector itself works: a chromiumapp.org address the rule does not cover does connect.
    const probe = await h.browser.newPage();
    await probe.goto('https://probe.chromiumapp.org/not-ours').catch(() => undefined);
    await probe.close();
    expect(h.redirectHostConnections()).toBeGreaterThan(0);
  });

  it('A6: a web page cannot trigger a launch or read the session', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.portal.issuer}/.well-known/openid-configuration`);
    const before = (await h.browser.pages()).length;
    const outcome = await page.evaluate(async (extensionId: string) => {
      const runtime = (globalThis as unknown as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome
        ?.runtime;
      if (!runtime || typeof runtime.sendMessage !== 'function') return 'no messaging API for pages';
      try {
        const send = runtime.sendMessage as (id: string, message: unknown) => Promise<unknown>;
        const reply = await send(extensionId, {
          channel: 'portal-launcher/v1',
          name: 'launchApp',
          payload: { appId: 'wiki' },
        });
        return `reply: ${JSON.stringify(reply)}`;
      } catch (error) {
        return `refused: ${String(error)}`;
      }
    }, 'gfijghhkgcaccgnlhoolghnaabcmiblm');
    expect(outcome).not.toMatch(/^reply: .*"ok":true/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await h.browser.pages()).length).toBe(before);
    await page.close();
  });

  it('A12: after sign-out the old refresh token is refused with invalid_grant', async () => {
    const worker = await h.worker();
    const refreshToken = await worker.evaluate(async () => {
      const api = (globalThis as unknown as WithChrome).chrome;
      const stored = (await api.storage.session.get('session')) as {
        session?: { value?: { refreshToken?: string } };
      };
      return stored.session?.value?.refreshToken ?? null;
    });
    expect(refreshToken).toBeTruthy();
    const popup = await h.openPopup();
    await popup.waitForSelector('button::-p-text(Sign out)');
    await popup.click('button::-p-text(Sign out)');
    await popup.waitForSelector('button::-p-text(Sign in)');
    await h.screenshot(popup, 'popup-after-sign-out');
    const response = await redeemRefreshToken(h.portal.issuer, refreshToken as string);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
    // Nothing of the session is left in storage.session.
    const left = await worker.evaluate(async () =>
      JSON.stringify(await (globalThis as unknown as WithChrome).chrome.storage.session.get(null)),
    );
    expect(left).not.toContain(refreshToken as string);
  });
});
