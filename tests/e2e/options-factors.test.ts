/**
 * The security centre's factor changes, proven the way an employee meets
 * them: change a factor in the options page (real Chromium, built
 * extension, real portal), sign out through the popup, and sign in again
 * through the extension with the new factor, while the old one is refused.
 *
 * Each scenario gets its own browser and portal (fresh demo users), because
 * a changed password or authenticator would leak into the next test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../server/src/oidc/interactions.ts';
import {
  EXTENSION_ORIGIN,
  enterCode,
  type Harness,
  openOptionsPage,
  startHarness,
  waitForApps,
  waitForNotice,
} from './harness.ts';

const SUBMIT = 'button[type="submit"]:not(.secondary)';

let harnesses: Harness[] = [];

afterEach(async () => {
  for (const harness of harnesses) await harness.close();
  harnesses = [];
});

async function harness(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

/** TOTP codes for `secret` at time step `step` from oathtool, an independent RFC 6238 implementation. */
function oathtool(secret: string, step: number): string {
  return execFileSync('oathtool', ['--totp', '-b', secret, '-N', `@${step * 30}`], {
    encoding: 'utf8',
  }).trim();
}

/** The current 30-second TOTP step (RFC 6238 §4.2). */
function currentStep(): number {
  return Math.floor(Date.now() / 30_000);
}

/**
 * Resolves once the sign-in (or sign-out) tab closed itself: no tab on the
 * portal, and none on the extension's auth page, which finishes the flow
 * (session stored) before it closes its tab.
 */
