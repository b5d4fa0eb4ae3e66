/**
 * Integration: push approvals with number matching (issue 13) through the
 * real sign-in pages and the API — B15 (bound to one sign-in, ≤ 2 minutes,
 * single use, rate-limited, number checked on the portal) and A15 (the
 * answer is an ECDSA P-256 signature over the prompt, the number and the
 * decision, verified with the device's registered public key; removal works
 * at once). Device keys are made with WebCrypto, non-extractable, like the
 * launcher's.
 */
import { webcrypto } from 'node:crypto';
import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../../contract/constants.ts';
import {
  approverSchema,
  approversResponseSchema,
  MAX_APPROVERS_PER_USER,
  PUSH_PROMPT_LIFETIME_SECONDS,
  PUSH_PROMPTS_PER_WINDOW,
  type PushDecision,
  pushAnswerMessage,
  pushPromptsResponseSchema,
} from '../../../contract/push.ts';
import { callApi, signInBeforeAuthenticator } from '../api-helpers.ts';
import { column } from '../db-helpers.ts';
import { HttpClient, type HttpResult, parseForms, textByTestId } from '../http.ts';
import { createTestUser, startTestPortal, type TestPortal } from '../portal.ts';
import { openPromptStream as openStream, type PromptStream } from '../push-stream.ts';
import { buildAuthorizationUrl, discover, exchangeCode, pageKind, signIn } from '../sign-in.ts';

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const isRedirectUri = (location: string) =>
  location.startsWith('https://') && location.includes('chromiumapp.org');

let t: TestPortal;
beforeAll(async () => {
  t = await startTestPortal();
});
afterAll(() => t?.close());

interface Device {
  id: string;
  keys: webcrypto.CryptoKeyPair;
}

/** A user with an authenticator, signed in with MFA (a launcher's token). */
async function employee() {
  const user = await createTestUser(t, { totp: true });
  const signedIn = await signIn(t, { ...user, acrValues: ACR_MFA });
  return { ...user, token: signedIn.access_token };
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
}

async function publicJwk(keys: webcrypto.CryptoKeyPair) {
  return webcrypto.subtle.exportKey('jwk', keys.publicKey);
}

async function enrol(
  token: string,
  name = 'Chrome on Linux',
  keys?: webcrypto.CryptoKeyPair,
): Promise<Device> {
  const pair = keys ?? (await newKeys());
  const answer = await callApi(t, 'POST', '/me/approvers', {
    token,
    body: { name, publicKey: await publicJwk(pair) },
  });
  expect(answer.status, answer.text).toBe(201);
  return { id: approverSchema.parse(answer.json).id, keys: pair };
}

async function sign(
  keys: webcrypto.CryptoKeyPair,
  promptId: string,
  number: number | null,
  decision: PushDecision,
) {
  const signature = await webcrypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    keys.privateKey,
    pushAnswerMessage(promptId, number, decision),
  );
  return Buffer.from(signature).toString('base64url');
}

async function answer(
  token: string,
  device: Device,
  promptId: string,
  number: number | null,
  decision: PushDecision,
  override: { signature?: string; number?: number | null; decision?: PushDecision } = {},
) {
  const signature = override.signature ?? (await sign(device.keys, promptId, number, decision));
  return callApi(t, 'POST', `/me/push/prompts/${promptId}/answer`, {
    token,
    body: {
      deviceId: device.id,
      decision: override.decision ?? decision,
      number: 'number' in override ? override.number : number,
      signature,
    },
  });
}

/** A sign-in in another browser, driven through email and password to the second-factor page. */
async function signInElsewhere(user: { email: string; password: string }) {
  const client = new HttpClient({ headers: { 'user-agent': FIREFOX_WINDOWS } });
  const started = await buildAuthorizationUrl(t, { acrValues: ACR_MFA });
  let page = await client.continue(await client.get(started.url));
  for (let step = 0; step < 4 && pageKind(page) !== 'second-factor'; step++) {
    const kind = pageKind(page);
    const form = parseForms(page.body, page.url).find((f) => f.action.endsWith(`/${kind}`));
    if (!form) throw new Error(`No form on the ${kind} page`);
    const fields = {
      ...form.fields,
      ...(kind === 'email' ? { email: user.email } : { password: user.password }),
    };
    page = await client.continue(await client.postForm(form.action, fields));
  }
  expect(pageKind(page)).toBe('second-factor');
  const base = page.url.replace(/\/$/, '').replace(/(\/interaction\/[^/]+).*$/, '$1');
  const csrf = parseForms(page.body, page.url)[0]?.fields.csrf as string;
  return { client, started, base, csrf, page };
}

