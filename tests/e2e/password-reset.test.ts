/**
 * B4/B18: "Forgot password?" in the security centre, end to end in real
 * Chromium against the real portal: the portal's mailer writes the link (its
 * `.eml` folder), the link's page sets a new password, and every session and
 * refresh token of the user ends — the launcher's grant and this browser's
 * portal session included — so the next sign-in asks for the new password.
 */
import { describe, expect, it } from 'vitest';
import { findResetLink } from '../../server/test/mails.ts';
import {
  accessibilityViolations,
  completePortalSignIn,
  openOptionsPage,
  signInThroughPopup,
  useHarness,
  waitForApps,
  waitForNotice,
} from './harness.ts';

const h = useHarness();

/** The reset link in the newest mail to `email`, once the portal has written it. */
async function resetLink(email: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const link = findResetLink(h.portal.dataDir, email);
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no reset mail to ${email}`);
}

describe('forgot password', () => {
  it('B4/B18: the mailed link sets a new password; the launcher and the portal session are signed out; the new password signs in', async () => {
    const bob = h.portal.demo?.bob;
    if (!bob) throw new Error('no demo data');
    const { popup } = await signInThroughPopup(h, bob);

    const page = await openOptionsPage(h, 'password');
    await page.waitForSelector('[data-testid="password-form"]');
    await page.click('[data-testid="password-form"] button.link');
    await waitForNotice(page, 'If an account uses this address');
    await page.close();

    const reset = await h.browser.newPage();
    await reset.goto(await resetLink(bob.email));
    const newPassword = 'a new passphrase after forgetting';
    await reset.type('#password', newPassword);
    await reset.type('#confirm', newPassword);
    await Promise.all([reset.waitForNavigation(), reset.click('button[type="submit"]')]);
    expect(await reset.$eval('[role="status"]', (el) => el.textContent)).toContain(
      'every device signed in to your account was signed out',
    );
    await reset.close();

    // B4: the launcher's grant ended with the reset: the popup asks to sign in again…
    await popup.bringToFront();
    await popup.reload();
    await popup.waitForSelector('button::-p-text(Sign in)', { timeout: 20_000 });
    // It says why: the portal ended the session, the person did not sign out.
    expect(await popup.$eval('[data-testid="session-ended"]', (el) => el.textContent)).toContain(
      'Your session ended',
    );
    await h.screenshot(popup, 'popup-session-ended');
    expect(await accessibilityViolations(popup)).toEqual([]);
    // …and so did this browser's portal session: the portal asks who you are (no silent sign-in),
    // and the new password is the one that works.
    await popup.click('button::-p-text(Sign in)');
    const signIn = await h.waitForTab(h.portal.issuer);
    await signIn.waitForSelector('#email');
    await completePortalSignIn(h, signIn, { email: bob.email, password: newPassword });
    await popup.bringToFront();
    expect(await waitForApps(popup)).toContain('team-wiki');
  });
});
