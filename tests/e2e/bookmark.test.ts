/**
 * Issue 14, bookmarks: a plain link the admin assigned shows in the popup
 * with a small link mark and opens its URL directly, with no launch request
 * to the portal (no ticket, no token). Its details link works like any app's.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../server/src/cli.ts';
import { accessibilityViolations, type Harness, signInThroughPopup, startHarness } from './harness.ts';

let h: Harness;
let popup: Page;
let bookmarkUrl: string;

beforeAll(async () => {
  h = await startHarness();
  const bob = h.portal.demo?.bob;
  if (!bob) throw new Error('no demo data');
  // The bookmark points at a real page: the Payroll demo app's public about page.
  bookmarkUrl = `${h.portal.demoApps.payroll}/about?from=bookmark`;
  // Added and assigned with the admin CLI, as an admin does, on the running portal's data folder.
  const env = { PORTAL_DATA_DIR: h.portal.dataDir };
  await runCommand(
    [
      'app',
      'add-bookmark',
      'handbook',
      '--name',
      'Handbook',
      '--url',
      bookmarkUrl,
      '--description',
      'The employee handbook',
      '--details-url',
      `${h.portal.demoApps.payroll}/about?from=details`,
    ],
    env,
  );
  await runCommand(['app', 'assign', 'handbook', bob.email], env);
  ({ popup } = await signInThroughPopup(h, bob));
});

afterAll(async () => {
  await h?.close();
});

describe('bookmark', () => {
  it('shows a link mark (read as "Link"), opens its URL with no launch request, and its details link works', async () => {
    await popup.waitForSelector('[data-app-id="handbook"] .launcher-kind');
    const described = await popup.$eval('[data-app-id="handbook"]', (el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' '),
    );
    expect(described).toContain('Link');
    // Only the bookmark has the mark.
    expect(await popup.$('[data-app-id="team-wiki"] .launcher-kind')).toBeNull();
    expect(await accessibilityViolations(popup)).toEqual([]);
    await h.screenshot(popup, 'popup-bookmark');

    const tickets = async () =>
      (await h.portal.context.repos.audit.list({ limit: 500 })).filter(
        (entry) => entry.event === 'launch.ticket_created' || entry.event === 'launch.step_up_required',
      ).length;
    const ticketsBefore = await tickets();
    const launchesBefore = h.requests.filter((r) => r.url.includes('/launch')).length;
    await popup.click('[data-app-id="handbook"]');
    const opened = await h.waitForTab(bookmarkUrl);
    await opened.waitForSelector('h1');
    expect(await opened.$eval('h1', (el) => el.textContent)).toBe('About Payroll');
    expect(h.requests.filter((r) => r.url.includes('/launch')).length).toBe(launchesBefore);
    // The portal minted no launch ticket for it.
    expect(await tickets()).toBe(ticketsBefore);
    await popup.waitForSelector('[data-testid="status"]::-p-text(Opened Handbook)');
    await opened.close();

    await popup.bringToFront();
    await popup.click('[data-details-for="handbook"]');
    const details = await h.waitForTab(`${h.portal.demoApps.payroll}/about?from=details`);
    await details.close();
  });
});
