/**
 * First run without a managed portal address: the popup asks for it, refuses
 * a remote http address (A11: https only, loopback excepted), saves a good one
 * and offers Sign in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, type Harness, startHarness, type WithChrome } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ configurePortal: false });
});

afterAll(async () => {
  await h?.close();
});

describe('first run', () => {
  it('asks for the portal address, refuses http on a remote host, then offers Sign in', async () => {
    const popup = await h.openPopup();
    await popup.waitForSelector('[data-testid="first-run"]');
    expect(await popup.$eval('label[for="portal"]', (el) => el.textContent)).toBe('Portal address');
    await h.screenshot(popup, 'popup-first-run');
    expect(await accessibilityViolations(popup)).toEqual([]);

    await popup.type('#portal', 'http://portal.example.com');
    await popup.click('button[type="submit"]');
    await popup.waitForSelector('[data-testid="status"][role="alert"]');
    expect(await popup.$eval('[data-testid="status"]', (el) => el.textContent)).toContain('https://');
    const remoteRequests = h.requests.filter((request) => request.url.includes('portal.example.com'));
    expect(remoteRequests).toHaveLength(0);

    await popup.$eval('#portal', (input) => {
      (input as HTMLInputElement).value = '';
    });
    await popup.type('#portal', h.portal.issuer);
    await popup.click('button[type="submit"]');
    await popup.waitForSelector('button::-p-text(Sign in)');
    await h.screenshot(popup, 'popup-first-run-saved');

    const worker = await h.worker();
    const stored = await worker.evaluate(async () =>
      JSON.stringify(await (globalThis as unknown as WithChrome).chrome.storage.local.get('settings')),
    );
    expect(JSON.parse(stored)).toEqual({ settings: { portalUrl: h.portal.issuer } });
  });
});
