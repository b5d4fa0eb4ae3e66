/**
 * Helpers for the portal API's integration tests: a small JSON client for
 * `/api/v1` and sign-in shortcuts for the demo users. Portals come from the
 * one fixture in portal.ts.
 */
import { ACR_MFA, API_BASE_PATH } from '../../contract/constants.ts';
import type { RunningPortal } from '../src/app.ts';
import { createUser } from '../src/services/accounts.ts';
import { enrollConfirmedTotp, generateTotpSecret, regenerateRecoveryCodes } from '../src/services/totp.ts';
import type { TestPortal } from './portal.ts';
import { type SignInResult, signIn } from './sign-in.ts';

/** An API answer with its JSON body parsed (when there is one). */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Calls `/api/v1{path}` with an optional bearer token and JSON body. */
export async function callApi(
  portal: Pick<RunningPortal, 'issuer'>,
  method: string,
  apiPath: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string | Uint8Array;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${portal.issuer}${API_BASE_PATH}${apiPath}`, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const recoveryCodes = new WeakMap<TestPortal, string[]>();

/**
 * Signs alice in with password and a second factor (MFA). Each TOTP time step
 * is accepted once per user (B8), and tests sign in many times within one
 * step, so the second factor here is one of alice's recovery codes (single
 * use, issued once per portal through the TOTP service).
 */
export async function signInAliceWithMfa(
  t: TestPortal,
  extra: { maxAge?: number } = {},
): Promise<SignInResult> {
  const demo = t.demo;
  if (!demo) throw new Error('The test portal was started without demo data.');
  let codes = recoveryCodes.get(t);
  if (!codes?.length) {
    const alice = await t.context.repos.users.findByEmail(demo.alice.email);
    if (!alice) throw new Error('alice is missing from the demo data.');
    codes = (await regenerateRecoveryCodes(t.context, alice.id)).recoveryCodes;
    recoveryCodes.set(t, codes);
  }
  return signIn(t, {
    email: demo.alice.email,
    password: demo.alice.password,
    totp: codes.shift(),
    acrValues: ACR_MFA,
    ...extra,
  });
}

let beforeAuthenticatorCount = 0;

/**
 * A password-only token of a user who has an authenticator: signed in with the password,
 * then set up the authenticator (in the security centre). Since a user with a second
 * factor gives it at every sign-in (B7), this is how such a user holds a token below MFA.
 */
export async function signInBeforeAuthenticator(t: TestPortal): Promise<SignInResult & { userId: string }> {
  beforeAuthenticatorCount += 1;
  const email = `before-authenticator-${process.pid}-${beforeAuthenticatorCount}@example.com`;
  const password = `a passphrase for ${email}`;
  const user = await createUser(t.context, { email, password });
  const signedIn = await signIn(t, { email, password });
  await enrollConfirmedTotp(t.context, user.id, generateTotpSecret());
  return { ...signedIn, userId: user.id };
}

/** Signs a demo user in with the password only (bob: alice gives her code at every sign-in). */
export async function signInWithPassword(t: TestPortal, who: 'bob'): Promise<SignInResult> {
  const demo = t.demo;
  if (!demo) throw new Error('The test portal was started without demo data.');
  return signIn(t, { email: demo[who].email, password: demo[who].password });
}

/** Waits until `check` returns a value (mail is sent without being awaited). */
export async function waitFor<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('Timed out waiting.');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// Mail readers live in mails.ts (no server imports: the e2e tests use them too).
export { decodeQuotedPrintable, findResetLink, readMails } from './mails.ts';
