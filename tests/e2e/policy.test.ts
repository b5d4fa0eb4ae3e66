/**
 * Enterprise policy end to end in real Chromium (issue 6, A11): a machine
 * policy file, written before the browser starts the way an administrator
 * deploys it (docs/admin.md), configures the extension through
 * `3rdparty.extensions.<id>`: the portal address, the brand, a pinned app, the
 * administrator's contact (shown when a step-up is cancelled), and values the
 * extension must refuse. Then the administrator moves the launcher
 * to another portal, then to another client id, then to a remote `http://`
 * issuer, while the browser runs: the user is signed out, and the insecure
 * issuer is never contacted.
 *
 * Findings (Chromium 156, headless, 2 loaded cores), measured by this test and
 * written to its log (`policy: … arrived N ms via …`):
 * - At browser start the 3rdparty policy usually reaches `storage.managed`
 *   3–6 s after the file was written; until then `get()` answers `{}`. The
 *   harness installs the extension over CDP after launch (puppeteer's
 *   `enableExtensions`), and then, in about one browser start in five, the
 *   policy did not arrive at all, not even after "Reload policies"; so each
 *   policy change after start is done in the same browser. "Reload policies"
 *   in chrome://policy otherwise delivers it (about 3 s at start).
 * - A rewritten file is picked up by Chromium's directory watcher 5.0–5.3 s
 *   after the write (it waits until the files have been stable for 5 s), or
 *   within 0.2 s of a click on "Reload policies".
 * - Chrome's managed_schema.json drops a value of the wrong type silently
 *   (`idleSignOutMinutes: "soon"` never reaches the extension), but passes
 *   anything a JSON schema cannot judge, such as an `http://` logo or issuer
 *   on a remote host: the extension's own validation refuses those (A11).
 * - On an issuer change the launcher drops the session from storage.session
 *   at once, then revokes the refresh token at the old portal.
 *
 * Policy files apply to every Chromium on the machine: run this through the
 * isolation wrapper (/work/bin/iso), or alone; the file is always removed
 * (./policy-files.ts).
 */
import { readdirSync } from 'node:fs';
import net from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID } from '../../contract/constants.ts';
import type { RunningPortal } from '../../server/src/app.ts';
import { startTestPortal, type TestPortal } from '../../server/test/portal.ts';
import { expectBrandedSignInPopup, TEST_BRAND } from './branding.ts';
import {
  accessibilityViolations,
  completePortalSignIn,
  EXTENSION_ORIGIN,
  type Harness,
  startHarness,
  waitForApps,
} from './harness.ts';
import {
  CHROMIUM_POLICY_DIR,
  chromiumPolicyFile,
  type PolicyFile,
  waitForNoOtherBrowser,
} from './policy-files.ts';
import { redeemRefreshToken, STEP_UP_ONLY_PORTAL } from './portal-pages.ts';

const BRAND_NAME = TEST_BRAND.name;
const BRAND_COLOR = TEST_BRAND.color;
/** Where the administrator sends people who cannot verify (the step-up's "Contact your administrator"). */
const ADMIN_CONTACT = 'https://help.example.com/it-support';
/** Passes Chrome's schema (a string), fails the extension's: plain http:// to a remote host. */
const INSECURE_LOGO = 'http://intranet.example.com/logo.png';

/** The launcher's policy for `portalUrl`, as it goes under `3rdparty.extensions.<id>`. */
function launcherPolicy(portalUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    portalUrl,
    brandName: BRAND_NAME,
    brandColor: BRAND_COLOR,
    pinnedApps: ['payroll'],
    // Wrong type: Chrome's managed_schema.json drops it before the extension sees it.
    idleSignOutMinutes: 'soon',
    brandLogoUrl: INSECURE_LOGO,
    adminContact: ADMIN_CONTACT,
    ...extra,
  };
}

function machinePolicy(launcher: Record<string, unknown>): unknown {
  return { '3rdparty': { extensions: { [CHROME_EXTENSION_ID]: launcher } } };
}

