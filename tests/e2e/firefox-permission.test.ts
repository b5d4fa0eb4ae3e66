/**
 * A provider that sends no CORS headers still works (issue 16): its address
 * was not typed into the first-run form (which asks for the host permission),
 * so the Sign in click asks for it first. Firefox, because automation can
 * grant an optional permission there (firefox-harness.ts: the prompt pref);
 * headless Chromium leaves the prompt unanswered.
 *
 * The provider is the reference portal behind a loopback proxy that is its
 * issuer and strips every `Access-Control-*` header.
 */
import http from 'node:http';
import type net from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completePortalSignIn,
  type FirefoxHarness,
  startFirefoxHarness,
  waitForApps,
} from './firefox-harness.ts';

type WithBrowser = {
  browser: {
    permissions: { contains(permissions: { origins: string[] }): Promise<boolean> };
    storage: { local: { set(items: object): Promise<void> } };
    runtime: { sendMessage(message: unknown): Promise<{ ok: boolean; value?: { code: string } }> };
  };
};

interface Proxy {
  url: string;
  target: string;
  /** Discovery documents served so far. */
  discoveries: number;
  close(): Promise<void>;
}

/** Forwards to the portal node and drops every CORS header from the answers. */
async function noCorsProxy(): Promise<Proxy> {
  const proxy: Proxy = { url: '', target: '', discoveries: 0, close: async () => undefined };
  const server = http.createServer((request, response) => {
    if ((request.url ?? '').startsWith('/.well-known/openid-configuration')) proxy.discoveries += 1;
    const upstream = http.request(
      `${proxy.target}${request.url ?? '/'}`,
      { method: request.method, headers: request.headers },
      (answer) => {
        const headers = Object.fromEntries(
          Object.entries(answer.headers).filter(
            ([name]) => !name.toLowerCase().startsWith('access-control-'),
          ),
        );
        response.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return proxy;
}

let proxy: Proxy;
let h: FirefoxHarness;

beforeAll(async () => {
  proxy = await noCorsProxy();
  h = await startFirefoxHarness({ portal: { config: { issuer: proxy.url } } });
  proxy.target = h.portal.address;
}, 180_000);

afterAll(async () => {
  await h?.close();
  await proxy?.close();
});

const hostGranted = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as WithBrowser).browser.permissions.contains({ origins: ['http://127.0.0.1/*'] }),
  );

describe('Firefox: the host permission asked at Sign in (issue 16)', () => {
  it('a provider without CORS, its address not typed: Sign in asks for the host permission, and the sign-in works', async () => {
    let popup = await h.openPopup();
    // The address as policy or a previous version would leave it: in the settings, never typed here.
    await popup.evaluate(async (issuer: string) => {
      await (globalThis as unknown as WithBrowser).browser.storage.local.set({
        settings: { portalUrl: issuer },
      });
    }, proxy.url);
    await popup.close();
    const discoveriesBefore = proxy.discoveries;
    popup = await h.openPopup();
    await popup.waitForSelector('button::-p-text(Sign in)');
    expect(await hostGranted(popup)).toBe(false);
    // Without the permission the provider cannot be read (no CORS): that is what Sign in must fix.
    const probe = await popup.evaluate(
      (issuer: string) =>
        (globalThis as unknown as WithBrowser).browser.runtime.sendMessage({
          channel: 'portal-launcher/v1',
          name: 'probePortal',
          payload: { portalUrl: issuer },
        }),
      proxy.url,
    );
    expect(probe.value?.code).toBe('unreadable');
    // The popup checks the same ahead of the click (a permission check and one probe): wait for
    // its probe (the test's own is the other discovery read), then a moment for the answer.
    const deadline = Date.now() + 20_000;
    while (proxy.discoveries < discoveriesBefore + 2) {
      if (Date.now() > deadline) throw new Error('The popup did not check the provider ahead of Sign in.');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    await popup.click('button::-p-text(Sign in)');
    const tab = await h.waitForTab(proxy.url);
    expect(await hostGranted(popup)).toBe(true);
    const alice = h.portal.demo?.alice;
    if (!alice) throw new Error('no demo data');
    await completePortalSignIn(tab, alice, h.totp);
    expect(await waitForApps(popup)).toEqual(expect.arrayContaining(['team-wiki', 'payroll']));
  });
});
