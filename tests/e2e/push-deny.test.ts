/**
 * "Deny" on a push prompt (issue 13; B15), two browsers: browser A
 * (Chromium with the launcher, enrolled as approver) denies the prompt that
 * browser B's Team Wiki sign-in sent. A's popup says the sign-in was refused
 * and the notification goes; B stays out, is told so, and can go on with
 * another factor: it is offered the prompt again and the code field, and a
 * TOTP code lets it in. (A file of its own: push.test.ts already spends most
 * of the per-person prompt allowance.)
 */
import { describe, expect, it } from 'vitest';
import { enterCode } from './harness.ts';
import { totpGenerator } from './portal-pages.ts';
import { atCodePageInB, notificationIds, sendPromptButton, usePushBrowsers } from './push-browsers.ts';

const browsers = usePushBrowsers({ enrolA: true });

describe('push approvals: Deny', () => {
  it("B15: Deny in A refuses B's sign-in; B is told, may send again or use a code, and a code lets it in", async () => {
    const { h, b, alice } = browsers;
    const { context, page, send } = await atCodePageInB(h, b, alice);
    await send();
    const popup = await h.openPopup();
    await popup.waitForSelector('[data-testid="push-prompt"]', { timeout: 30_000 });
    const promptId = await popup.$eval('[data-testid="push-prompt"]', (el) =>
      el.getAttribute('data-prompt-id'),
    );
    await popup.click('[data-testid="push-deny"]');
    await popup.waitForSelector('[data-testid="push-outcome"]::-p-text(Denied. That sign-in was refused.)', {
      timeout: 20_000,
    });
    await expect.poll(() => notificationIds(h), { timeout: 10_000 }).not.toContain(`push:${promptId}`);

    await page.waitForSelector('[role="alert"]::-p-text(The sign-in was refused on your launcher)', {
      timeout: 20_000,
    });
    expect(page.url().startsWith(h.portal.demoApps.wiki)).toBe(false);
    // Another factor: the prompt can be sent again, and the code field is there.
    expect(await sendPromptButton(page)).not.toBeNull();
    await page.waitForSelector('#code');
    await enterCode(page, await totpGenerator(alice.totpSecret)());
    await page.waitForFunction(
      (prefix: string) => location.href.startsWith(prefix),
      { timeout: 20_000, polling: 100 },
      h.portal.demoApps.wiki,
    );
    await page.waitForSelector('[data-testid="signed-in"]');
    await popup.close();
    await context.close();
  });
});
