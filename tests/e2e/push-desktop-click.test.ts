/**
 * A push prompt on the desktop, clicked (issue 13; B15): browser A
 * (Chromium with the launcher, signed in and enrolled as approver) runs on a
 * session bus whose org.freedesktop.Notifications is ./desktop-notifications.ts's
 * server, so A's notification reaches "the desktop" the way it reaches GNOME
 * or KDE, and the click comes back as the desktop's ActionInvoked signal.
 * Browser B's Team Wiki sign-in sends the prompt; the test reads what the
 * desktop shows, clicks it, reads what the click opens in A (the prompt with
 * three numbers), chooses the right number and sees B land in Team Wiki.
 * A prompt answered in the popup without a click is withdrawn from the desktop.
 * (A file of its own, with its own portal: push.test.ts spends most of the
 * per-person prompt allowance.)
 */
import type { Page, Target } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DesktopCall,
  type DesktopNotification,
  type DesktopNotifications,
  startDesktopNotifications,
} from './desktop-notifications.ts';
import { EXTENSION_ORIGIN } from './harness.ts';
import { atCodePageInB, promptOutcome, usePushBrowsers } from './push-browsers.ts';

let desktop: DesktopNotifications;
// The desktop first: Chromium looks for a notification server once, at start. (afterAll hooks run
// in reverse order, so the desktop stops after the browsers.)
beforeAll(async () => {
  desktop = await startDesktopNotifications();
});
afterAll(async () => {
  await desktop?.close();
});
const browsers = usePushBrowsers({ enrolA: true, harness: () => ({ env: desktop.env }) });

/** What the launcher's prompt notification says (en): its title, and the place and app in the body. */
const TITLE = 'Approve this sign-in?';
const BODY = /^Sign-in to Team Wiki from Chrome [\d.]+ on Linux, \d{1,2}:\d\d( [AP]M)? — approve\?$/;

/** The desktop's id of the last prompt notification a test read. */
let lastSeen = 0;

/** The next prompt notification the desktop shows. */
async function nextPromptNotification(): Promise<DesktopNotification> {
  const shown = await desktop.waitFor(
    (call): call is DesktopNotification =>
      call.call === 'Notify' && call.summary === TITLE && call.id > lastSeen,
  );
  lastSeen = shown.id;
  return shown;
}

const closed =
  (id: number) =>
  (call: DesktopCall): call is { call: 'CloseNotification'; id: number } =>
    call.call === 'CloseNotification' && call.id === id;

/** The three numbers a prompt page offers, once the prompt is there. */
async function promptNumbers(page: Page): Promise<number[]> {
  await page.waitForSelector('[data-testid="push-prompt"]', { timeout: 20_000 });
  return page.$$eval('.push-number', (buttons) => buttons.map((button) => Number(button.textContent)));
}

/** Chooses `number` and waits for the outcome ("Approved…"). */
async function choose(page: Page, number: number): Promise<string> {
  await page.click(`.push-number[data-number="${number}"]`);
  return promptOutcome(page);
}

async function landsInTeamWiki(page: Page): Promise<void> {
  await page.waitForFunction(
    (prefix: string) => location.href.startsWith(prefix),
    { timeout: 20_000, polling: 100 },
    browsers.h.portal.demoApps.wiki,
  );
  await page.waitForSelector('[data-testid="signed-in"]');
}

describe('push prompts on the desktop', () => {
  it('B15: the desktop shows "Sign-in to Team Wiki from … — approve?"; a click opens the prompt with three numbers; the right one lets B in', async () => {
    const { context, page, send } = await atCodePageInB(browsers.h, browsers.b, browsers.alice);
    const number = await send();
    const shown = await nextPromptNotification();
    expect(shown.body).toMatch(BODY);
    // Clickable (the "default" action), and it stays until answered (requireInteraction).
    expect(shown.actions).toContain('default');
    expect(shown.expireTimeout).toBe(0);

    const before = new Set(browsers.h.browser.targets());
    const opened = browsers.h.browser.waitForTarget(
      (target: Target) => !before.has(target) && target.url().startsWith(`${EXTENSION_ORIGIN}/popup.html`),
      { timeout: 20_000 },
    );
    await desktop.click(shown.id);
    const target = await opened;
    // The toolbar popup itself (action.openPopup), not the fallback window (popup.html?prompt=…).
    expect(new URL(target.url()).searchParams.has('prompt')).toBe(false);
    const prompt = await target.asPage();
    const numbers = await promptNumbers(prompt);
    expect(numbers).toHaveLength(3);
    expect(numbers).toContain(number);
    expect(await prompt.$eval('[data-testid="push-prompt-what"]', (el) => el.textContent)).toBe(
      shown.body.replace(/ — approve\?$/, ''),
    );

    expect(await choose(prompt, number)).toContain('Approved');
    await landsInTeamWiki(page);
    // One notification for the one prompt: the click and the answer showed nothing more.
    expect(desktop.calls.filter((call) => call.call === 'Notify')).toHaveLength(1);
    await prompt.close();
    await context.close();
  });

  it('B15: a prompt answered in the popup, not clicked, is withdrawn from the desktop (CloseNotification)', async () => {
    const { context, page, send } = await atCodePageInB(browsers.h, browsers.b, browsers.alice);
    const number = await send();
    const shown = await nextPromptNotification();
    const popup = await browsers.h.openPopup();
    expect(await promptNumbers(popup)).toContain(number);
    expect(await choose(popup, number)).toContain('Approved');
    await desktop.waitFor(closed(shown.id), 10_000);
    await landsInTeamWiki(page);
    await popup.close();
    await context.close();
  });
});