type Elsewhere = Awaited<ReturnType<typeof signInElsewhere>>;

/** Presses a button of the sign-in (`push-send`, `push-complete`, …) and follows redirects. */
async function press(s: Elsewhere, step: string): Promise<HttpResult> {
  return s.client.continue(await s.client.postForm(`${s.base}/${step}`, { csrf: s.csrf }), isRedirectUri);
}

/** "Send a prompt to my launcher": the number the page shows. */
async function sendPrompt(s: Elsewhere): Promise<number> {
  const page = await press(s, 'push-send');
  const shown = textByTestId(page.body, 'push-number');
  expect(shown, page.body).toMatch(/^\d\d$/);
  return Number(shown);
}

async function prompts(token: string) {
  const listed = await callApi(t, 'GET', '/me/push/prompts', { token });
  expect(listed.status).toBe(200);
  return pushPromptsResponseSchema.parse(listed.json).prompts;
}

/** Finishes the sign-in after an approval; the ID token's claims. */
async function finish(s: Elsewhere) {
  const result = await press(s, 'push-complete');
  expect(result.location && isRedirectUri(result.location), result.body).toBeTruthy();
  return (await exchangeCode(t, await discover(t.issuer), result.location as string, s.started)).claims;
}

/** The push stream of a launcher's token, checked to be an event stream. */
async function openPromptStream(token: string): Promise<PromptStream> {
  const stream = await openStream(t.issuer, token);
  expect(stream.response.status).toBe(200);
  expect(stream.response.headers.get('content-type')).toContain('text/event-stream');
  return stream;
}

async function auditEvents(userId: string): Promise<string[]> {
  return (await t.context.repos.audit.list({ userId, limit: 200 })).map((entry) => entry.event);
}

describe('approver devices', () => {
  it('A15/B11: enrolling needs a fresh second factor; only a P-256 public key is taken; the list shows it', async () => {
    const stale = await signInBeforeAuthenticator(t);
    const refused = await callApi(t, 'POST', '/me/approvers', {
      token: stale.access_token,
      body: { name: 'Chrome on Linux', publicKey: await publicJwk(await newKeys()) },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('insufficient_user_authentication');

    const alice = await employee();
    const extractable = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
    ]);
    const privateJwk = await webcrypto.subtle.exportKey('jwk', extractable.privateKey);
    const withPrivate = await callApi(t, 'POST', '/me/approvers', {
      token: alice.token,
      body: { name: 'Leaky', publicKey: privateJwk },
    });
    expect(withPrivate.status).toBe(422);
    const offCurve = await callApi(t, 'POST', '/me/approvers', {
      token: alice.token,
      body: { name: 'Bad', publicKey: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) } },
    });
    expect(offCurve.status).toBe(422);
    expect((offCurve.json as { code: string }).code).toBe('approver_key_invalid');

    const device = await enrol(alice.token);
    const listed = approversResponseSchema.parse(
      (await callApi(t, 'GET', '/me/approvers', { token: alice.token })).json,
    );
    expect(listed.approvers).toEqual([
      expect.objectContaining({ id: device.id, name: 'Chrome on Linux', lastUsedAt: null }),
    ]);
    const stored = await column(
      t.context.db,
      sql`SELECT public_key_jwk FROM approver_devices WHERE id = ${device.id}`,
    );
    // The row holds the public half only.
    expect(Object.keys(JSON.parse(stored[0] as string)).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(await auditEvents(alice.id)).toContain('push.approver_added');
  });

  it(`B21: at most ${MAX_APPROVERS_PER_USER} approver devices; one more is a clear 409 and the list still answers`, async () => {
    const user = await employee();
    for (let i = 0; i < MAX_APPROVERS_PER_USER; i++) await enrol(user.token, `Device ${i}`);
    const over = await callApi(t, 'POST', '/me/approvers', {
      token: user.token,
      body: { name: 'One more', publicKey: await publicJwk(await newKeys()) },
    });
    expect(over.status).toBe(409);
    expect((over.json as { code: string }).code).toBe('collection_limit');
    const listed = await callApi(t, 'GET', '/me/approvers', { token: user.token });
    expect(listed.status).toBe(200);
    expect(approversResponseSchema.parse(listed.json).approvers).toHaveLength(MAX_APPROVERS_PER_USER);
  });
});

