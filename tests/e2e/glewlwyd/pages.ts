/**
 * Typing into Glewlwyd's own login UI (the Debian package's webapp), as an
 * employee would: login and password, the authenticator code when a scope
 * asks for it, then "Continue" back to the launcher.
 */
import type { Page } from 'puppeteer-core';

/** Waits for whichever of Glewlwyd's login steps shows first; returns its name. */
async function nextStep(page: Page): Promise<'password' | 'otp' | 'continue'> {
  const handle = await page.waitForFunction(
    () => {
      if (document.querySelector('#passwordForm #password')) return 'password';
      if (document.querySelector('#otpSchemeForm #value')) return 'otp';
      const continueButton = [...document.querySelectorAll('button')].find(
        (button) => button.textContent?.trim() === 'Continue',
      );
      return continueButton ? 'continue' : null;
    },
    { timeout: 20_000, polling: 100 },
  );
  return (await handle.jsonValue()) as 'password' | 'otp' | 'continue';
}

export interface GlewlwydSignIn {
  /** The steps Glewlwyd showed, in order (`password`, `otp`, `continue`). */
  steps: string[];
}

/**
 * Completes Glewlwyd's login UI in `page`: password when asked, a code from
 * `code()` when asked, then "Continue". Throws when Glewlwyd asks for
 * something `code` is not given for.
 */
export async function signInAtGlewlwyd(
  page: Page,
  account: { username: string; password: string },
  code?: () => Promise<string>,
): Promise<GlewlwydSignIn> {
  await page.bringToFront();
  const steps: string[] = [];
  for (;;) {
    const step = await nextStep(page);
    steps.push(step);
    if (step === 'password') {
      await page.type('#username', account.username);
      await page.type('#password', account.password);
      await page.click('#loginbut');
      await page.waitForSelector('#passwordForm', { hidden: true, timeout: 20_000 });
    } else if (step === 'otp') {
      if (!code) throw new Error('Glewlwyd asked for an authenticator code the test did not expect.');
      await page.type('#value', await code());
      await page.click('#otpSchemeForm button[type="submit"]');
      await page.waitForSelector('#otpSchemeForm', { hidden: true, timeout: 20_000 }).catch(async (error) => {
        const shown = (await page.evaluate(() => document.body.textContent).catch(() => '')) ?? '';
        throw new Error(`Glewlwyd kept asking for the code; the page says: ${shown.slice(0, 500)}`, {
          cause: error,
        });
      });
    } else {
      await page.click('button::-p-text(Continue)');
      return { steps };
    }
  }
}
