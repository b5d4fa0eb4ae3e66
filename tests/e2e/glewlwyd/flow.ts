/**
 * The steps of the Glewlwyd end-to-end tests, the same in Chromium
 * (../glewlwyd.test.ts) and Firefox (../glewlwyd-firefox.test.ts): sign-in
 * through Glewlwyd's login UI, the policy's apps, a plain launch, the step-up
 * launch refused for its `auth_time` 0, a refresh from a fresh background,
 * sign-out. Each step asserts what it proves; the tests name them.
 *
 * What differs per browser comes in through {@link LauncherBrowser}: how to
 * open the popup and let the background go. Everything else is asked the way
 * the extension's own pages ask it (`storage.session`, `runtime.sendMessage`
 * from the popup), through the promise-based `browser` namespace in Firefox
 * and `chrome` in Chromium.
 */
import type { Browser, Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { waitForApps } from '../harness.ts';
import { redeemRefreshToken, totpGenerator } from '../portal-pages.ts';
import { readStoredSession } from '../stored-session.ts';
import { APPS, type AppServer, PAYROLL_MFA_MAX_AGE } from './apps.ts';
import { signInAtGlewlwyd } from './pages.ts';
import { ACCESS_TOKEN_SECONDS, OTP_SESSION_SECONDS, type RunningGlewlwyd } from './setup.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the flow needs from either browser's harness. */
export interface LauncherBrowser {
  browser: Browser;
  openPopup(): Promise<Page>;
  waitForTab(prefix: string, timeoutMs?: number): Promise<Page>;
  /**
   * Lets the extension's background go (Chromium: stops the service worker; Firefox: waits until
   * the event page is suspended), so the next request wakes one that reads the session from storage.
   * `page` is an open extension page.
   */
  restartBackground(page: Page): Promise<void>;
}

export interface StoredSessionView {
  accessToken: string;
  idToken: string | null;
  refreshToken: string | null;
  accessTokenExpiresAt: number;
  authentication: { acr: string | null; amr: string[]; authTime: number | null };
}

interface LauncherStateView {
  notice: { appId: string; outcome: string; code?: string; message: string } | null;
  user: { name: string } | null;
}

type NoticeView = NonNullable<LauncherStateView['notice']>;

/** The promise-based extension API inside `evaluate` (`browser` in Firefox, `chrome` in Chromium). */
type InPage = {
  browser?: InPageApi;
  chrome: InPageApi;
};
type Changes = Record<string, { newValue?: { value?: unknown } } | undefined>;
interface InPageApi {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  storage: { onChanged: { addListener(fn: (changes: Changes, area: string) => void): void } };
}

/** Polls `check` until it returns something truthy (20 s at most). */
export async function waitFor<T>(check: () => T | Promise<T>, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await sleep(200);
  }
}

const PROFILE = '[data-testid="user-name"]';
const text = (page: Page, selector: string) => page.$eval(selector, (el) => el.textContent?.trim());

/** One browser's run of the flow against one Glewlwyd: the popup it drives and the TOTP codes it spent. */
export class GlewlwydFlow {
  /** The popup (a tab on `popup.html`) the steps click in. */
  popup!: Page;
  private readonly totp: () => Promise<string>;
  /** When Glewlwyd last accepted a TOTP code (its OTP session lasts OTP_SESSION_SECONDS). */
  private otpAcceptedAt = 0;

  constructor(
    readonly glewlwyd: RunningGlewlwyd,
    readonly apps: AppServer,
    readonly launcher: LauncherBrowser,
  ) {
    this.totp = totpGenerator(glewlwyd.user.totpSecret);
  }

  /** The launcher's stored session, read in the popup, or null when signed out. */
  storedSession(): Promise<StoredSessionView | null> {
    return readStoredSession<StoredSessionView>(this.popup);
  }

  /**
   * The next TOTP code, noting when Glewlwyd took it. Glewlwyd takes a code within its own 30 s
   * step only (`totp-window` 30, settings.ts): a code made in a step's last seconds can reach it
   * after the step ended on a loaded machine (CI saw "Authentication error" once), so in those
   * seconds this waits for the next step, as a person watching their app would.
   */
  codeAtGlewlwyd = async (): Promise<string> => {
    const left = 30_000 - (Date.now() % 30_000);
    if (left < 6_000) await sleep(left + 250);
    const code = await this.totp();
    this.otpAcceptedAt = Date.now();
    return code;
  };

  /** Glewlwyd asks for the code again only once its OTP session lapsed, and takes one 30 s after the last. */
  async otpSessionLapsed(): Promise<void> {
    const lapse = this.otpAcceptedAt + (Math.max(OTP_SESSION_SECONDS, 30) + 1) * 1000 - Date.now();
    if (lapse > 0) await sleep(lapse);
  }

