/**
 * Open pages learn every state change the background makes on its own
 * (issue 16): a popup and an options page opened while a sign-in is still
 * finishing (the provider's token endpoint is slow) switch to the signed-in
 * state by themselves, without a reload; a sign-out made in one page reaches
 * the other.
 *
 * The slow provider is the reference portal behind a small loopback proxy
 * that is the portal's issuer (`PORTAL_ISSUER`, as behind a load balancer)
 * and holds the token request until the test lets it through, so "while the
 * sign-in is finishing" is a fact, not a race.
 */
import http from 'node:http';
import type net from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completePortalSignIn, type Harness, openOptionsPage, startHarness, waitForApps } from './harness.ts';

interface HoldingProxy {
  url: string;
  /** Where requests go (the portal node); set once the portal listens. */
  target: string;
  /** Resolves when a token request arrived and is being held. */
  tokenHeld: Promise<void>;
  /** Lets the held token request (and any later one) through. */
  release(): void;
  close(): Promise<void>;
}

/** A pass-through proxy that holds POSTs to the token endpoint path until released. */
async function holdingProxy(tokenPath: () => string): Promise<HoldingProxy> {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let held: () => void = () => undefined;
  const tokenHeld = new Promise<void>((resolve) => {
    held = resolve;
  });
  const proxy: HoldingProxy = {
    url: '',
    target: '',
    tokenHeld,
    release: () => release(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((request, response) => {
    const forward = () => {
      const upstream = http.request(
        `${proxy.target}${request.url ?? '/'}`,
        { method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    };
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'POST' && path === tokenPath()) {
      held();
      void released.then(forward);
    } else {
      forward();
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return proxy;
}

let proxy: HoldingProxy;
let tokenPath = '/token';
let h: Harness;

beforeAll(async () => {
  proxy = await holdingProxy(() => tokenPath);
  h = await startHarness({ portal: { config: { issuer: proxy.url } } });
  proxy.target = h.portal.address;
  const discovery = (await (await fetch(`${h.portal.address}/.well-known/openid-configuration`)).json()) as {
    token_endpoint: string;
  };
  tokenPath = new URL(discovery.token_endpoint).pathname;
}, 120_000);

afterAll(async () => {
  proxy?.release();
  await h?.close();
  await proxy?.close();
});

/** Marks the page's document, so a later check can tell it was not reloaded. */
const markDocument = (page: Page) =>
  page.evaluate(() => {
    (globalThis as unknown as { sameDocument?: boolean }).sameDocument = true;
  });
const sameDocument = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument === true);

describe('open pages learn every state change (issue 16)', () => {
  let popup: Page;
  let options: Page;

  it('a popup and an options page opened while the sign-in is finishing (slow token endpoint) switch to the signed-in state by themselves', async () => {
    const alice = h.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    expect(h.portal.issuer).toBe(proxy.url);
    // The popup that starts the sign-in closes, as a real popup does when the tab takes focus.
    const starter = await h.openPopup();
    await starter.waitForSelector('button::-p-text(Sign in)');
    await starter.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(h.portal.issuer);
    await starter.close();
    const pages = completePortalSignIn(h, tab, alice, { expectCode: true });
    await proxy.tokenHeld;

    // The portal pages are done; the launcher's token request is held: not signed in yet.
    popup = await h.openPopup();
    await popup.waitForSelector('button::-p-text(Sign in)', { timeout: 20_000 });
    options = await openOptionsPage(h, 'profile');
    await options.waitForSelector('[data-testid="signed-out"]', { timeout: 20_000 });
    await markDocument(popup);
    await markDocument(options);

    const released = Date.now();
    proxy.release();
    await pages;
    await popup.bringToFront();
    expect(await waitForApps(popup)).toEqual(expect.arrayContaining(['team-wiki', 'payroll']));
    const popupUpdatedMs = Date.now() - released;
    expect(await popup.$eval('[data-testid="user-name"]', (el) => el.textContent?.trim())).toBe(
      'Alice Example',
    );
    await options.bringToFront();
    await options.waitForSelector('[data-testid="who"]', { timeout: 20_000 });
    expect(await options.$('[data-testid="signed-out"]')).toBeNull();
    // By themselves: the same documents, never reloaded.
    expect(await sameDocument(popup)).toBe(true);
    expect(await sameDocument(options)).toBe(true);
    console.info(`open popup showed the apps ${popupUpdatedMs} ms after the token answer was let through`);
  });

  it('a sign-out made in the options page reaches the open popup, and the popup sees it too', async () => {
    await options.bringToFront();
    await options.click('[data-testid="account-menu-button"]');
    await options.waitForSelector('[data-menu-item="sign-out"]');
    await options.click('[data-menu-item="sign-out"]');
    await options.waitForSelector('[data-testid="signed-out"]', { timeout: 20_000 });
    await popup.bringToFront();
    await popup.waitForSelector('button::-p-text(Sign in)', { timeout: 20_000 });
    expect(await popup.$('ul.apps [data-app-id]')).toBeNull();
    expect(await sameDocument(popup)).toBe(true);
  });
});
