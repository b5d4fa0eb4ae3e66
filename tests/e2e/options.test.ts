/**
 * The security centre (options page) against a real portal, in real
 * Chromium with the built extension: profile editing, admin-locked fields,
 * SSH keys (pasted and generated in the browser, A13, B16), and signing out
 * another session (B13).
 */

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  completePortalSignIn,
  EXTENSION_DIR,
  EXTENSION_ORIGIN,
  type Harness,
  openOptionsPage,
  pastePublicKey,
  signInThroughPopup,
  startHarness,
  waitForNotice,
} from './harness.ts';
import { STEP_UP_ONLY_PORTAL } from './portal-pages.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../server/test/fixtures/ssh');

let h: Harness;
let popup: Page;
let downloads: string;
/** Every request body the extension sent (options page and service worker), for A13. */
const sentBodies: string[] = [];

/** A new tab on the security centre's `section` in `harness`'s browser; `record` adds its request bodies to sentBodies. */
async function openOptionsIn(harness: Harness, section: string, record = false): Promise<Page> {
  return openOptionsPage(harness, section, record ? { onRequestBody: (body) => sentBodies.push(body) } : {});
}

async function openOptions(section: string): Promise<Page> {
  return openOptionsIn(h, section, true);
}

/**
 * Waits (up to 2 s) until the focused element matches `selector`: pages move focus in an effect
 * after the change that shows, so an immediate read can run a moment early.
 */
async function focusReaches(page: Page, selector: string): Promise<void> {
  try {
    await page.waitForFunction(
      (s: string) => document.activeElement?.matches(s) === true,
      { timeout: 2000 },
      selector,
    );
  } catch (error) {
    const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing');
    throw new Error(`Focus did not reach ${selector}; it is on ${focused}.`, { cause: error });
  }
}

async function signIn(account: { email: string; password: string }): Promise<void> {
  await signInThroughPopup(h, account, { popup, reload: true });
}

beforeAll(async () => {
  h = await startHarness({ portal: STEP_UP_ONLY_PORTAL });
  downloads = mkdtempSync(path.join(os.tmpdir(), 'launcher-e2e-downloads-'));
  // Record what the service worker sends too: it is the only context that talks to the portal.
  const worker = await h.worker();
  await worker.client.send('Network.enable');
  worker.client.on('Network.requestWillBeSent', (event) => {
    if (event.request.postData) sentBodies.push(event.request.postData);
  });
  const cdp = await h.browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', {
    behavior: 'allow',
    downloadPath: downloads,
    eventsEnabled: true,
  });
  popup = await h.openPopup();
  const bob = h.portal.demo?.bob;
  if (!bob) throw new Error('no demo data');
  await signIn(bob);
});

afterAll(async () => {
  await h?.close();
  if (downloads) rmSync(downloads, { recursive: true, force: true });
});