/** The extension API as seen inside `worker.evaluate` and `page.evaluate`. */
type WithChrome = {
  chrome: {
    storage: {
      managed: { get(): Promise<Record<string, unknown>> };
      session: { get(keys: null): Promise<Record<string, unknown>> };
    };
    runtime: { sendMessage(message: unknown): Promise<unknown> };
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readManaged(h: Harness): Promise<Record<string, unknown>> {
  const worker = await h.worker();
  return worker.evaluate(() => (globalThis as unknown as WithChrome).chrome.storage.managed.get());
}

async function readSessionArea(h: Harness): Promise<string> {
  const worker = await h.worker();
  return worker.evaluate(async () =>
    JSON.stringify(await (globalThis as unknown as WithChrome).chrome.storage.session.get(null)),
  );
}

/** Clicks "Reload policies" in chrome://policy, as an administrator testing a change would. */
async function reloadPolicies(browser: Browser): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.goto('chrome://policy');
    // The button lives in the policy-app element's shadow root; wait until the page has rendered it.
    const button = await page.waitForSelector('>>> #reload-policies', { visible: true, timeout: 10_000 });
    await button?.click();
  } finally {
    await page.close();
  }
}

/** The text of chrome://policy, shadow roots included (for diagnosing a policy that did not arrive). */
async function policyPageText(browser: Browser): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto('chrome://policy');
    await sleep(1000);
    // A string, so nothing the test's compiler adds to functions reaches the page.
    return (await page.evaluate(`(() => {
      const parts = [];
      const walk = (root) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot) walk(el.shadowRoot);
          else if (el.children.length === 0 && el.textContent.trim()) parts.push(el.textContent.trim());
        }
      };
      walk(document);
      return parts.join(' | ').slice(0, 4000);
    })()`)) as string;
  } finally {
    await page.close();
  }
}

interface PolicyArrival {
  /** How the policy arrived: Chromium's own reload, or the "Reload policies" button. */
  via: string;
  /** Milliseconds from the file write (automatic) or from the click (reload button). */
  ms: number;
}

/**
 * Waits until storage.managed satisfies `landed`: first for Chromium to pick
 * the file up by itself (up to `automaticMs`), then after clicking "Reload policies".
 */
async function waitForPolicy(
  h: Harness,
  landed: (managed: Record<string, unknown>) => boolean,
  automaticMs: number,
  writtenAt: number,
): Promise<PolicyArrival> {
  while (Date.now() - writtenAt < automaticMs) {
    if (landed(await readManaged(h))) return { via: 'automatic', ms: Date.now() - writtenAt };
    await sleep(250);
  }
  // Usually one click is enough (about 3 s at start, at once later), but at browser start Chromium
  // has been seen to ignore one: click again every 10 s.
  for (let click = 1; click <= 3; click++) {
    await reloadPolicies(h.browser);
    const clicked = Date.now();
    while (Date.now() - clicked < 10_000) {
      if (landed(await readManaged(h))) {
        return {
          via: click === 1 ? 'reload button' : `reload button (${click} clicks)`,
          ms: Date.now() - clicked,
        };
      }
      await sleep(250);
    }
  }
  throw new Error(
    `The policy did not reach storage.managed, even after three clicks on "Reload policies". It holds: ${JSON.stringify(await readManaged(h))}. Policy files: ${readdirSync(CHROMIUM_POLICY_DIR).join(', ')}. chrome://policy shows: ${await policyPageText(h.browser)}`,
  );
}

/** Waits until `storage.session` no longer holds a signed-in session. */
async function waitForSessionDropped(h: Harness, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const session = await readSessionArea(h);
    if (!session.includes('refreshToken')) return session;
    if (Date.now() > deadline)
      throw new Error(`storage.session still holds a session: ${session.length} bytes`);
    await sleep(200);
  }
}

async function refreshTokenInSession(h: Harness): Promise<string> {
  const stored = JSON.parse(await readSessionArea(h)) as { session?: { value?: { refreshToken?: string } } };
  const token = stored.session?.value?.refreshToken;
  if (!token) throw new Error('No refresh token in storage.session: not signed in.');
  return token;
}

/** Signs alice in from the popup at the portal the policy names; returns the popup's app ids. */
async function signInFromPopup(h: Harness, popup: Page, portal: RunningPortal): Promise<string[]> {
  const alice = portal.demo?.alice;
  if (!alice) throw new Error('The portal has no demo data.');
  await popup.bringToFront();
  await popup.click('button::-p-text(Sign in)');
  const tab = await h.waitForTab(portal.issuer);
  await completePortalSignIn(h, tab, alice);
  await popup.bringToFront();
  return waitForApps(popup);
}

