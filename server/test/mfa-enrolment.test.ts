/**
 * MFA as an admin requirement and as step-up for a user without a factor
 * (B7, B11), through the real pages over HTTP: a user who must have MFA and
 * has none sets up an authenticator during sign-in (QR drawn by the portal,
 * a confirming code, recovery codes once) and cannot skip it; an app asking
 * for MFA of such a user leads to the same set-up and the request completes;
 * Cancel ends the request with `access_denied`. The per-user flag is set with
 * the admin CLI (`user require-mfa`).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import * as jose from 'jose';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA, CHROME_REDIRECT_URI } from '../../contract/constants.ts';
import { runCommand } from '../src/cli.ts';
import { MESSAGES } from '../src/oidc/interactions.ts';
import { enrollConfirmedTotp, generateTotpSecret } from '../src/services/totp.ts';
import { en } from '../src/views/i18n/en.ts';
import { decodeEntities, HttpClient, type HttpResult, parseForms } from './http.ts';
import { createTestUser, freshDataDir, startTestPortal, type TestPortal } from './portal.ts';
import {
  buildAuthorizationUrl,
  completeInteraction,
  discover,
  enrolmentSecret,
  exchangeCode,
  pageKind,
  recoveryCodesOn,
  type StartedAuthorization,
  signIn,
} from './sign-in.ts';

const isRedirectUri = (location: string) => location.startsWith(CHROME_REDIRECT_URI);
/** The TOTP code of `secret`, `steps` time steps from now (each step is accepted once, B8). */
const codeFor = (secret: string, steps = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + steps * 30_000,
  });

async function submit(client: HttpClient, page: HttpResult, step: string, fields: Record<string, string>) {
  const form = parseForms(page.body, page.url).find((f) => f.action.endsWith(`/${step}`));
  if (!form) throw new Error(`no ${step} form on the page (${pageKind(page)})`);
  return client.continue(await client.postForm(form.action, { ...form.fields, ...fields }), isRedirectUri);
}

/** POSTs a step the page does not offer (what a person skipping ahead would forge), with the page's CSRF token. */
async function forge(
  client: HttpClient,
  page: HttpResult,
  step: string,
  fields: Record<string, string> = {},
) {
  const form = parseForms(page.body, page.url)[0];
  if (!form) throw new Error('no form on the page');
  const action = form.action.replace(/\/[a-z-]+$/, `/${step}`);
  return client.continue(
    await client.postForm(action, { csrf: form.fields.csrf ?? '', ...fields }),
    isRedirectUri,
  );
}

function alertText(page: HttpResult): string {
  return decodeEntities(/<div id="form-error"[^>]*>([\s\S]*?)<\/div>/.exec(page.body)?.[1]?.trim() ?? '');
}