describe('push prompts', () => {
  it('B15: the prompt reaches the approver with three numbers, one of them on the page; the right one lets the sign-in in with amr push', async () => {
    const user = await employee();
    const device = await enrol(user.token);
    const elsewhere = await signInElsewhere(user);
    expect(elsewhere.page.body).toContain('push-send');
    const number = await sendPrompt(elsewhere);

    const [prompt, ...others] = await prompts(user.token);
    expect(others).toEqual([]);
    expect(prompt?.choices).toContain(number);
    expect(new Set(prompt?.choices).size).toBe(3);
    expect(prompt?.browser).toBe('Firefox 128 on Windows 10');
    const lifetime = Date.parse(prompt?.expiresAt as string) - Date.parse(prompt?.createdAt as string);
    expect(lifetime).toBe(PUSH_PROMPT_LIFETIME_SECONDS * 1000);
    expect(lifetime).toBeLessThanOrEqual(120_000);

    const approved = await answer(user.token, device, prompt?.id as string, number, 'approve');
    expect(approved.json).toEqual({ outcome: 'approved' });
    // Withdrawn from every approver once answered.
    expect(await prompts(user.token)).toEqual([]);
    const claims = await finish(elsewhere);
    expect(claims.amr).toEqual(expect.arrayContaining(['push', 'mfa']));
    expect(claims.acr).toBe(ACR_MFA);
    const listed = approversResponseSchema.parse(
      (await callApi(t, 'GET', '/me/approvers', { token: user.token })).json,
    );
    expect(listed.approvers[0]?.lastUsedAt).not.toBeNull();
    expect(await auditEvents(user.id)).toEqual(expect.arrayContaining(['push.sent', 'push.approved']));
  });

  it('B15: the server-sent event stream delivers the prompt and withdraws it when answered', async () => {
    const user = await employee();
    const device = await enrol(user.token);
    const stream = await openPromptStream(user.token);
    try {
      expect(await stream.next()).toEqual([]);
      const elsewhere = await signInElsewhere(user);
      const number = await sendPrompt(elsewhere);
      const [prompt] = await stream.next();
      expect(prompt?.choices).toContain(number);
      await answer(user.token, device, prompt?.id as string, number, 'approve');
      expect(await stream.next()).toEqual([]);
    } finally {
      stream.close();
    }
  });

  it('B15: the prompt goes to every approver of the person and is withdrawn from all when one answers', async () => {
    const user = await employee();
    // Two launchers (two sign-ins, two tokens), each enrolled with its own key and listening.
    const laptop = { token: user.token, device: await enrol(user.token, 'Chrome on Linux') };
    // The second sign-in uses the next TOTP step: each step is taken once (B8). The portal's
    // clock goes back at the end: left 31 s ahead, it refuses a code made on real time in the last
    // second of a step (two steps apart, outside its ±1 window), which later tests' sign-ins hit.
    t.clock.advance(31_000);
    try {
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(user.totpSecret) }).generate({
        timestamp: t.clock.now(),
      });
      const secondToken = (await signIn(t, { ...user, totp, acrValues: ACR_MFA })).access_token;
      const desktop = { token: secondToken, device: await enrol(secondToken, 'Firefox on Windows') };
      const streams = [await openPromptStream(laptop.token), await openPromptStream(desktop.token)];
      try {
        for (const stream of streams) expect(await stream.next()).toEqual([]);
        const number = await sendPrompt(await signInElsewhere(user));
        const [onLaptop] = await (streams[0] as PromptStream).next();
        const [onDesktop] = await (streams[1] as PromptStream).next();
        expect(onLaptop?.id).toBeDefined();
        expect(onDesktop?.id).toBe(onLaptop?.id);
        // The desktop answers; the laptop's stream drops the prompt at once.
        const answered = await answer(
          desktop.token,
          desktop.device,
          onDesktop?.id as string,
          number,
          'approve',
        );
        expect(answered.status, answered.text).toBe(200);
        expect(await (streams[0] as PromptStream).next()).toEqual([]);
        expect(await (streams[1] as PromptStream).next()).toEqual([]);
        // And the laptop can no longer answer it.
        const late = await answer(laptop.token, laptop.device, onLaptop?.id as string, number, 'approve');
        expect(late.status).toBe(409);
      } finally {
        for (const stream of streams) stream.close();
      }
    } finally {
      t.clock.advance(-31_000);
    }
  });

  it('B15: an approval is bound to its sign-in: another pending sign-in of the same person cannot use it', async () => {
    const user = await employee();
    const device = await enrol(user.token);
    const first = await signInElsewhere(user);
    const second = await signInElsewhere(user);
    const number = await sendPrompt(first);
    const [prompt] = await prompts(user.token);
    await answer(user.token, device, prompt?.id as string, number, 'approve');
    // The other sign-in has no prompt of its own: pressing "continue" leaves it at the code page.
    const other = await press(second, 'push-complete');
    expect(other.location).toBeUndefined();
    expect(pageKind(other)).toBe('second-factor');
    // Another person's launcher cannot answer it either.
    const stranger = await employee();
    const strangerDevice = await enrol(stranger.token);
    const foreign = await answer(stranger.token, strangerDevice, prompt?.id as string, number, 'approve');
    expect(foreign.status).toBe(404);
    expect((await finish(first)).amr).toContain('push');
  });

  it('B15: a prompt lives at most 2 minutes: an expired prompt cannot be approved, an approval cannot be used after it', async () => {
    const user = await employee();
    const device = await enrol(user.token);
    const elsewhere = await signInElsewhere(user);
    const number = await sendPrompt(elsewhere);
    const [prompt] = await prompts(user.token);
    t.clock.advance(PUSH_PROMPT_LIFETIME_SECONDS * 1000 + 1000);
    try {
      expect(await prompts(user.token)).toEqual([]);
      const late = await answer(user.token, device, prompt?.id as string, number, 'approve');
      expect(late.status).toBe(409);
      expect((late.json as { code: string }).code).toBe('push_prompt_gone');
      const page = await press(elsewhere, 'push-complete');
      expect(pageKind(page)).toBe('second-factor');
      expect(page.body).toContain('The prompt expired');
    } finally {
      t.clock.advance(-(PUSH_PROMPT_LIFETIME_SECONDS * 1000 + 1000));
    }

    // Approved in time, but the sign-in comes back only after the two minutes: refused.
    const again = await sendPrompt(elsewhere);
    const [second] = await prompts(user.token);
    expect((await answer(user.token, device, second?.id as string, again, 'approve')).status).toBe(200);
    t.clock.advance(PUSH_PROMPT_LIFETIME_SECONDS * 1000 + 1000);
    try {
      const page = await press(elsewhere, 'push-complete');
      expect(page.location).toBeUndefined();
      expect(pageKind(page)).toBe('second-factor');
    } finally {
      t.clock.advance(-(PUSH_PROMPT_LIFETIME_SECONDS * 1000 + 1000));
    }
  });

  it('B15: single use: a replayed answer is refused, a resend withdraws the earlier prompt, an approval finishes one sign-in once', async () => {
    const user = await employee();
    const device = await enrol(user.token);
    const elsewhere = await signInElsewhere(user);
    const firstNumber = await sendPrompt(elsewhere);
    const [first] = await prompts(user.token);
    const number = await sendPrompt(elsewhere);
    const pending = await prompts(user.token);
    expect(pending.map((p) => p.id)).not.toContain(first?.id);
    const withdrawn = await answer(user.token, device, first?.id as string, firstNumber, 'approve');
    expect(withdrawn.status).toBe(409);

    const prompt = pending[0];
    const body = await answer(user.token, device, prompt?.id as string, number, 'approve');
    expect(body.status).toBe(200);
    const replay = await answer(user.token, device, prompt?.id as string, number, 'approve');
    expect(replay.status).toBe(409);
    expect((replay.json as { code: string }).code).toBe('push_prompt_gone');

    expect((await finish(elsewhere)).amr).toContain('push');
    const twice = await press(elsewhere, 'push-complete');
    expect(twice.location && isRedirectUri(twice.location)).toBeFalsy();
  });

  it(`B15: rate-limited per person: at most ${PUSH_PROMPTS_PER_WINDOW} prompts in 10 minutes`, async () => {
    const user = await employee();
    await enrol(user.token);
    const elsewhere = await signInElsewhere(user);
    for (let i = 0; i < PUSH_PROMPTS_PER_WINDOW; i++) await sendPrompt(elsewhere);
    const other = await signInElsewhere(user);
    const refused = await press(other, 'push-send');
    expect(textByTestId(refused.body, 'push-number')).toBeUndefined();
    expect(refused.body).toContain('Too many prompts');
    expect(await auditEvents(user.id)).toContain('push.rate_limited');
  });

  it('B15: a wrong number refuses and counts as a failure; Deny refuses', async () => {
    const user = await employee();
    const device = await enrol(user.token);
    const elsewhere = await signInElsewhere(user);
    const number = await sendPrompt(elsewhere);
    const [prompt] = await prompts(user.token);
    const wrong = (prompt?.choices ?? []).find((choice) => choice !== number) as number;
    const before =
      (await t.context.repos.loginFailures.get(`account:${user.email.toLowerCase()}`))?.failures ?? 0;
    const refused = await answer(user.token, device, prompt?.id as string, wrong, 'approve');
    expect(refused.json).toEqual({ outcome: 'wrong_number' });
    const after =
      (await t.context.repos.loginFailures.get(`account:${user.email.toLowerCase()}`))?.failures ?? 0;
    expect(after).toBe(before + 1);
    const page = await press(elsewhere, 'push-complete');
    expect(pageKind(page)).toBe('second-factor');
    expect(page.body).toContain('refused on your launcher');

    await sendPrompt(elsewhere);
    const [next] = await prompts(user.token);
    expect((await answer(user.token, device, next?.id as string, null, 'deny')).json).toEqual({
      outcome: 'denied',
    });
    expect(pageKind(await press(elsewhere, 'push-complete'))).toBe('second-factor');
    expect(await auditEvents(user.id)).toEqual(expect.arrayContaining(['push.wrong_number', 'push.denied']));
  });

  it('B15/B17: "This wasn\'t me" refuses, is in the audit log, and ends that sign-in (its password is asked again)', async () => {
    const user = await employee();
    const device = await enrol(user.token);
    const elsewhere = await signInElsewhere(user);
    await sendPrompt(elsewhere);
    const [prompt] = await prompts(user.token);
    expect((await answer(user.token, device, prompt?.id as string, null, 'not_me')).json).toEqual({
      outcome: 'reported',
    });
    const stopped = await press(elsewhere, 'push-complete');
    expect(stopped.status).toBe(403);
    expect(stopped.body).toContain('was not them');
    const restarted = await elsewhere.client.get(elsewhere.base);
    expect(pageKind(restarted)).toBe('password');
    const reported = (await t.context.repos.audit.list({ userId: user.id, limit: 50 })).find(
      (e) => e.event === 'push.reported',
    );
    expect(reported?.details).toMatchObject({
      promptId: prompt?.id,
      signInBrowser: 'Firefox 128 on Windows 10',
    });
  });
});

