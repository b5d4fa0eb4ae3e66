/**
 * Passkeys at step-up in real Chromium (issue 12, B19, B11), with the
 * DevTools protocol's virtual authenticator: bob, who signs in with his
 * password alone on this portal (`mfaAtSignIn` off, the step-up-only set-up),
 * adds a passkey from the options page; Payroll then asks for it in the
 * step-up tab, which lands in Payroll with `acr` MFA and a passkey `amr`; and
 * removing the passkey asks for it once more (a fresh second factor, B11)
 * before the portal removes it.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA, ACR_PASSWORD } from '../../contract/constants.ts';
import {
  accessibilityViolations,
  type Harness,
  openOptionsPage,
  signInThroughPopup,
  startHarness,
  waitForNotice,
} from './harness.ts';
import { addPasskeyFromOptions, provenAuthentication, signOutFromPopup } from './passkey-flows.ts';
import { STEP_UP_ONLY_PORTAL } from './portal-pages.ts';
import { createVirtualKeyring, usePasskey, type VirtualKeyring } from './virtual-authenticator.ts';

describe('passkeys at step-up (bob, password-only sign-in)', () => {
  let h: Harness;
  let keyring: VirtualKeyring;
  let popup: Page;
  const bob = () => {
    const demo = h.portal.demo?.bob;
    if (!demo) throw new Error('no demo data');
    return demo;
  };
  const bobsPasskeys = async () => {
    const user = await h.portal.context.repos.users.findByEmail(bob().email);
    return h.portal.context.repos.passkeys.count(user?.id as string);
  };
  const pagesAt = async (prefix: string) =>
    (await h.browser.pages()).filter((page) => page.url().startsWith(prefix));

  beforeAll(async () => {
    // WebAuthn needs a host name (an IP address is no RP ID): the portal answers at localhost.
    h = await startHarness({ portal: { config: { ...STEP_UP_ONLY_PORTAL.config, host: 'localhost' } } });
    keyring = createVirtualKeyring();
    ({ popup } = await signInThroughPopup(h, bob()));
    // Bob has no second factor yet: adding his first passkey needs no step-up.
    const { page } = await addPasskeyFromOptions(h, keyring, 'Bob’s laptop');
    await page.close();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('B19/A4: Payroll asks for the passkey in the step-up tab; that same tab lands in Payroll with acr MFA and amr hwk', async () => {
    expect((await provenAuthentication(h)).acr).toBe(ACR_PASSWORD);
    await popup.bringToFront();
    await popup.click('[data-app-id="payroll"]');
    const stepUp = await h.waitForTab(h.portal.issuer);
    await keyring.attach(stepUp);
    await stepUp.bringToFront();
    await stepUp.waitForSelector('#passkey-button:not([hidden])', { timeout: 20_000 });
    expect(await stepUp.$eval('h1', (el) => el.textContent ?? '')).toContain('Payroll');
    // Bob has no authenticator app: the passkey is the one way offered.
    expect(await stepUp.$('#code')).toBeNull();
    expect(await accessibilityViolations(stepUp, { allImpacts: true })).toEqual([]);
    await h.screenshot(stepUp, 'portal-passkey-step-up');
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(0);

    await usePasskey(stepUp);
    await stepUp.waitForFunction(
      (prefix: string) => location.href.startsWith(prefix),
      { timeout: 20_000, polling: 200 },
      h.portal.demoApps.payroll,
    );
    await stepUp.waitForSelector('[data-testid="acr"]');
    expect(await stepUp.$eval('[data-testid="acr"]', (el) => el.textContent)).toBe(ACR_MFA);
    const amr = (await stepUp.$eval('[data-testid="amr"]', (el) => el.textContent ?? '')).split(' ');
    expect(amr).toEqual(expect.arrayContaining(['pwd', 'hwk', 'user', 'mfa']));
    expect(amr).not.toContain('otp');
    // The step-up tab itself became Payroll: no second Payroll tab.
    expect(await pagesAt(h.portal.demoApps.payroll)).toHaveLength(1);
    await popup.waitForSelector('[data-testid="status"]::-p-text(Opened Payroll)', { timeout: 20_000 });
    // The launcher checked and kept that proof too (A4).
    const proven = await provenAuthentication(h);
    expect(proven.acr).toBe(ACR_MFA);
    expect(proven.amr).toEqual(expect.arrayContaining(['hwk', 'mfa']));
    await stepUp.close();
  });

  it('B11/B19: removing the passkey from the options page asks for it in a step-up tab first; then the list is empty', async () => {
    // A new password-only session (this portal asks for a second factor only when needed).
    popup = await signOutFromPopup(h);
    ({ popup } = await signInThroughPopup(h, bob(), { popup }));
    expect((await provenAuthentication(h)).acr).toBe(ACR_PASSWORD);

    const page = await openOptionsPage(h, 'mfa');
    await page.waitForSelector('[data-testid="passkey"]', { timeout: 20_000 });
    await page.click('[data-testid="passkey"] button.danger');
    await page.waitForSelector('dialog[open] [data-testid="confirm"]');
    await page.click('dialog[open] [data-testid="confirm"]');
    const stepUp = await h.waitForTab(h.portal.issuer, 20_000);
    await keyring.attach(stepUp);
    await stepUp.bringToFront();
    await stepUp.waitForSelector('#passkey-button:not([hidden])', { timeout: 20_000 });
    // Nothing is removed before the second factor is given.
    expect(await bobsPasskeys()).toBe(1);
    await usePasskey(stepUp);

    await waitForNotice(page, 'Passkey removed.');
    await page.waitForSelector('[data-testid="passkeys-empty"]', { timeout: 20_000 });
    expect(await bobsPasskeys()).toBe(0);
    expect(await pagesAt(h.portal.issuer)).toHaveLength(0);
    await page.close();
  });
});