/** Opens an authorization request and walks email and password. */
async function toAfterPassword(
  portal: TestPortal,
  client: HttpClient,
  user: { email: string; password: string },
  options: Parameters<typeof buildAuthorizationUrl>[1] = {},
): Promise<{ page: HttpResult; started: StartedAuthorization }> {
  const started = await buildAuthorizationUrl(portal, options);
  let page = await client.follow(started.url, isRedirectUri);
  page = await submit(client, page, 'email', { email: user.email });
  page = await submit(client, page, 'password', { password: user.password });
  return { page, started };
}

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('MFA required by the admin (per user, CLI)', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal({ demoApps: false });
  });
  afterAll(() => portal.close());
  // The CLI works on the portal's own database: its data folder, or its PostgreSQL database.
  const cli = (...args: string[]) =>
    runCommand(args, {
      PORTAL_DATA_DIR: portal.dataDir,
      ...(portal.context.config.databaseUrl
        ? { PORTAL_DATABASE_URL: portal.context.config.databaseUrl }
        : {}),
    });

  it('B11: user require-mfa makes a user without a factor set one up during sign-in; it cannot be skipped, the code must be valid, the recovery codes are shown once, and the tokens are MFA (amr otp)', async () => {
    const user = await createTestUser(portal);
    expect(await cli('user', 'require-mfa', user.email)).toBe(
      `${user.email} must now use a second factor; they set one up at their next sign-in.`,
    );
    expect((await portal.context.repos.users.findById(user.id))?.requireMfa).toBe(true);

    const client = new HttpClient();
    const { page: enrol, started } = await toAfterPassword(portal, client, user);
    expect(pageKind(enrol)).toBe('enrol');
    expect(enrol.body).toContain(`<h1>${en.enrol.title}</h1>`);
    expect(enrol.body).toContain(en.enrol.whyRequired);
    // The QR code is drawn by the portal: an inline SVG image, no outside service.
    const qr = /<img class="qr" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"/.exec(
      enrol.body,
    );
    expect(qr?.[2]).toBe(en.enrol.qrAlt);
    expect(Buffer.from(qr?.[1] ?? '', 'base64').toString()).toMatch(/^<svg[\s\S]*<path/);
    expect(enrol.body).not.toMatch(/src="https?:/);
    const secret = enrolmentSecret(enrol.body);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    // No way past it without a code: not "I have saved these codes", not the code page.
    const skipped = await forge(client, enrol, 'enrolment-done');
    expect(skipped.status).toBe(409);
    expect(skipped.location).toBeUndefined();
    expect(pageKind(skipped)).toBe('enrol');
    const viaCodePage = await forge(client, enrol, 'second-factor', { code: codeFor(secret) });
    expect(viaCodePage.location).toBeUndefined();
    expect(pageKind(viaCodePage)).toBe('enrol');

    // A wrong code is refused and the same key stays (a reload does not invalidate a scanned key).
    const wrongCode = codeFor(secret) === '123456' ? '654321' : '123456';
    const wrong = await submit(client, enrol, 'enrol', { code: wrongCode });
    expect(wrong.status).toBe(400);
    expect(alertText(wrong)).toBe(MESSAGES.badEnrolCode);
    expect(enrolmentSecret(wrong.body)).toBe(secret);
    expect(enrolmentSecret((await client.get(enrol.url)).body)).toBe(secret);
    expect((await portal.context.repos.mfa.getTotp(user.id))?.confirmedAt).toBeNull();

    const codes = await submit(client, enrol, 'enrol', { code: codeFor(secret) });
    expect(pageKind(codes)).toBe('enrolment-done');
    expect(codes.body).toContain(en.enrol.saved);
    const recoveryCodes = recoveryCodesOn(codes.body);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    // Shown once: the same step reloaded lists none.
    const reloaded = await client.get(enrol.url);
    expect(pageKind(reloaded)).toBe('enrolment-done');
    expect(recoveryCodesOn(reloaded.body)).toEqual([]);
    for (const code of recoveryCodes) expect(reloaded.body).not.toContain(code);

    const done = await submit(client, codes, 'enrolment-done', {});
    expect(done.location && isRedirectUri(done.location)).toBe(true);
    const tokens = await exchangeCode(
      portal,
      await discover(portal.issuer),
      done.location as string,
      started,
    );
    expect(tokens.claims.acr).toBe(ACR_MFA);
    expect(tokens.claims.amr).toContain('otp');
    expect(jose.decodeJwt(tokens.access_token).amr).toContain('otp');

    // The factor is real: the next sign-in asks for it, and a recovery code works.
    const next = await signIn(portal, { ...user, totp: recoveryCodes[0] });
    expect(next.pages).toEqual(['email', 'password', 'second-factor']);
    expect(next.claims.acr).toBe(ACR_MFA);
  });

  it('B11: a user required to use MFA after signing in sets it up at the next request of that session', async () => {
    const user = await createTestUser(portal);
    const first = await signIn(portal, user);
    expect(first.pages).toEqual(['email', 'password']);
    await cli('user', 'require-mfa', user.email);
    const enrol: { secret?: string; recoveryCodes?: string[] } = {};
    const next = await signIn(portal, { ...user, client: first.client, enrol });
    // The session proved the password: only the set-up.
    expect(next.pages).toEqual(['enrol', 'enrolment-done']);
    expect(next.claims.acr).toBe(ACR_MFA);
    expect(next.claims.sub).toBe(first.claims.sub);
  });

  it('B11: user require-mfa --off lifts the requirement; an unknown email exits 1 with a message', async () => {
    const user = await createTestUser(portal);
    await cli('user', 'require-mfa', user.email);
    expect(await cli('user', 'require-mfa', user.email, '--off')).toBe(
      `${user.email} no longer has to use a second factor.`,
    );
    expect((await portal.context.repos.users.findById(user.id))?.requireMfa).toBe(false);
    const signedIn = await signIn(portal, user);
    expect(signedIn.pages).toEqual(['email', 'password']);

    await expect(cli('user', 'require-mfa', 'nobody@example.com')).rejects.toThrow(
      'No account has the email nobody@example.com.',
    );
    const outcome = await run(
      process.execPath,
      ['--import', 'tsx', 'server/src/cli.ts', 'user', 'require-mfa', 'nobody@example.com'],
      { cwd: root, env: { ...process.env, PORTAL_DATA_DIR: freshDataDir() } },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('No account has the email nobody@example.com.');
  });
});

