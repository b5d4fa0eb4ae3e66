/**
 * What the Chromium and Firefox e2e harnesses share: typing into the
 * reference portal's sign-in pages, the demo account's TOTP codes, and the
 * check that tokens live in `storage.session` only (A5). Puppeteer's Page API
 * is the same for both browsers; browser-specific steps stay in the harnesses.
 */
import * as OTPAuth from 'otpauth';
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { LAUNCHER_CLIENT_ID } from '../../contract/constants.ts';

/** Redeems `refreshToken` at the portal's token endpoint (found by discovery), as the launcher would. */
export async function redeemRefreshToken(issuer: string, refreshToken: string): Promise<Response> {
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    token_endpoint: string;
  };
  return fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: LAUNCHER_CLIENT_ID,
    }),
  });
}

/** A JWT (header.payload.signature), as an access or ID token would appear. */
export const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/;

const SUBMIT = 'button[type="submit"]:not(.secondary)';

/**
 * Types into the portal's sign-in pages: email → password → the code when the
 * portal asks for it (it asks a user with an authenticator at every sign-in).
 * With `code` the code page must come; without it, the code is computed from
 * `account.totpSecret` (the demo alice has one) when the page asks.
 */
export async function fillPortalSignIn(
  page: Page,
  account: { email: string; password: string; totpSecret?: string },
  code?: () => Promise<string>,
  enter: (page: Page, code: string) => Promise<void> = submitCode,
): Promise<void> {
  await page.waitForSelector('#email');
  await page.type('#email', account.email);
  await Promise.all([page.waitForNavigation(), page.click(SUBMIT)]);
  await page.waitForSelector('#password');
  await page.type('#password', account.password);
  const whenAsked = code ?? (account.totpSecret ? totpGenerator(account.totpSecret) : undefined);
  if (!whenAsked) {
    await page.click(SUBMIT);
    return;
  }
  // The tab may close itself once the sign-in is done (no code asked): not an error.
  await Promise.all([page.waitForNavigation().catch(() => undefined), page.click(SUBMIT)]);
  if (!code && !(await asksForCode(page))) return;
  await enter(page, await whenAsked());
}

/** Whether the page is the portal's code page (the second factor at sign-in or step-up). */
async function asksForCode(page: Page): Promise<boolean> {
  if (page.isClosed()) return false;
  return (await page.$('#code').catch(() => null)) !== null;
}

/** Submits a second-factor code on the portal's code page. */
export async function submitCode(page: Page, code: string): Promise<void> {
  await page.waitForSelector('#code');
  await page.type('#code', code);
  await page.click(SUBMIT);
}

/** One generator per secret, so every helper that types codes for it skips the steps already used. */
const generators = new Map<string, () => Promise<string>>();

/**
 * TOTP codes for the demo account's secret (undefined: the portal was started
 * without demo data). Each step is accepted once (B8) and the portal allows
 * ±1 step, so each call uses the next unused step, waiting when it must. The
 * same secret always gets the same generator (it remembers the steps used).
 */
export function totpGenerator(secret: string | undefined): () => Promise<string> {
  const known = secret ? generators.get(secret) : undefined;
  if (known) return known;
  let lastStep = -1;
  const generate = async () => {
    if (!secret) throw new Error('The portal was started without demo data.');
    const totp = new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(secret),
      digits: 6,
      period: 30,
      algorithm: 'SHA1',
    });
    let step = Math.floor(Date.now() / 30_000);
    let candidate = Math.max(step, lastStep + 1);
    while (candidate > step + 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      step = Math.floor(Date.now() / 30_000);
      candidate = Math.max(step, lastStep + 1);
    }
    lastStep = candidate;
    return totp.generate({ timestamp: candidate * 30_000 });
  };
  if (secret) generators.set(secret, generate);
  return generate;
}

/** The extension's storage areas and IndexedDB contents, each as JSON text. */
export interface StorageDump {
  local: string;
  session: string;
  idb: string;
}

/**
 * Pass to `evaluate` in an extension context with the name of the extension
 * API global (`chrome` or `browser`). It runs in the browser, so it must
 * not use anything from this file.
 */
export async function dumpExtensionStorage(namespace: string): Promise<StorageDump> {
  const api = (
    globalThis as unknown as Record<
      string,
      { storage: Record<'local' | 'session', { get(keys: null): Promise<Record<string, unknown>> }> }
    >
  )[namespace];
  if (!api) throw new Error(`No extension API named ${namespace} here.`);
  const local = await api.storage.local.get(null);
  const session = await api.storage.session.get(null);
  const idb: unknown[] = [];
  for (const info of await indexedDB.databases()) {
    if (!info.name) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(info.name as string);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    for (const store of Array.from(db.objectStoreNames)) {
      const values = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      idb.push(...values);
    }
    db.close();
  }
  return { local: JSON.stringify(local), session: JSON.stringify(session), idb: JSON.stringify(idb) };
}

/**
 * A5: an access token (a JWT) and a refresh token in `storage.session`; neither
 * in `storage.local`, IndexedDB or the console. IndexedDB holds the app
 * catalog (so that area was really read). Returns the console text.
 */
export function expectTokensInSessionOnly(dump: StorageDump, consoleLines: string[]): string {
  const stored = JSON.parse(dump.session) as {
    session?: { value?: { accessToken?: string; refreshToken?: string } };
  };
  const accessToken = stored.session?.value?.accessToken;
  const refreshToken = stored.session?.value?.refreshToken;
  expect(accessToken).toMatch(JWT);
  expect(refreshToken).toBeTruthy();
  for (const area of [dump.local, dump.idb]) {
    expect(area).not.toMatch(JWT);
    expect(area).not.toContain(refreshToken as string);
  }
  expect(dump.idb).toContain('Team Wiki');
  const consoleText = consoleLines.join('\n');
  expect(consoleText).not.toMatch(JWT);
  expect(consoleText).not.toContain(refreshToken as string);
  return consoleText;
}

/**
 * A portal whose admin asks for the second factor only where it is needed
 * (`PORTAL_MFA_AT_SIGN_IN=false`): alice then signs in with her password
 * alone, so tests of step-up (launches, account changes) start from a
 * password-only session, as employees of such a portal do. The default
 * (the code at every sign-in) is proven in sign-in.test.ts and the server tests.
 */
export const STEP_UP_ONLY_PORTAL = { config: { mfaAtSignIn: false } } as const;