describe('signed answers', () => {
  it('A15: the signature covers the prompt, the number and the decision; a changed field or another key is refused', async () => {
    const user = await employee();
    const device = await enrol(user.token);
    const elsewhere = await signInElsewhere(user);
    const number = await sendPrompt(elsewhere);
    const [prompt] = await prompts(user.token);
    const id = prompt?.id as string;
    const other = (prompt?.choices ?? []).find((choice) => choice !== number) as number;

    const cases: [string, ReturnType<typeof answer>][] = [
      ['decision changed', answer(user.token, device, id, number, 'deny', { decision: 'approve', number })],
      ['number changed', answer(user.token, device, id, other, 'approve', { number })],
      [
        'signed for another prompt',
        answer(user.token, device, id, number, 'approve', {
          signature: await sign(device.keys, 'another-prompt', number, 'approve'),
        }),
      ],
      [
        'signed by another key',
        answer(user.token, { ...device, keys: await newKeys() }, id, number, 'approve'),
      ],
    ];
    for (const [name, pending] of cases) {
      const refused = await pending;
      expect(refused.status, name).toBe(403);
      expect((refused.json as { code: string }).code, name).toBe('push_signature_invalid');
    }
    const malformed = await answer(user.token, device, id, number, 'approve', {
      signature: 'not-a-signature',
    });
    expect(malformed.status).toBe(422);
    // None of the refused answers used the prompt up: the honest one still goes through.
    expect((await answer(user.token, device, id, number, 'approve')).json).toEqual({ outcome: 'approved' });
    expect(await auditEvents(user.id)).toContain('push.signature_refused');
  });

  it('A15: removing a device takes effect at once: its next answer is refused and it leaves the list', async () => {
    const user = await employee();
    const device = await enrol(user.token);
    const kept = await enrol(user.token, 'Firefox on Linux');
    const elsewhere = await signInElsewhere(user);
    const number = await sendPrompt(elsewhere);
    const [prompt] = await prompts(user.token);
    expect((await callApi(t, 'DELETE', `/me/approvers/${device.id}`, { token: user.token })).status).toBe(
      204,
    );
    const refused = await answer(user.token, device, prompt?.id as string, number, 'approve');
    expect(refused.status).toBe(403);
    const listed = approversResponseSchema.parse(
      (await callApi(t, 'GET', '/me/approvers', { token: user.token })).json,
    );
    expect(listed.approvers.map((a) => a.id)).toEqual([kept.id]);
    expect((await callApi(t, 'DELETE', `/me/approvers/${device.id}`, { token: user.token })).status).toBe(
      404,
    );
    expect(await auditEvents(user.id)).toContain('push.approver_removed');
    // The prompt is still open for the device that remains.
    expect((await answer(user.token, kept, prompt?.id as string, number, 'approve')).json).toEqual({
      outcome: 'approved',
    });
  });
});
