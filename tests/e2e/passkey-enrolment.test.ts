/**
 * A passkey set up during sign-in in real Chromium (issue 12; B11, B19), with
 * the DevTools protocol's virtual authenticator: on a portal that requires MFA
 * of everyone, bob (no second factor yet) meets the set-up page at sign-in,
 * which offers a passkey next to the authenticator app; he creates one there,
 * the sign-in completes with MFA and a passkey `amr`, and the options page
 * lists it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { en } from '../../server/src/views/i18n/en.ts';
import {
  accessibilityViolations,
  type Harness,
  openOptionsPage,
  startHarness,
  waitForApps,
} from './harness.ts';
import { provenAuthentication, typeEmailAndPassword } from './passkey-flows.ts';
import { createVirtualKeyring, usePasskey, waitForCredentials } from './virtual-authenticator.ts';

describe('passkey set-up during a sign-in that requires MFA (bob)', () => {
  let h: Harness;

  beforeAll(async () => {
    // WebAuthn needs a host name (an IP address is no RP ID): the portal answers at localhost.
    h = await startHarness({ portal: { config: { host: 'localhost', requireMfa: true } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('B11/B19: the set-up page offers a passkey next to the authenticator app; creating one completes the sign-in with acr MFA and amr hwk', async () => {
    const bob = h.portal.demo?.bob;
    if (!bob) throw new Error('no demo data');
    const keyring = createVirtualKeyring();
    const popup = await h.openPopup();
    await popup.waitForSelector('button::-p-text(Sign in)');
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    await keyring.attach(tab);
    await typeEmailAndPassword(tab, bob);

    // The authenticator app's set-up, and the passkey next to it.
    await tab.waitForSelector('[data-testid="enrol-passkey"] #passkey-button:not([hidden])', {
      timeout: 20_000,
    });
    expect(await tab.$('img.qr')).not.toBeNull();
    expect(await tab.$eval('#enrol-passkey-heading', (el) => el.textContent)).toBe(en.passkey.enrolHeading);
    expect(await tab.$eval('#passkey-button', (el) => el.textContent)).toBe(en.passkey.create);
    expect(await accessibilityViolations(tab, { allImpacts: true })).toEqual([]);
    await h.screenshot(tab, 'portal-passkey-enrol');
    await tab.$eval('#passkey-name', (input) => {
      (input as HTMLInputElement).value = '';
    });
    await tab.type('#passkey-name', 'Bob’s laptop');
    await usePasskey(tab);
    expect(await waitForCredentials(keyring, 1)).toHaveLength(1);

    expect(await waitForApps(popup)).toEqual(expect.arrayContaining(['team-wiki']));
    const proven = await provenAuthentication(h);
    expect(proven.acr).toBe(ACR_MFA);
    expect(proven.amr).toEqual(expect.arrayContaining(['pwd', 'hwk', 'user', 'mfa']));
    expect(proven.amr).not.toContain('otp');

    const page = await openOptionsPage(h, 'mfa');
    await page.waitForSelector('[data-testid="passkey"]', { timeout: 20_000 });
    expect(await page.$eval('[data-testid="passkey"] .passkey-name', (el) => el.textContent)).toBe(
      'Bob’s laptop',
    );
    await page.close();
  });
});