describe('security centre (bob, no authenticator)', () => {
  it('edits a profile field inline; the portal keeps it across a reload; a 422 shows under the field', async () => {
    const page = await openOptions('profile');
    await page.waitForSelector('[data-testid="edit-phone"]');
    // Email is never editable.
    expect(await page.$('[data-testid="edit-email"]')).toBeNull();
    expect(await page.$('[data-testid="locked-email"]')).not.toBeNull();

    await page.click('[data-testid="edit-phone"]');
    await page.waitForSelector('#field-phone');
    // Focus moved into the input.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-phone');
    await page.$eval('#field-phone', (input) => {
      (input as HTMLInputElement).value = '';
    });
    await page.type('#field-phone', '12');
    await page.keyboard.press('Enter');
    const error = await page.waitForSelector('[data-testid="error-field-phone-error"]');
    expect(await error?.evaluate((el) => el.textContent)).toContain('7 to 15 digits');
    expect(await page.$eval('#field-phone', (el) => el.getAttribute('aria-invalid'))).toBe('true');
    expect(await page.$eval('#field-phone', (el) => el.getAttribute('aria-describedby'))).toBe(
      'field-phone-error',
    );

    await page.$eval('#field-phone', (input) => {
      (input as HTMLInputElement).value = '';
    });
    await page.type('#field-phone', '+1 555 010 4242');
    await page.keyboard.press('Enter');
    await waitForNotice(page, 'Phone saved.');
    // Focus returns to the field's Edit button.
    await focusReaches(page, '[data-testid="edit-phone"]');
    await h.screenshot(page, 'options-profile');

    await page.reload();
    await page.waitForSelector('[data-field="phone"] .value-button');
    expect(await page.$eval('[data-field="phone"] .value-button', (el) => el.textContent)).toBe(
      '+1 555 010 4242',
    );
    await page.close();
  });

  it('B16/A13: a pasted private key is refused without being sent; an RSA-2048 key gets the portal’s reason', async () => {
    const page = await openOptions('ssh-keys');
    await page.waitForSelector('[data-testid="ssh-empty"]');
    const privateKey = readFileSync(path.join(FIXTURES, 'ed25519.key'), 'utf8');
    const before = sentBodies.length;
    await page.type('#ssh-name', 'oops');
    await pastePublicKey(page, privateKey);
    await page.click('[data-testid="add-key-form"] button[type="submit"]');
    const privateError = await page.waitForSelector('[data-testid="error-ssh-public-key-error"]');
    expect(await privateError?.evaluate((el) => el.textContent)).toContain('This is a private key');
    expect(sentBodies.slice(before).some((body) => body.includes('PRIVATE KEY'))).toBe(false);

    const rsa2048 = readFileSync(path.join(FIXTURES, 'rsa-2048.pub'), 'utf8');
    await pastePublicKey(page, rsa2048);
    await page.click('[data-testid="add-key-form"] button[type="submit"]');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="error-ssh-public-key-error"]')?.textContent?.includes('3072'),
      { timeout: 20_000 },
    );
    const rsaError = await page.$eval(
      '[data-testid="error-ssh-public-key-error"]',
      (el) => el.textContent ?? '',
    );
    expect(rsaError).toMatch(/2048/);
    expect(await page.$eval('#ssh-public-key', (el) => el.getAttribute('aria-invalid'))).toBe('true');
    // Nothing was added.
    expect(await page.$('[data-testid="ssh-empty"]')).not.toBeNull();
    await h.screenshot(page, 'options-ssh-errors');
    await page.close();
  });

  it('A13: generates an Ed25519 pair in the browser; ssh-keygen accepts both files; only the public key is sent', async () => {
    const page = await openOptions('ssh-keys');
    await page.waitForSelector('#gen-name');
    const passphrase = 'correct horse battery staple';
    await page.type('#gen-name', 'e2e-laptop');
    await page.type('#gen-passphrase', passphrase);
    await page.type('#gen-confirm', passphrase);
    const started = Date.now();
    await page.click('[data-testid="generate-key-form"] button[type="submit"]');
    await waitForNotice(page, 'Added “e2e-laptop”');
    const generateMs = Date.now() - started;
    const shown = await page.$eval('[data-testid="generated-fingerprint"]', (el) => el.textContent ?? '');
    expect(shown).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);

    const privatePath = path.join(downloads, 'id_ed25519');
    const publicPath = path.join(downloads, 'id_ed25519.pub');
    const deadline = Date.now() + 10_000;
    while (!(existsSync(privatePath) && existsSync(publicPath)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    chmodSync(privatePath, 0o600);
    const publicLine = readFileSync(publicPath, 'utf8').trim();
    const listed = execFileSync('ssh-keygen', ['-l', '-f', publicPath], { encoding: 'utf8' });
    expect(listed).toContain(shown);
    expect(listed).toContain('ED25519');
    // The private key is encrypted: the right passphrase derives the same public key.
    const derived = execFileSync('ssh-keygen', ['-y', '-P', passphrase, '-f', privatePath], {
      encoding: 'utf8',
    }).trim();
    expect(derived.split(' ').slice(0, 2)).toEqual(publicLine.split(' ').slice(0, 2));
    expect(() =>
      execFileSync('ssh-keygen', ['-y', '-P', 'wrong', '-f', privatePath], { stdio: 'pipe' }),
    ).toThrow();

    // The portal lists the same fingerprint (the table comes from GET /me/ssh-keys).
    await page.reload();
    await page.waitForSelector('[data-testid="ssh-keys"]');
    const fingerprints = await page.$$eval('[data-testid="ssh-keys"] .fingerprint', (els) =>
      els.map((el) => el.textContent),
    );
    expect(fingerprints).toEqual([shown]);

    // A13: no request body carried the private key, its armour or its base64 body.
    const privateText = readFileSync(privatePath, 'utf8');
    const privateBase64 = privateText
      .split('\n')
      .filter((line) => line && !line.startsWith('-----'))
      .join('');
    const uploaded = sentBodies.filter((body) => body.includes(publicLine.split(' ')[1] as string));
    expect(uploaded.length).toBeGreaterThan(0);
    for (const body of sentBodies) {
      expect(body).not.toContain('PRIVATE KEY');
      expect(body).not.toContain(privateBase64.slice(0, 64));
      expect(body).not.toContain(privateBase64.slice(-64));
    }
    console.info(`A13: generate + encrypt + upload took ${generateMs} ms`);
    await h.screenshot(page, 'options-ssh-generated');
    await page.close();
  });

  it('B13: lists this browser’s session marked and signs out another one', async () => {
    const bob = h.portal.demo?.bob;
    if (!bob) throw new Error('no demo data');
    // A second device: another browser profile signs in to Team Wiki through the portal.
    const other = await h.browser.createBrowserContext();
    const device = await other.newPage();
    // Another browser on another system, as the portal sees it.
    await device.setUserAgent({
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
    });
    await device.goto(`${h.portal.demoApps.wiki}/login?iss=${encodeURIComponent(h.portal.issuer)}`);
    await completePortalSignIn(h, device, bob);
    await device.waitForSelector('[data-testid="signed-in"]');

    const page = await openOptions('sessions');
    await page.waitForSelector('[data-testid="sessions"]');
    const sessions = await page.$$eval('[data-session-id]', (els) =>
      els.map((el) => ({ id: el.getAttribute('data-session-id'), current: el.getAttribute('data-current') })),
    );
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current === 'true')).toHaveLength(1);
    expect(await page.$eval('[data-current="true"]', (el) => el.textContent)).toContain('This browser');
    // Rows can be told apart: browser and version, system, address, signed in, last active.
    const rowText = (current: boolean) => page.$eval(`[data-current="${current}"]`, (el) => el.textContent);
    expect(await rowText(true)).toMatch(/Chrome \d+.*System\s*Linux.*Address\s*127\.0\.0\.1/);
    expect(await rowText(false)).toMatch(/Firefox 128.*System\s*Windows 10.*Last active/);
    await h.screenshot(page, 'options-sessions');

    await page.click('[data-current="false"] button');
    await waitForNotice(page, 'was signed out');
    expect(await page.$$('[data-session-id]')).toHaveLength(1);
    await page.reload();
    await page.waitForSelector('[data-testid="sessions"]');
    expect(await page.$$('[data-session-id]')).toHaveLength(1);

    // That device must sign in again at the portal.
    await device.goto(`${h.portal.demoApps.wiki}/login?iss=${encodeURIComponent(h.portal.issuer)}`);
    await device.waitForSelector('#email');
    await other.close();
    await page.close();
  });
});

