/**
 * Test helpers of the passkey server tests (passkeys.test.ts,
 * passkey-enrolment.test.ts): register a passkey through the real page, walk
 * a sign-in to its second factor, answer a passkey block with the software
 * authenticator, and read the claims a finished sign-in gives.
 */
import { expect } from 'vitest';
import { CHROME_REDIRECT_URI } from '../../contract/constants.ts';
import { callApi } from './api-helpers.ts';
import { HttpClient, type HttpResult, parseForms } from './http.ts';
import type { TestPortal } from './portal.ts';
import { buildAuthorizationUrl, discover, exchangeCode } from './sign-in.ts';
import { type Bend, passkeyDataOn, type SoftAuthenticator } from './soft-authenticator.ts';

/** Whether a redirect goes to the launcher's redirect URI (the end of a sign-in). */
export const isRedirectUri = (location: string) => location.startsWith(CHROME_REDIRECT_URI);

/** Registers a passkey for the holder of `token` through the real page; returns the page's answer. */
export async function registerPasskey(
  t: TestPortal,
  token: string,
  authenticator: SoftAuthenticator,
  options: { name?: string; bend?: Bend; client?: HttpClient } = {},
): Promise<HttpResult> {
  const ticket = await callApi(t, 'POST', '/me/passkeys/registrations', { token });
  expect(ticket.status, ticket.text).toBe(201);
  const client = options.client ?? new HttpClient();
  const page = await client.follow((ticket.json as { url: string }).url);
  expect(page.status, page.body).toBe(200);
  const data = passkeyDataOn(page.body);
  expect(data.mode).toBe('register');
  const answer = authenticator.register(data.options as never, options.bend);
  return client.postForm(`${t.issuer}/passkeys/register`, {
    name: options.name ?? 'Test key',
    response: JSON.stringify(answer),
  });
}

/** Drives a sign-in up to the second-factor page; returns the client and that page. */
export async function toSecondFactor(
  t: TestPortal,
  who: { email: string; password: string },
  acrValues?: string,
) {
  const client = new HttpClient();
  const started = await buildAuthorizationUrl(t, { acrValues });
  let page = await client.continue(await client.get(started.url));
  const form = (kind: string) => parseForms(page.body, page.url).find((f) => f.action.endsWith(`/${kind}`));
  const email = form('email');
  if (!email) throw new Error(`no email page: ${page.status}`);
  page = await client.continue(await client.postForm(email.action, { ...email.fields, email: who.email }));
  const password = form('password');
  if (!password) throw new Error('no password page');
  page = await client.continue(
    await client.postForm(password.action, { ...password.fields, password: who.password }),
    isRedirectUri,
  );
  return { client, page, started };
}

/** Answers the passkey block of `page` with `authenticator` (bent as asked). */
export async function answerPasskey(
  client: HttpClient,
  page: HttpResult,
  authenticator: SoftAuthenticator,
  bend: Bend = {},
  step = 'passkey',
): Promise<{ result: HttpResult; answer: Record<string, unknown> }> {
  const form = parseForms(page.body, page.url).find((f) => f.action.endsWith(`/${step}`));
  if (!form) throw new Error(`no ${step} form on the page (status ${page.status})`);
  const answer = authenticator.authenticate(passkeyDataOn(page.body).options as never, bend);
  const result = await client.postForm(form.action, { ...form.fields, response: JSON.stringify(answer) });
  return { result, answer };
}

/** Follows `result` to the redirect URI and exchanges the code; the ID token's claims. */
export async function claimsAfter(
  t: TestPortal,
  client: HttpClient,
  result: HttpResult,
  started: Awaited<ReturnType<typeof buildAuthorizationUrl>>,
) {
  const redirect = await client.continue(result, isRedirectUri);
  expect(redirect.location, redirect.body.slice(0, 400)).toMatch(/^https:\/\/[a-z]+\.chromiumapp\.org\//);
  return (await exchangeCode(t, await discover(t.issuer), redirect.location as string, started)).claims;
}