async function noPortalTab(h: Harness): Promise<void> {
  const deadline = Date.now() + 20_000;
  const flowPages = [h.portal.issuer, `${EXTENSION_ORIGIN}/auth.html`];
  while (Date.now() < deadline) {
    const open = h.browser
      .targets()
      .some((t) => t.type() === 'page' && flowPages.some((prefix) => t.url().startsWith(prefix)));
    if (!open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('A portal (or auth page) tab stayed open.');
}

/** Clicks Sign in in the popup and returns the portal tab the extension opened. */
async function startSignIn(h: Harness, popup: Page): Promise<Page> {
  await noPortalTab(h);
  await popup.reload();
  await popup.waitForSelector('button::-p-text(Sign in)');
  await popup.click('button::-p-text(Sign in)');
  const tab = await h.waitForTab(h.portal.issuer);
  await tab.bringToFront();
  return tab;
}

/** Types the email, then `password`; resolves when the next page (or the same page with an error) loaded. */
async function typeEmailAndPassword(tab: Page, email: string, password: string): Promise<void> {
  await tab.waitForSelector('#email');
  await tab.type('#email', email);
  await Promise.all([tab.waitForNavigation(), tab.click(SUBMIT)]);
  await typePassword(tab, password);
}

async function typePassword(tab: Page, password: string): Promise<void> {
  await tab.waitForSelector('#password');
  await tab.$eval('#password', (input) => {
    (input as HTMLInputElement).value = '';
  });
  await tab.type('#password', password);
  await Promise.all([tab.waitForNavigation(), tab.click(SUBMIT)]);
}

/**
 * Signs out through the popup (A12). The portal asks no second "Sign out?": the launcher's
 * ID token hint for this very session lets its logout page finish by itself, and the tab closes.
 */
async function signOut(h: Harness, popup: Page): Promise<void> {
  await popup.bringToFront();
  await popup.reload();
  await popup.waitForSelector('button::-p-text(Sign out)');
  await popup.click('button::-p-text(Sign out)');
  await popup.waitForSelector('button::-p-text(Sign in)');
  await noPortalTab(h);
}

/** Text of the portal page's alert (the form error). */
async function portalError(tab: Page): Promise<string> {
  await tab.waitForFunction(() => (document.getElementById('form-error')?.textContent ?? '').trim() !== '');
  return tab.$eval('#form-error', (el) => el.textContent ?? '');
}

/** The sign-in tab went away and the popup lists apps again: signed in through the extension. */
async function expectSignedIn(h: Harness, popup: Page): Promise<void> {
  await noPortalTab(h);
  await popup.reload();
  expect((await waitForApps(popup)).length).toBeGreaterThan(0);
}

describe('security centre: a changed factor is the one that signs in', () => {
  it('B10/B11/B4: alice changes her password right after an MFA sign-in; the old password is refused at sign-in, the new one works', async () => {
    const h = await harness();
    const alice = h.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    const popup = await h.openPopup();
    const first = await startSignIn(h, popup);
    await typeEmailAndPassword(first, alice.email, alice.password);
    // alice has an authenticator: the portal asks for it at every sign-in (B7).
    await enterCode(first, await h.totp());
    await expectSignedIn(h, popup);

    const page = await openOptionsPage(h, 'password');
    await page.waitForSelector('[data-testid="password-form"]');
    const newPassword = 'a fresh passphrase for alice only';
    await page.type('#current-password', alice.password);
    await page.type('#new-password', newPassword);
    await page.click('[data-testid="password-form"] button[type="submit"]');
    // Her second factor is fresh (under five minutes): no step-up tab (B11).
    await waitForNotice(page, 'Your password was changed.');
    await page.close();

    // B4: the change revoked the launcher's grant, so its refresh token and its unexpired access
    // token are both refused at once: the popup asks to sign in again.
    await popup.bringToFront();
    await popup.reload();
    await popup.waitForSelector('button::-p-text(Sign in)', { timeout: 20_000 });
    // The portal session this browser kept is ended at the portal's own sign-out page, so the next
    // sign-in asks for the password.
    const portalSignOut = await h.browser.newPage();
    await portalSignOut.goto(`${h.portal.issuer}/session/end`);
    await portalSignOut.waitForSelector('button[name="logout"]');
    await Promise.all([portalSignOut.waitForNavigation(), portalSignOut.click('button[name="logout"]')]);
    await portalSignOut.close();

    // Same sign-in tab: the old password is refused with the portal's message, then the new one works.
    const tab = await startSignIn(h, popup);
    await typeEmailAndPassword(tab, alice.email, alice.password);
    expect(await portalError(tab)).toBe(MESSAGES.badCredentials);
    expect(await tab.$('#password')).not.toBeNull();
    await typePassword(tab, newPassword);
    await enterCode(tab, await h.totp());
    await expectSignedIn(h, popup);
  });
});

describe('security centre: bob sets up an authenticator, then signs in with it', () => {
  // One browser and portal for both steps: the second uses the recovery codes the first was shown.
  let h: Harness;
  let popup: Page;
  let recoveryCodes: string[] = [];
  let scratch = '';

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'launcher-e2e-qr-'));
    // The portal asks everyone with an authenticator for it at every sign-in.
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('B11/B8: sets up TOTP by reading the QR code and confirming an oathtool code; the next sign-in asks for a code from that secret', async () => {
    const bob = h.portal.demo?.bob;
    if (!bob) throw new Error('no demo data');
    popup = await h.openPopup();
    const first = await startSignIn(h, popup);
    await typeEmailAndPassword(first, bob.email, bob.password);
    // Bob has no authenticator yet: password only.
    await expectSignedIn(h, popup);

    const page = await openOptionsPage(h, 'mfa');
    await page.waitForSelector('[data-testid="mfa-off"] button');
    await page.click('[data-testid="mfa-off"] button');
    await page.waitForSelector('[data-testid="enrollment"] img.qr');
    // The secret comes from the QR code's otpauth URI, as a phone would read it.
    const qrPath = path.join(scratch, 'qr.png');
    await page.bringToFront();
    const qr = await page.$('[data-testid="enrollment"] img.qr');
    await qr?.screenshot({ path: qrPath as `${string}.png` });
    const decoded = execFileSync('zbarimg', ['--raw', '-q', qrPath], { encoding: 'utf8' }).trim();
    const secret = new URL(decoded).searchParams.get('secret') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);

    const enrolledAt = currentStep();
    await page.type('#totp-code', oathtool(secret, enrolledAt));
    await page.click('[data-testid="enrollment"] button[type="submit"]');
    await page.waitForSelector('[data-testid="recovery-codes"]');
    recoveryCodes = await page.$$eval('[data-testid="recovery-codes"] .codes code', (els) =>
      els.map((el) => el.textContent ?? ''),
    );
    expect(recoveryCodes).toHaveLength(10);
    await page.waitForSelector('[data-testid="mfa-on"]');
    await page.close();

    // Sign in again: password, then a code from the new secret (the next step: each step counts once, B8).
    await signOut(h, popup);
    const second = await startSignIn(h, popup);
    await typeEmailAndPassword(second, bob.email, bob.password);
    await second.waitForSelector('#code');
    await enterCode(second, oathtool(secret, Math.max(currentStep(), enrolledAt + 1)));
    await expectSignedIn(h, popup);
  });

  it('B8: a recovery code signs bob in once; the same code a second time is refused with the portal’s message', async () => {
    const bob = h.portal.demo?.bob;
    if (!bob) throw new Error('no demo data');
    expect(recoveryCodes).toHaveLength(10);
    // A recovery code instead of the phone: accepted once.
    const recovery = recoveryCodes[0] as string;
    await signOut(h, popup);
    const third = await startSignIn(h, popup);
    await typeEmailAndPassword(third, bob.email, bob.password);
    await enterCode(third, recovery);
    await expectSignedIn(h, popup);

    // The options page counts it as used.
    const after = await openOptionsPage(h, 'mfa');
    await after.waitForSelector('[data-testid="mfa-on"]');
    expect(await after.$eval('[data-testid="recovery-remaining"]', (el) => el.textContent)).toContain(
      'Recovery codes left: 9.',
    );
    await after.close();

    // The same recovery code a second time: refused, with what to do instead.
    await signOut(h, popup);
    const fourth = await startSignIn(h, popup);
    await typeEmailAndPassword(fourth, bob.email, bob.password);
    await enterCode(fourth, recovery);
    const refused = await portalError(fourth);
    expect(refused).toBe(MESSAGES.badCode);
    // Still on the code page, and the extension is still signed out.
    expect(await fourth.$('#code')).not.toBeNull();
    await popup.reload();
    await popup.waitForSelector('button::-p-text(Sign in)');
  });
});
