/**
 * Integration: the portal API says which language its words are in
 * (`Content-Language`, RFC 9110 §8.5), so the launcher can show its own
 * words to someone who reads another language. The reference portal speaks
 * English only, whatever the request's `Accept-Language` asks for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAUNCHER_ORIGINS, MIN_RSA_BITS } from '../../contract/constants.ts';
import { problemSchema } from '../../contract/schemas.ts';
import { MIN_RSA_BITS as PORTAL_MIN_RSA_BITS } from '../src/ssh/validate-public-key.ts';
import { callApi, signInWithPassword } from './api-helpers.ts';
import { startTestPortal, type TestPortal } from './portal.ts';

const fixtures = path.resolve(import.meta.dirname, 'fixtures/ssh');
/** What the launcher's background sends for a German page (utils/portal/language.ts). */
const GERMAN = { 'accept-language': 'de, en;q=0.5', origin: LAUNCHER_ORIGINS[0] };

let t: TestPortal;
let bobToken: string;

beforeAll(async () => {
  t = await startTestPortal();
  bobToken = (await signInWithPassword(t, 'bob')).access_token;
});
afterAll(() => t?.close());

describe('Content-Language of API answers', () => {
  it('B16: a refused RSA-2048 key is a problem answer in English, labelled Content-Language: en, for a German reader', async () => {
    const answer = await callApi(t, 'POST', '/me/ssh-keys', {
      token: bobToken,
      headers: GERMAN,
      body: { name: 'old laptop', publicKey: fs.readFileSync(path.join(fixtures, 'rsa-2048.pub'), 'utf8') },
    });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.headers.get('content-language')).toBe('en');
    const problem = problemSchema.parse(answer.json);
    expect(problem.code).toBe('ssh_key_rsa_too_short');
    // The words really are English, and name the minimum the launcher's own words name too.
    expect(problem.errors?.publicKey).toContain(`the minimum is ${MIN_RSA_BITS}`);
    // The header is CORS-safelisted: the extension's origin reads it without Access-Control-Expose-Headers.
    expect(answer.headers.get('access-control-allow-origin')).toBe(LAUNCHER_ORIGINS[0]);
  });

  it('B6: a 401 problem (no token) carries Content-Language: en too', async () => {
    const answer = await callApi(t, 'GET', '/me', { headers: GERMAN });
    expect(answer.status).toBe(401);
    expect(problemSchema.parse(answer.json).code).toBe('invalid_token');
    expect(answer.headers.get('content-language')).toBe('en');
  });

  it('C8: an unknown address and a malformed body are problems labelled en as well', async () => {
    const missing = await callApi(t, 'GET', '/no-such-thing', { token: bobToken, headers: GERMAN });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-language')).toBe('en');
    const malformed = await callApi(t, 'PATCH', '/me', {
      token: bobToken,
      headers: GERMAN,
      rawBody: '{"phone":',
    });
    expect(malformed.status).toBe(400);
    expect(problemSchema.parse(malformed.json).code).toBe('malformed_json');
    expect(malformed.headers.get('content-language')).toBe('en');
  });

  it('a successful answer says its language too (its texts, such as profile labels, are English)', async () => {
    const answer = await callApi(t, 'GET', '/me', { token: bobToken, headers: GERMAN });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-language')).toBe('en');
  });

  it('the portal and the launcher share one minimum RSA size', () => {
    expect(PORTAL_MIN_RSA_BITS).toBe(MIN_RSA_BITS);
    expect(MIN_RSA_BITS).toBe(3072);
  });
});
