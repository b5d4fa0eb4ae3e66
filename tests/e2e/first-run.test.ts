/**
 * First run without a managed portal address: the popup asks for it, and
 * before saving it the background checks it, so the person reads precisely
 * what is wrong — not a valid address, https required (A11: loopback
 * excepted), did not answer, or answers but is not an identity portal —
 * instead of a portal saved and later reported as "did not answer". A good
 * address is saved and Sign in offered, with "Change portal address" beside it.
 */
import http from 'node:http';
import net from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, type Harness, startHarness, type WithChrome } from './harness.ts';

let h: Harness;
/**
 * Answers every request with a web page: a web server, but no identity portal. It allows any
 * origin (CORS), which is what the background sees once the person has granted the host
 * permission — a prompt headless Chromium cannot answer.
 */
let website: http.Server;
let websiteUrl: string;
/** A loopback port nobody listens on. */
let silentUrl: string;

beforeAll(async () => {
  h = await startHarness({ configurePortal: false });
  website = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html', 'access-control-allow-origin': '*' });
    response.end('<!doctype html><title>Intranet</title><p>Welcome to the intranet.</p>');
  });
  await new Promise<void>((resolve) => website.listen(0, '127.0.0.1', resolve));
  websiteUrl = `http://127.0.0.1:${(website.address() as net.AddressInfo).port}`;
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(closed.address() as net.AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});

afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (website ? website.close(() => resolve()) : resolve()));
});

/** Types `address` into the portal field (replacing what is there) and submits it. */
async function submitAddress(popup: Page, address: string): Promise<void> {
  await popup.$eval('#portal', (input) => {
    (input as HTMLInputElement).value = '';
  });
  await popup.type('#portal', address);
  await popup.click('[data-testid="first-run"] button[type="submit"]');
}

/** The problem shown under the field after submitting `address` (waits for a new sentence). */
async function problemAfter(popup: Page, address: string): Promise<string> {
  const before = await popup.$eval(
    '[data-testid="first-run"]',
    (form) => form.querySelector('[data-testid="portal-problem"]')?.textContent ?? null,
  );
  await submitAddress(popup, address);
  const handle = await popup.waitForFunction(
    (previous: string | null) => {
      const problem = document.querySelector('[data-testid="portal-problem"][role="alert"]');
      return problem && problem.textContent !== previous ? problem.textContent : null;
    },
    { timeout: 20_000 },
    before,
  );
  // The field is marked invalid and points at the sentence.
  expect(
    await popup.$eval('#portal', (el) => [
      el.getAttribute('aria-invalid'),
      el.getAttribute('aria-describedby'),
    ]),
  ).toEqual(['true', 'portal-hint portal-problem']);
  return (await handle.jsonValue()) as string;
}

async function storedSettings(): Promise<unknown> {
  const worker = await h.worker();
  const stored = await worker.evaluate(async () =>
    JSON.stringify(await (globalThis as unknown as WithChrome).chrome.storage.local.get('settings')),
  );
  return JSON.parse(stored);
}

describe('first run', () => {
  it('A11: says precisely what is wrong with an address (not valid, https required, did not answer, not an identity portal) and saves none of them', async () => {
    const popup = await h.openPopup();
    await popup.waitForSelector('[data-testid="first-run"]');
    expect(await popup.$eval('label[for="portal"]', (el) => el.textContent)).toBe('Portal address');
    await h.screenshot(popup, 'popup-first-run');
    expect(await accessibilityViolations(popup)).toEqual([]);

    expect(await problemAfter(popup, 'https://[not-an-address]')).toBe(
      'That is not a portal address. Enter only the address, for example https://portal.example.com.',
    );
    expect(await problemAfter(popup, 'http://portal.example.com')).toBe(
      'The portal address must start with https://. Ask your administrator for it.',
    );
    // Refused before any request: nothing was sent to the remote host.
    expect(h.requests.filter((request) => request.url.includes('portal.example.com'))).toHaveLength(0);

    const silentHost = new URL(silentUrl).host;
    expect(await problemAfter(popup, silentUrl)).toBe(
      `${silentHost} did not answer. Check the address and your network connection.`,
    );
    const websiteHost = new URL(websiteUrl).host;
    expect(await problemAfter(popup, websiteUrl)).toBe(
      `${websiteHost} answers, but it is not an identity portal (it has no OpenID Connect sign-in). Check the address with your administrator.`,
    );
    expect(await accessibilityViolations(popup, { allImpacts: true })).toEqual([]);
    await h.screenshot(popup, 'popup-first-run-not-a-portal');
    expect(await storedSettings()).toEqual({});
  });

  it('saves a portal address, offers Sign in and "Change portal address", which edits it in place', async () => {
    const popup = await h.openPopup();
    await popup.waitForSelector('[data-testid="first-run"]');
    await submitAddress(popup, h.portal.issuer);
    await popup.waitForSelector('button::-p-text(Sign in)', { timeout: 20_000 });
    await h.screenshot(popup, 'popup-first-run-saved');
    expect(await storedSettings()).toEqual({ settings: { portalUrl: h.portal.issuer } });

    await popup.click('button::-p-text(Change portal address)');
    await popup.waitForSelector('[data-testid="first-run"]');
    expect(await popup.$eval('#portal', (el) => (el as HTMLInputElement).value)).toBe(h.portal.issuer);
    expect(await accessibilityViolations(popup, { allImpacts: true })).toEqual([]);
    // A wrong address is refused and the saved one stays.
    expect(await problemAfter(popup, websiteUrl)).toContain('is not an identity portal');
    expect(await storedSettings()).toEqual({ settings: { portalUrl: h.portal.issuer } });
    await popup.click('button::-p-text(Cancel)');
    await popup.waitForSelector('button::-p-text(Sign in)');
  });
});