describe('security centre: authenticator app (bob)', () => {
  it('B11/B8: sets up TOTP from a locally drawn QR code, shows ten recovery codes once, removes it after a step-up in a tab', async () => {
    const page = await openOptions('mfa');
    await page.waitForSelector('[data-testid="mfa-off"]');
    await page.click('[data-testid="mfa-off"] button');
    await page.waitForSelector('[data-testid="enrollment"] img.qr');
    const secret = (await page.$eval('[data-testid="totp-secret"]', (el) => el.textContent ?? '')).replace(
      /\s/g,
      '',
    );
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    // The QR code was drawn on the page and carries the otpauth URI with this secret.
    const qrPath = path.join(downloads, 'qr.png');
    const qr = await page.$('[data-testid="enrollment"] img.qr');
    await page.bringToFront();
    await qr?.screenshot({ path: qrPath as `${string}.png` });
    const decoded = execFileSync('zbarimg', ['--raw', '-q', qrPath], { encoding: 'utf8' }).trim();
    expect(decoded.startsWith('otpauth://totp/')).toBe(true);
    expect(new URL(decoded).searchParams.get('secret')).toBe(secret);
    expect(await page.$eval('.otp-details', (el) => el.textContent)).toContain('6 digits, every 30 seconds');
    await h.screenshot(page, 'options-mfa-setup');

    // A wrong code is refused, next to the input.
    await page.type('#totp-code', '000000');
    await page.click('[data-testid="enrollment"] button[type="submit"]');
    await page.waitForSelector('[data-testid="error-totp-code-error"]');
    // oathtool is an independent TOTP implementation (RFC 6238).
    const step = Math.floor(Date.now() / 30_000);
    const code = (at: number) =>
      execFileSync('oathtool', ['--totp', '-b', secret, '-N', `@${at * 30}`], { encoding: 'utf8' }).trim();
    await page.$eval('#totp-code', (input) => {
      (input as HTMLInputElement).value = '';
    });
    await page.type('#totp-code', code(step));
    await page.click('[data-testid="enrollment"] button[type="submit"]');
    await page.waitForSelector('[data-testid="recovery-codes"]');
    expect(await page.$$('[data-testid="recovery-codes"] .codes li')).toHaveLength(10);
    expect(await page.$('[data-testid="offer-sign-out"]')).not.toBeNull();
    await page.waitForSelector('[data-testid="mfa-on"]');
    await h.screenshot(page, 'options-mfa-recovery-codes');

    // Removing an active authenticator needs a fresh second factor: a portal tab asks for it (B11).
    await page.click('[data-testid="mfa-on"] button.danger');
    await page.waitForSelector('dialog[open] [data-testid="confirm"]');
    await page.click('dialog[open] [data-testid="confirm"]');
    const stepUpTab = await h.waitForTab(h.portal.issuer, 20_000);
    await stepUpTab.waitForSelector('#code');
    // The next step: each step is accepted once (B8), and the portal allows one step of drift.
    await stepUpTab.type('#code', code(step + 1));
    await stepUpTab.click('button[type="submit"]:not(.secondary)');
    await waitForNotice(page, 'Your authenticator app was removed.');
    await page.waitForSelector('[data-testid="mfa-off"]');
    await page.close();
  });
});