describe('MFA required of everyone (PORTAL_REQUIRE_MFA)', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal({ demoApps: false, config: { requireMfa: true } });
  });
  afterAll(() => portal.close());

  it('B11: a user without a factor sets one up at sign-in, then gives its code like everyone else', async () => {
    const user = await createTestUser(portal);
    const enrol: { secret?: string; recoveryCodes?: string[] } = {};
    const first = await signIn(portal, { ...user, enrol });
    expect(first.pages).toEqual(['email', 'password', 'enrol', 'enrolment-done']);
    expect(first.claims.acr).toBe(ACR_MFA);
    expect(first.claims.amr).toContain('otp');
    expect(enrol.recoveryCodes).toHaveLength(10);

    // The next time step: the enrolment used the current one (B8).
    const second = await signIn(portal, { ...user, totp: codeFor(enrol.secret as string, 1) });
    expect(second.pages).toEqual(['email', 'password', 'second-factor']);
    expect(second.claims.acr).toBe(ACR_MFA);
  });
});

describe('step-up for a user without a second factor', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal();
  });
  afterAll(() => portal.close());

  it('B7: an app asking for MFA of a user without a factor: the page says so and leads to set-up, and the request then completes with MFA', async () => {
    const user = await createTestUser(portal, { assign: ['payroll'] });
    const first = await signIn(portal, user);
    expect(first.pages).toEqual(['email', 'password']);

    const started = await buildAuthorizationUrl(portal, {
      acrValues: ACR_MFA,
      extraParams: { launch_app: 'payroll' },
    });
    const page = await first.client.follow(started.url, isRedirectUri);
    // Only the set-up: the session already proved the password.
    expect(pageKind(page)).toBe('enrol');
    expect(page.body).toContain(en.enrol.whyApp('Payroll'));
    expect(page.body).toContain('/abort"');

    const enrol: { secret?: string; recoveryCodes?: string[] } = {};
    const pages: string[] = [];
    const done = await completeInteraction(first.client, page, { ...user, enrol }, pages);
    expect(pages).toEqual(['enrol', 'enrolment-done']);
    const tokens = await exchangeCode(
      portal,
      await discover(portal.issuer),
      done.location as string,
      started,
    );
    expect(tokens.claims.acr).toBe(ACR_MFA);
    expect(tokens.claims.amr).toContain('otp');
    expect(tokens.claims.sub).toBe(first.claims.sub);
  });

  it('B7: Cancel on the step-up page ends the authorization with access_denied, a description, state and iss (RFC 9207)', async () => {
    // A password-only session, then an authenticator set up in the security centre.
    const user = await createTestUser(portal);
    const first = await signIn(portal, user);
    await enrollConfirmedTotp(portal.context, user.id, generateTotpSecret());
    const started = await buildAuthorizationUrl(portal, { acrValues: ACR_MFA });
    const stepUp = await first.client.follow(started.url, isRedirectUri);
    expect(pageKind(stepUp)).toBe('second-factor');
    const cancelled = await submit(first.client, stepUp, 'abort', {});
    expect(cancelled.location && isRedirectUri(cancelled.location)).toBe(true);
    const params = new URL(cancelled.location as string).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('error_description')).toBeTruthy();
    expect(params.get('iss')).toBe(portal.issuer);
    expect(params.get('state')).toBe(started.state);
    expect(params.get('code')).toBeNull();
  });

  it('B7: Cancel on the set-up page of a step-up ends with access_denied too, and leaves no active factor', async () => {
    const user = await createTestUser(portal);
    const first = await signIn(portal, user);
    const started = await buildAuthorizationUrl(portal, { acrValues: ACR_MFA });
    const page = await first.client.follow(started.url, isRedirectUri);
    expect(pageKind(page)).toBe('enrol');
    const cancelled = await submit(first.client, page, 'abort', {});
    const params = new URL(cancelled.location as string).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('iss')).toBe(portal.issuer);
    expect((await portal.context.repos.mfa.getTotp(user.id))?.confirmedAt ?? null).toBeNull();
  });
});