describe('A11: enterprise policy from a real Chromium policy file', () => {
  let policy: PolicyFile | undefined;
  let h: Harness;
  let second: TestPortal | undefined;
  let startupArrival: PolicyArrival;
  let writtenAt = 0;
  let popup: Page;
  /** Every request the first portal received (to see the launcher revoke its token there). */
  const firstPortalRequests: Array<{ method: string; url: string }> = [];

  beforeAll(async () => {
    await waitForNoOtherBrowser('chromium', 90_000);
    const file = chromiumPolicyFile();
    policy = file;
    // In about one browser start in five the policy never reaches this browser (see the findings
    // above): that start is closed and a fresh browser, with a fresh portal, is started once more.
    for (let start = 1; ; start++) {
      firstPortalRequests.length = 0;
      h = await startHarness({
        // No user setting: the portal address must come from the policy alone.
        configurePortal: false,
        // No code at sign-in: Payroll then asks for one in a step-up tab.
        portal: { ...STEP_UP_ONLY_PORTAL, onRequest: (request) => firstPortalRequests.push(request) },
        beforeBrowser: (portal) => {
          file.write(machinePolicy(launcherPolicy(portal.issuer)));
          writtenAt = Date.now();
        },
      });
      try {
        startupArrival = await waitForPolicy(
          h,
          (managed) => managed.portalUrl === h.portal.issuer,
          6000,
          writtenAt,
        );
        break;
      } catch (error) {
        await h.close();
        if (start === 2) throw error;
        console.log(`policy: browser start ${start} never received the policy; starting a fresh browser`);
      }
    }
    console.log(`policy: at browser start, arrived ${startupArrival.ms} ms via ${startupArrival.via}`);
  }, 300_000);

  afterAll(async () => {
    policy?.remove();
    await h?.close();
    await second?.close().catch(() => undefined);
  });

  it('A11: the policy reaches storage.managed; Chrome’s schema drops a mistyped value but passes an insecure URL', async () => {
    expect(await readManaged(h)).toEqual({
      portalUrl: h.portal.issuer,
      brandName: BRAND_NAME,
      brandColor: BRAND_COLOR,
      pinnedApps: ['payroll'],
      brandLogoUrl: INSECURE_LOGO,
      adminContact: ADMIN_CONTACT,
    });
  });

  it('A11: no first-run screen: the branded popup offers sign-in at the portal from policy (axe: no violations)', async () => {
    popup = await h.openPopup();
    await expectBrandedSignInPopup(popup, h.portal.issuer);
    expect(await accessibilityViolations(popup)).toEqual([]);
  });

  it('A11: after sign-in the admin-pinned Payroll comes first, locked, with no way to unpin it', async () => {
    const apps = await signInFromPopup(h, popup, h.portal);
    expect(apps[0]).toBe('payroll');
    expect(apps).toEqual(expect.arrayContaining(['team-wiki']));
    const pinItem = await popup.$eval('ul.apps [data-app-id="payroll"]', (button) => {
      const item = button.closest('li') as HTMLElement;
      return {
        locked: item.querySelector('.launcher-pin.is-locked')?.getAttribute('aria-label') ?? null,
        toggles: item.querySelectorAll('button.launcher-pin').length,
      };
    });
    expect(pinItem).toEqual({ locked: 'Pinned by your administrator', toggles: 0 });
    // Another app still offers the person's own pin toggle.
    expect(
      await popup.$eval(
        'ul.apps [data-app-id="team-wiki"]',
        (button) => (button.closest('li') as HTMLElement).querySelectorAll('button.launcher-pin').length,
      ),
    ).toBe(1);

    // Even a message that bypasses the UI cannot unpin it: the background refuses.
    const reply = (await popup.evaluate(
      (message) => (globalThis as unknown as WithChrome).chrome.runtime.sendMessage(message),
      { channel: 'portal-launcher/v1', name: 'changePrefs', payload: { action: 'unpin', appId: 'payroll' } },
    )) as { ok: boolean };
    expect(reply.ok).toBe(false);
    await popup.reload();
    expect((await waitForApps(popup))[0]).toBe('payroll');
    expect(await accessibilityViolations(popup)).toEqual([]);
  });

  it('A11/B7: a cancelled step-up offers "Contact your administrator" at the policy’s adminContact (axe: no violations)', async () => {
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const tab = await h.waitForTab(h.portal.issuer);
    await tab.bringToFront();
    await tab.waitForSelector('#code');
    await Promise.all([
      tab.waitForFunction(
        (prefix: string) => location.href.startsWith(prefix),
        { timeout: 20_000 },
        `${EXTENSION_ORIGIN}/auth.html`,
      ),
      tab.click('form[action$="/abort"] button'),
    ]);
    await tab.waitForSelector('#contact', { timeout: 20_000 });
    expect(await tab.$eval('#contact', (el) => [el.textContent, el.getAttribute('href')])).toEqual([
      'Contact your administrator',
      ADMIN_CONTACT,
    ]);
    expect(await tab.$('#retry')).not.toBeNull();
    expect(await accessibilityViolations(tab, { allImpacts: true })).toEqual([]);
    await tab.close();
  });

  it('A11: the options page shows the policy’s settings locked, the address cannot be changed, and the refused value is listed (axe: no violations)', async () => {
    const page = await h.browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(`${EXTENSION_ORIGIN}/options.html#settings`);
    await page.waitForSelector('#portal-url');

    // The portal address: read-only, marked as the administrator's, no Save button.
    expect(await page.$eval('#portal-url', (el) => (el as HTMLInputElement).value)).toBe(h.portal.issuer);
    expect(await page.$eval('#portal-url', (el) => (el as HTMLInputElement).readOnly)).toBe(true);
    expect(await page.$eval('#portal-url-hint', (el) => el.textContent)).toContain(
      'Set by your administrator',
    );
    expect(await page.$('button::-p-text(Save address)')).toBeNull();
    await page.type('#portal-url', 'https://elsewhere.example.com');
    expect(await page.$eval('#portal-url', (el) => (el as HTMLInputElement).value)).toBe(h.portal.issuer);
    // Nor through a message that bypasses the form: the background refuses it as forced.
    const reply = (await page.evaluate(
      (message) => (globalThis as unknown as WithChrome).chrome.runtime.sendMessage(message),
      {
        channel: 'portal-launcher/v1',
        name: 'saveSettings',
        payload: { portalUrl: 'https://elsewhere.example.com' },
      },
    )) as { ok: boolean; value?: { ok: boolean; problem?: { code: string } } };
    expect(reply.value).toMatchObject({ ok: false, problem: { code: 'forced' } });

    // About: the policy in force, with the administrator's keys locked.
    const setBy = (key: string) =>
      page.$eval(`[data-policy-key="${key}"]`, (row) => ({
        value: row.querySelector('td code')?.textContent ?? '',
        setBy: row.querySelector('td:last-child')?.textContent ?? '',
      }));
    expect(await setBy('portalUrl')).toEqual({
      value: JSON.stringify(h.portal.issuer),
      setBy: 'Administrator (locked)',
    });
    expect(await setBy('brandName')).toEqual({
      value: JSON.stringify(BRAND_NAME),
      setBy: 'Administrator (locked)',
    });
    expect(await setBy('brandColor')).toEqual({
      value: JSON.stringify(BRAND_COLOR),
      setBy: 'Administrator (locked)',
    });
    expect(await setBy('pinnedApps')).toEqual({ value: '["payroll"]', setBy: 'Administrator (locked)' });
    // The refused logo is not in force: the default (none) applies and the key is not locked.
    expect(await setBy('brandLogoUrl')).toEqual({ value: 'null', setBy: 'You or the default' });
    expect(await setBy('idleSignOutMinutes')).toEqual({ value: 'null', setBy: 'You or the default' });

    const problems = await page.$eval('[data-testid="policy-problems"]', (el) => el.textContent ?? '');
    // The key, and the extension's own reason (Chrome's schema passed the value through).
    expect(problems).toContain('brandLogoUrl');
    expect(problems).toContain(
      'The policy value for brandLogoUrl is invalid and was ignored. The image address must use https://',
    );
    expect(await page.$eval('[data-testid="policy-problems"]', (el) => el.getAttribute('role'))).toBe(
      'alert',
    );

    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    expect(await accessibilityViolations(page)).toEqual([]);
    await h.screenshot(page, 'policy-options-locked');
    await page.close();
  });

  it('A11/A12: moving the policy to another issuer while the browser runs signs the user out (an open popup follows) and revokes the old refresh token; the popup points at the new portal', async () => {
    const oldRefreshToken = await refreshTokenInSession(h);
    second = await startTestPortal();
    const newPortal = second;
    // A popup left open on alice's apps while the policy changes.
    const open = popup;
    await open.bringToFront();
    await waitForApps(open);

    policy?.write(machinePolicy(launcherPolicy(newPortal.issuer)));
    const arrival = await waitForPolicy(
      h,
      (managed) => managed.portalUrl === newPortal.issuer,
      15_000,
      Date.now(),
    );
    console.log(`policy: changed issuer, arrived ${arrival.ms} ms via ${arrival.via}`);

    // The background hears storage.onChanged (managed) and drops the session.
    const session = await waitForSessionDropped(h);
    expect(session).not.toContain(oldRefreshToken);
    // The open popup follows by itself (the background announces the change), no reopening needed.
    await open.waitForSelector('button::-p-text(Sign in)', { timeout: 5000 });
    expect(await open.$('ul.apps')).toBeNull();

    const again = await h.openPopup();
    await again.waitForSelector('button::-p-text(Sign in)');
    expect(await again.$eval('main', (el) => el.textContent)).toContain(
      `You will sign in on ${new URL(newPortal.issuer).host}.`,
    );
    expect(await again.$('ul.apps')).toBeNull();
    expect(await again.$eval('header.bar h1', (el) => el.textContent)).toBe(BRAND_NAME);

    // A12: the launcher revoked the dropped refresh token at the old portal (best effort, after the
    // local sign-out). Wait for that request before redeeming, so the check cannot rotate a live token.
    const deadline = Date.now() + 10_000;
    while (!firstPortalRequests.some((r) => r.method === 'POST' && r.url.includes('/revocation'))) {
      if (Date.now() > deadline) throw new Error('The launcher did not revoke the token at the old portal.');
      await sleep(100);
    }
    const old = await redeemRefreshToken(h.portal.issuer, oldRefreshToken);
    expect(old.status).toBe(400);
    expect(((await old.json()) as { error?: string }).error).toBe('invalid_grant');
    popup = again;
  });

  it('A11: a changed client id signs the user out too', async () => {
    const newPortal = second as TestPortal;
    const apps = await signInFromPopup(h, popup, newPortal);
    expect(apps[0]).toBe('payroll');
    await refreshTokenInSession(h);

    policy?.write(machinePolicy(launcherPolicy(newPortal.issuer, { clientId: 'another-launcher' })));
    // Straight to "Reload policies": measures that path (the issuer change above measured the watcher).
    const arrival = await waitForPolicy(
      h,
      (managed) => managed.clientId === 'another-launcher',
      0,
      Date.now(),
    );
    console.log(`policy: changed client id, arrived ${arrival.ms} ms via ${arrival.via}`);
    await waitForSessionDropped(h);

    const again = await h.openPopup();
    await again.waitForSelector('button::-p-text(Sign in)');
    expect(await again.$('ul.apps')).toBeNull();
  });

  it('A11: a policy moved to a remote http:// issuer sends it no request; the popup says the administrator must fix it', async () => {
    // Every host resolves to loopback in the test browser, so a request to the insecure issuer would
    // arrive here, at its port.
    let connections = 0;
    const trap = net.createServer((socket) => {
      connections += 1;
      socket.on('error', () => undefined);
      socket.destroy();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const insecureIssuer = `http://portal.example.com:${(trap.address() as net.AddressInfo).port}`;
    try {
      policy?.write(
        machinePolicy({ portalUrl: insecureIssuer, allowUserPortalUrl: false, brandName: BRAND_NAME }),
      );
      const arrival = await waitForPolicy(
        h,
        (managed) => managed.portalUrl === insecureIssuer,
        0,
        Date.now(),
      );
      console.log(`policy: insecure issuer, arrived ${arrival.ms} ms via ${arrival.via}`);

      const popup = await h.openPopup();
      await popup.waitForSelector('main section.panel');
      expect(await popup.$eval('main', (el) => el.textContent ?? '')).toContain(
        'Your administrator set a portal address that Portal Launcher cannot use.',
      );
      expect(await popup.$('[data-testid="first-run"]')).toBeNull();
      expect(await popup.$('button::-p-text(Sign in)')).toBeNull();
      // The valid key still applies.
      expect(await popup.$eval('header.bar h1', (el) => el.textContent)).toBe(BRAND_NAME);

      const options = await h.browser.newPage();
      await options.goto(`${EXTENSION_ORIGIN}/options.html#settings`);
      await options.waitForSelector('[data-testid="policy-problems"]');
      expect(await options.$eval('[data-testid="policy-problems"]', (el) => el.textContent)).toContain(
        'The policy value for portalUrl is invalid and was ignored. The portal address must use https://',
      );
      await options.close();
      expect(connections).toBe(0);

      // The trap does see a request when something really goes there: its silence above means something.
      await popup.goto(`${insecureIssuer}/.well-known/openid-configuration`).catch(() => undefined);
      expect(connections).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => trap.close(resolve));
    }
  });
});