describe('security centre: password (bob)', () => {
  it('B10: a live checklist while typing; a wrong current password and a common password are refused with reasons; then it changes', async () => {
    const bob = h.portal.demo?.bob;
    if (!bob) throw new Error('no demo data');
    const page = await openOptions('password');
    await page.waitForSelector('[data-testid="password-form"]');
    await page.type('#new-password', 'short');
    expect(await page.$eval('[data-rule="min"]', (el) => el.className)).toBe('unmet');
    await page.type('#new-password', '-but-now-long-enough');
    expect(await page.$eval('[data-rule="min"]', (el) => el.className)).toBe('met');
    expect(await page.$eval('#new-password', (el) => el.getAttribute('type'))).toBe('password');
    await page.click('label.checkbox input');
    expect(await page.$eval('#new-password', (el) => el.getAttribute('type'))).toBe('text');
    await h.screenshot(page, 'options-password');

    await page.type('#current-password', 'not-my-password');
    await page.click('[data-testid="password-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="error-current-password-error"]');
    expect(await page.$eval('#current-password', (el) => el.getAttribute('aria-invalid'))).toBe('true');
    await focusReaches(page, '#current-password');

    const clear = (selector: string) =>
      page.$eval(selector, (input) => {
        (input as HTMLInputElement).value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    await clear('#current-password');
    await clear('#new-password');
    await page.type('#current-password', bob.password);
    await page.type('#new-password', 'q1w2e3r4t5y6');
    await page.click('[data-testid="password-form"] button[type="submit"]');
    const policyError = await page.waitForSelector('[data-testid="error-new-password-error"]');
    expect(await policyError?.evaluate((el) => el.textContent)).toContain('too common');
    // The portal named the rule: its row in the checklist is marked, until the password changes.
    expect(await page.$eval('[data-rule="common"]', (el) => el.className)).toBe('unmet');
    await page.type('#new-password', '!');
    expect(await page.$eval('[data-rule="common"]', (el) => el.className)).toBe('pending');

    await clear('#new-password');
    await page.type('#new-password', 'a long passphrase nobody else uses');
    await page.click('[data-testid="password-form"] button[type="submit"]');
    await waitForNotice(page, 'Your password was changed.');
    await page.close();
  });
});

describe('security centre (alice, admin-locked employment fields)', () => {
  // A browser of her own: signing bob out first would leave the portal's logout tab in the way.
  let ha: Harness;

  beforeAll(async () => {
    ha = await startHarness({ portal: STEP_UP_ONLY_PORTAL });
  });

  afterAll(async () => {
    await ha?.close();
  });

  it('signed out, says so and offers Sign in', async () => {
    const page = await ha.browser.newPage();
    await page.goto(`${EXTENSION_ORIGIN}/options.html#profile`);
    await page.waitForSelector('[data-testid="signed-out"]');
    expect(await page.$eval('[data-testid="signed-out"] h2', (el) => el.textContent)).toBe(
      'You are signed out',
    );
    expect(await page.$('[data-testid="signed-out"] button::-p-text(Sign in)')).not.toBeNull();
    await page.close();
  });

  it('shows the employment fields read-only with the administrator’s reason', async () => {
    const alice = ha.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    await signInThroughPopup(ha, alice);

    const page = await openOptionsIn(ha, 'profile');
    await page.waitForSelector('[data-profile-section="employment"]');
    const employment = await page.$eval('[data-profile-section="employment"]', (el) => ({
      edits: el.querySelectorAll('[data-testid^="edit-"]').length,
      locks: [...el.querySelectorAll('[data-testid^="locked-"]')].map((lock) => lock.textContent ?? ''),
    }));
    expect(employment.edits).toBe(0);
    expect(employment.locks.length).toBeGreaterThan(0);
    for (const text of employment.locks) expect(text).toContain('administrator');
    // Her personal fields stay editable.
    expect(await page.$('[data-profile-section="personal"] [data-testid^="edit-"]')).not.toBeNull();
    await ha.screenshot(page, 'options-profile-locked');
    await page.close();
  });

  it('B11/C5: adding an SSH key asks alice for her second factor in a tab; closing it cancels; the code adds the key', async () => {
    const page = await openOptionsIn(ha, 'ssh-keys');
    await page.waitForSelector('[data-testid="ssh-empty"]');
    const publicKey = readFileSync(path.join(FIXTURES, 'ed25519.pub'), 'utf8').trim();
    await page.type('#ssh-name', 'alice laptop');
    await pastePublicKey(page, publicKey);
    // Signed in with her password only: the portal answers 401 insufficient_user_authentication.
    await page.click('[data-testid="add-key-form"] button[type="submit"]');
    const first = await ha.waitForTab(ha.portal.issuer, 20_000);
    await first.waitForSelector('#code');
    await first.close();
    await waitForNotice(page, 'cancelled');
    expect(await page.$('[data-testid="ssh-empty"]')).not.toBeNull();

    await page.click('[data-testid="add-key-form"] button[type="submit"]');
    const second = await ha.waitForTab(ha.portal.issuer, 20_000);
    await second.waitForSelector('#code');
    await second.type('#code', await ha.totp());
    await second.click('button[type="submit"]:not(.secondary)');
    await waitForNotice(page, 'Added “alice laptop”');
    await page.waitForSelector('[data-testid="ssh-keys"]');

    // Within five minutes of that verification, removing asks nothing more than the confirmation.
    await page.click('[data-testid="ssh-keys"] tbody tr button');
    await page.waitForSelector('dialog[open] [data-testid="confirm"]');
    await page.click('dialog[open] [data-testid="confirm"]');
    await waitForNotice(page, 'Removed “alice laptop”');
    await page.waitForSelector('[data-testid="ssh-empty"]');
    await page.close();
  });

  it('B11: with a fresh second factor, new recovery codes are shown once, ten of them', async () => {
    const page = await openOptionsIn(ha, 'mfa');
    await page.waitForSelector('[data-testid="mfa-on"]');
    await page.click('[data-testid="mfa-on"] button.secondary');
    // Asked first: the old codes stop working.
    await page.waitForSelector('dialog[open] [data-testid="confirm"]');
    expect(await page.$eval('#confirm-body', (el) => el.textContent)).toContain('stop working');
    await page.click('dialog[open] [data-testid="confirm"]');
    await page.waitForSelector('[data-testid="recovery-codes"]');
    const codes = await page.$$eval('[data-testid="recovery-codes"] .codes code', (els) =>
      els.map((el) => el.textContent),
    );
    expect(new Set(codes).size).toBe(10);
    // Focus moved to the codes, so a screen reader reads them next.
    await focusReaches(page, '[data-testid="recovery-codes"]');
    await page.close();
  });

  it('lists downloads with this computer’s system first, and About shows the version and the policy in force', async () => {
    const page = await openOptionsIn(ha, 'downloads');
    await page.waitForSelector('[data-testid="downloads"]');
    const systems = await page.$$eval('[data-testid="downloads"] > li', (els) =>
      els.map((el) => el.getAttribute('data-os')),
    );
    expect(systems[0]).toBe('linux');
    expect(systems).toEqual(expect.arrayContaining(['windows', 'macos']));
    expect(await page.$eval('[data-testid="downloads"] > li code', (el) => el.textContent)).toMatch(
      /^[0-9a-f]{64}$/,
    );
    await ha.screenshot(page, 'options-downloads');

    await page.click('[data-nav="settings"]');
    await page.waitForSelector('[data-testid="version"]');
    const manifestVersion = JSON.parse(
      readFileSync(path.join(EXTENSION_DIR, 'manifest.json'), 'utf8'),
    ).version;
    expect(await page.$eval('[data-testid="version"]', (el) => el.textContent)).toBe(manifestVersion);
    expect(await page.$eval('[data-policy-key="portalUrl"]', (el) => el.textContent)).toContain(
      ha.portal.issuer,
    );
    // Focus moved to the section heading after navigation.
    await focusReaches(page, '#settings-title');
    await page.click('input[name="theme"][value="dark"]');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await ha.screenshot(page, 'options-settings-dark');
    await page.close();
  });

  it('has no serious accessibility violations (axe-core, WCAG 2.2 A/AA) in any section, light and dark', async () => {
    const page = await ha.browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      for (const section of ['profile', 'password', 'mfa', 'ssh-keys', 'downloads', 'sessions', 'settings']) {
        await page.goto(`${EXTENSION_ORIGIN}/options.html#${section}`);
        await page.waitForSelector(`[data-section="${section}"] h2`);
        await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
        found.push(...(await accessibilityViolations(page)).map((v) => `${scheme} ${section} ${v}`));
      }
    }
    expect(found).toEqual([]);
    // A8: the security centre ran under the default MV3 CSP without a single violation.
    expect(ha.consoleLines.filter((line) => /Content Security Policy|unsafe-eval/i.test(line))).toEqual([]);
    await page.close();
  });
});