  async userinfoStatus(accessToken: string): Promise<number> {
    const response = await fetch(`${this.glewlwyd.issuer}/userinfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return response.status;
  }

  /** How many ID tokens Glewlwyd has logged issuing. */
  idTokensIssued(): number {
    return this.glewlwyd.logs.filter((line) => line.includes('id_token generated')).length;
  }

  /** The background's state for the popup, asked as the popup asks it. */
  async launcherState(): Promise<LauncherStateView> {
    const answer = (await this.popup.evaluate(
      (message) => {
        const g = globalThis as unknown as InPage;
        return (g.browser ?? g.chrome).runtime.sendMessage(message);
      },
      { channel: 'portal-launcher/v1', name: 'getState', payload: {} },
    )) as { ok: boolean; value: LauncherStateView };
    if (!answer.ok) throw new Error(`getState failed: ${JSON.stringify(answer)}`);
    return answer.value;
  }

  /**
   * Records, in the popup, every launch notice the background stores. An open popup learns of the
   * failed launch at once (the background announces it), shows the notice and dismisses it, so
   * asking `getState` afterwards would find none.
   */
  async recordNotices(): Promise<void> {
    await this.popup.evaluate(() => {
      const g = globalThis as unknown as InPage & { notices?: unknown[] };
      g.notices = [];
      (g.browser ?? g.chrome).storage.onChanged.addListener((changes, area) => {
        const value = changes.launchNotice?.newValue?.value;
        if (area === 'session' && value) g.notices?.push(value);
      });
    });
  }

  async recordedNotice(): Promise<NoticeView | null> {
    return this.popup.evaluate(
      () => ((globalThis as unknown as { notices?: NoticeView[] }).notices ?? [])[0] ?? null,
    ) as Promise<NoticeView | null>;
  }

  async tabsAt(prefix: string): Promise<Page[]> {
    return (await this.launcher.browser.pages()).filter((page) => page.url().startsWith(prefix));
  }

  /** Sign in from the popup through Glewlwyd's pages; resolves with the steps Glewlwyd showed. */
  async signIn(): Promise<string[]> {
    await this.popup.bringToFront();
    await this.popup.waitForSelector('button::-p-text(Sign in)');
    await this.popup.click('button::-p-text(Sign in)');
    const tab = await this.launcher.waitForTab(this.glewlwyd.baseUrl);
    const signIn = await signInAtGlewlwyd(tab, this.glewlwyd.user, this.codeAtGlewlwyd).catch(
      (error: Error) => {
        throw new Error(`${error.message}\nGlewlwyd's log:\n${this.glewlwyd.logs.slice(-12).join('\n')}`, {
          cause: error,
        });
      },
    );
    await this.popup.bringToFront();
    expect((await waitForApps(this.popup)).sort()).toEqual(['payroll', 'team-wiki']);
    return signIn.steps;
  }

  /** Step: the first sign-in (password, then TOTP for offline_access), the apps and the profile. */
  async firstSignIn(): Promise<void> {
    this.popup = await this.launcher.openPopup();
    expect(await this.signIn()).toEqual(['password', 'otp', 'continue']);
    await this.popup.waitForSelector(PROFILE);
    expect(await text(this.popup, PROFILE)).toBe(this.glewlwyd.user.name);
    expect(await text(this.popup, '[data-testid="user-email"]')).toBe(this.glewlwyd.user.email);
    const session = await this.storedSession();
    // What Glewlwyd proves: the factors, but no assurance level.
    expect(session?.authentication.acr).toBeNull();
    expect(session?.authentication.amr).toEqual(['password', 'otp']);
    expect(session?.refreshToken).toBeTruthy();
  }

  /** Step: Team Wiki (no MFA) opens in a new tab. */
  async plainLaunch(): Promise<void> {
    await this.popup.bringToFront();
    await this.popup.click('[data-app-id="team-wiki"]');
    const wiki = await this.launcher.waitForTab(`${this.apps.url}/wiki`);
    await wiki.waitForSelector('[data-testid="app"]', { timeout: 20_000 });
    expect(await wiki.$eval('[data-testid="app"]', (el) => el.textContent)).toBe(APPS.wiki);
    await wiki.close();
  }

  /**
   * Step: Payroll (MFA) asks for a fresh TOTP code in a Glewlwyd tab; Glewlwyd's answer (amr
   * password+otp, no acr, auth_time 0) is refused for its unproven time, the popup says so and
   * the app is not opened.
   */
  async stepUpLaunchRefused(): Promise<void> {
    await this.otpSessionLapsed();
    const idTokensBefore = this.idTokensIssued();
    await this.popup.bringToFront();
    await this.recordNotices();
    await this.popup.click('[data-app-id="payroll"]');
    const stepUp = await this.launcher.waitForTab(this.glewlwyd.baseUrl);
    // Glewlwyd sends the browser to its login page with the authorization request as callback_url.
    const loginPage = await waitFor(
      () => stepUp.evaluate(() => (location.href.includes('callback_url=') ? location.href : null)),
      "Glewlwyd's login page",
    );
    const callback = new URL(
      new URL(loginPage).searchParams.get('callback_url') ?? '',
      this.glewlwyd.baseUrl,
    );
    // The rule has no acr values: none are asked for (Glewlwyd would ignore them anyway).
    expect(callback.searchParams.get('acr_values')).toBeNull();
    expect(callback.searchParams.get('max_age')).toBe(String(PAYROLL_MFA_MAX_AGE));
    // login_hint: the person's email (from the ID token, else from userinfo's profile).
    expect(callback.searchParams.get('login_hint')).toBe(this.glewlwyd.user.email);
    expect(this.payrollHits()).toEqual([]);
    // The password still counts in Glewlwyd's session; the lapsed TOTP is asked again.
    const signIn = await signInAtGlewlwyd(stepUp, this.glewlwyd.user, this.codeAtGlewlwyd);
    expect(signIn.steps).toEqual(['otp', 'continue']);
    // Glewlwyd accepted the code and issued an ID token (amr password+otp, auth_time 0, no acr) …
    await waitFor(() => this.idTokensIssued() > idTokensBefore, 'Glewlwyd to issue the step-up ID token');
    // … which the launcher refuses: amr names the second factor, but it asked for max_age and
    // auth_time 0 says nothing about when. The app is not opened and the popup says why, not "try again".
    const notice = await waitFor(() => this.recordedNotice(), 'the launch notice');
    expect(notice).toMatchObject({ appId: 'payroll', outcome: 'failed', code: 'step_up_time_unproven' });
    expect(notice.message).toContain('Payroll was not opened.');
    await this.popup.bringToFront();
    await this.popup.waitForFunction(
      () => (document.body.textContent ?? '').includes('The provider did not say when you verified'),
      { timeout: 20_000 },
    );
    // The open popup was told (issue 16: every state change reaches open pages): it showed the
    // notice and dismissed it, so the next popup does not show it again.
    await waitFor(
      async () => (await this.launcherState()).notice === null,
      'the open popup to dismiss the notice',
    );
    expect(this.payrollHits()).toEqual([]);
    expect(await this.tabsAt(`${this.apps.url}/payroll`)).toHaveLength(0);
    // The session is the sign-in's, unchanged: nothing from the refused answer was kept.
    expect((await this.storedSession())?.authentication).toEqual({
      acr: null,
      amr: ['password', 'otp'],
      authTime: 0,
    });
  }

  private payrollHits(): string[] {
    return this.apps.hits.filter((hit) => hit.startsWith('/payroll'));
  }

  /**
   * Step: once the access token really expired, a popup opened after the background went away
   * makes a fresh background refresh it at Glewlwyd (same refresh token, no new ID token).
   */
  async refreshAfterExpiry(): Promise<void> {
    const before = await this.storedSession();
    if (!before) throw new Error('not signed in');
    // Glewlwyd's access tokens live ACCESS_TOKEN_SECONDS; wait until this one really expired.
    expect(before.accessTokenExpiresAt - Date.now()).toBeLessThanOrEqual(ACCESS_TOKEN_SECONDS * 1000);
    const wait = before.accessTokenExpiresAt + 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    expect(await this.userinfoStatus(before.accessToken)).toBe(401);
    await this.launcher.restartBackground(this.popup);
    await this.popup.close();
    this.popup = await this.launcher.openPopup();
    expect((await waitForApps(this.popup)).sort()).toEqual(['payroll', 'team-wiki']);
    const after = await waitFor(async () => {
      const session = await this.storedSession();
      return session && session.accessToken !== before.accessToken ? session : null;
    }, 'a refreshed access token');
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(await this.userinfoStatus(after.accessToken)).toBe(200);
    // Glewlwyd's refresh answer has no ID token: the sign-in's is kept (the profile still shows).
    expect(after.idToken).toBe(before.idToken);
    expect(await text(this.popup, PROFILE)).toBe(this.glewlwyd.user.name);
  }

  /**
   * Step: sign-out ends the launcher session. Glewlwyd advertises neither end-session nor
   * revocation for a public client, so no logout tab opens and the refresh token outlives it.
   */
  async signOut(): Promise<void> {
    const refreshToken = (await this.storedSession())?.refreshToken;
    expect(refreshToken).toBeTruthy();
    const glewlwydTabsBefore = (await this.tabsAt(this.glewlwyd.baseUrl)).length;
    await this.popup.bringToFront();
    await this.popup.click('button::-p-text(Sign out)');
    await this.popup.waitForSelector('button::-p-text(Sign in)');
    expect(await this.storedSession()).toBeNull();
    expect((await this.launcherState()).user).toBeNull();
    // No end_session_endpoint: no logout tab at Glewlwyd.
    await sleep(1000);
    expect(await this.tabsAt(this.glewlwyd.baseUrl)).toHaveLength(glewlwydTabsBefore);
    // No revocation_endpoint: the refresh token stays valid at Glewlwyd until it expires.
    const response = await redeemRefreshToken(this.glewlwyd.issuer, refreshToken as string);
    expect(response.status).toBe(200);
  }
}
