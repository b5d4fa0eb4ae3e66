/**
 * Issue 15 on Chromium: a launch is one round trip. With the portal origin's
 * host permission granted, the background's requests to the portal are exempt
 * from CORS, so a click on a no-MFA app to its tab is exactly one request to
 * the portal (`POST /api/v1/apps/<id>/launch`), no preflight. Without it
 * (the permission is optional and the person may not have granted it), the
 * browser sends an `OPTIONS` preflight first: that case is measured too, so
 * the count is known to see the difference.
 *
 * The count is the portal's own request log (method and path, every request
 * it received). Headless Chromium cannot answer the permission prompt that
 * the first-run form raises, so the "granted" browser loads a copy of the
 * built extension (same id: the manifest key stays) whose manifest lists the
 * portal's host among the host permissions granted at install, which is the
 * state the person's "Allow" leaves. The prompt itself is tested on Firefox
 * (tests/e2e/firefox.test.ts).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_DIR, type Harness, signInThroughPopup, startHarness } from './harness.ts';

/** A copy of the built extension with `host` among its granted (install-time) host permissions. */
function buildWithHostPermission(host: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'launcher-granted-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { host_permissions: string[] };
  manifest.host_permissions = [...manifest.host_permissions, host];
  writeFileSync(manifestFile, JSON.stringify(manifest));
  return dir;
}

interface Launcher {
  h: Harness;
  popup: Page;
  /** Every request the portal received, as `METHOD /path` (the query can carry codes: cut). */
  portalRequests: string[];
}

async function startSignedIn(extensionDir?: string): Promise<Launcher> {
  const portalRequests: string[] = [];
  const h = await startHarness({
    ...(extensionDir ? { extensionDir } : {}),
    portal: { onRequest: ({ method, url }) => portalRequests.push(`${method} ${url.split('?')[0]}`) },
  });
  const alice = h.portal.demo?.alice;
  if (!alice) throw new Error('The portal has no demo data.');
  const { popup } = await signInThroughPopup(h, alice);
  return { h, popup, portalRequests };
}

/** The requests to the portal from a click on Team Wiki (no MFA) until its tab is open. */
async function launchWikiRequests({ h, popup, portalRequests }: Launcher): Promise<string[]> {
  // The popup's own refresh (apps, profile) is over before the click: wait for a quiet portal.
  let seen = -1;
  while (seen !== portalRequests.length) {
    seen = portalRequests.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
  await popup.bringToFront();
  const before = portalRequests.length;
  await popup.click('button[data-app-id="team-wiki"]');
  const wiki = await h.waitForTab(h.portal.demoApps.wiki);
  await popup.waitForSelector('[data-testid="status"]::-p-text(Opened Team Wiki)', { timeout: 20_000 });
  await wiki.close();
  return (
    portalRequests
      .slice(before)
      // The app's own single sign-on at the portal (in its new tab) is the app's, not the launch's.
      .filter((request) => request.startsWith('OPTIONS ') || request.includes(' /api/'))
  );
}

describe('a launch is one round trip (issue 15, Chromium)', () => {
  let granted: Launcher;
  let grantedDir: string;

  beforeAll(async () => {
    // Match patterns name no port: the first-run form asks for the portal's host the same way.
    grantedDir = buildWithHostPermission('http://127.0.0.1/*');
    granted = await startSignedIn(grantedDir);
  });

  afterAll(async () => {
    await granted?.h.close();
    if (grantedDir) rmSync(grantedDir, { recursive: true, force: true });
  });

  it('with the host permission granted, a click on Team Wiki (no MFA) to its tab is one request to the portal, no CORS preflight', async () => {
    const { h, popup } = granted;
    const { protocol, hostname } = new URL(h.portal.issuer);
    expect(
      await popup.evaluate(
        (pattern: string) =>
          (
            globalThis as unknown as {
              chrome: { permissions: { contains(p: { origins: string[] }): Promise<boolean> } };
            }
          ).chrome.permissions.contains({ origins: [pattern] }),
        `${protocol}//${hostname}/*`,
      ),
    ).toBe(true);
    expect(await launchWikiRequests(granted)).toEqual(['POST /api/v1/apps/team-wiki/launch']);
  });

  it('without it, the same click costs a CORS preflight before the launch (what the permission saves)', async () => {
    const shipped = await startSignedIn();
    try {
      expect(await launchWikiRequests(shipped)).toEqual([
        'OPTIONS /api/v1/apps/team-wiki/launch',
        'POST /api/v1/apps/team-wiki/launch',
      ]);
    } finally {
      await shipped.h.close();
    }
  });
});
