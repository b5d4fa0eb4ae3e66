/**
 * Refresh with a provider that rotates refresh tokens (issue 16): the
 * reference portal rotates on every refresh and treats a rotated-out token
 * presented again as theft (it revokes the grant). The session keeps working
 * across a refresh; after a reuse the launcher's next refresh is refused and
 * it signs out, saying so. The non-rotating case (the same refresh token
 * again) runs against Glewlwyd in ./glewlwyd.test.ts ("refresh: …").
 */
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { signInThroughPopup, useHarness, waitForApps } from './harness.ts';
import { redeemRefreshToken } from './portal-pages.ts';
import { expireStoredAccessToken, readStoredSession } from './stored-session.ts';

interface StoredSessionView {
  accessToken: string;
  refreshToken: string | null;
  accessTokenExpiresAt: number;
}

const h = useHarness();

const storedSession = async () => readStoredSession<StoredSessionView>(await h.worker());
const expireAccessToken = async () => expireStoredAccessToken(await h.worker());

async function closePopups(): Promise<void> {
  for (const page of await h.browser.pages()) {
    if (page.url().includes('/popup.html')) await page.close();
  }
}

describe('refresh with a rotating provider (the reference portal)', () => {
  let first: StoredSessionView;
  let popup: Page;

  it('C2: an expired access token is refreshed; the portal rotates the refresh token and the session keeps working', async () => {
    const alice = h.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    await signInThroughPopup(h, alice, { expectCode: true });
    const signedIn = await storedSession();
    if (!signedIn?.refreshToken) throw new Error('no refresh token after sign-in');
    first = signedIn;
    await expireAccessToken();
    await closePopups();
    popup = await h.openPopup();
    expect(await waitForApps(popup)).toEqual(expect.arrayContaining(['team-wiki', 'payroll']));
    let after = await storedSession();
    for (let i = 0; i < 100 && after?.accessToken === first.accessToken; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await storedSession();
    }
    expect(after?.accessToken).not.toBe(first.accessToken);
    expect(after?.accessTokenExpiresAt).toBeGreaterThan(Date.now());
    // Rotation: a new refresh token replaced the old one.
    expect(after?.refreshToken).toBeTruthy();
    expect(after?.refreshToken).not.toBe(first.refreshToken);
    // Still signed in, with the apps read with the new access token.
    expect(await popup.$('button::-p-text(Sign in)')).toBeNull();
  });

  it('reuse detection: the rotated-out refresh token presented again is refused and ends the grant; the next refresh signs the launcher out with "Your session ended"', async () => {
    const reused = await redeemRefreshToken(h.portal.issuer, first.refreshToken as string);
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error?: string }).error).toBe('invalid_grant');
    await expireAccessToken();
    await closePopups();
    popup = await h.openPopup();
    await popup.waitForFunction(() => (document.body.textContent ?? '').includes('Your session ended'), {
      timeout: 20_000,
    });
    await popup.waitForSelector('button::-p-text(Sign in)');
    expect(await popup.$('ul.apps [data-app-id]')).toBeNull();
    expect(await storedSession()).toBeNull();
  });
});
