/**
 * Integration: `/me/ssh-keys` through the API (B16) and its step-up (B11).
 * Fixtures are the SSH engineer's ssh-keygen test keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemSchema, sshKeySchema, sshKeysResponseSchema } from '../../../contract/schemas.ts';
import {
  callApi,
  signInAliceWithMfa,
  signInBeforeAuthenticator,
  signInWithPassword,
} from '../api-helpers.ts';
import { column } from '../db-helpers.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/ssh');
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');
const expected = JSON.parse(fixture('expected.json')) as Record<
  string,
  { bits: number; fingerprint: string }
>;

let t: TestPortal;
let alice: string;

beforeAll(async () => {
  t = await startTestPortal();
  alice = (await signInAliceWithMfa(t)).access_token;
});
afterAll(() => t?.close());

async function add(token: string, name: string, publicKey: string) {
  return callApi(t, 'POST', '/me/ssh-keys', { token, body: { name, publicKey } });
}

describe('SSH keys', () => {
  it('B16: an ed25519 key is added with the fingerprint ssh-keygen prints, then listed', async () => {
    const answer = await add(alice, 'Laptop', fixture('ed25519.pub'));
    expect(answer.status).toBe(201);
    const key = sshKeySchema.parse(answer.json);
    expect(key).toMatchObject({ name: 'Laptop', type: 'ssh-ed25519', ...expected.ed25519 });
    expect(answer.headers.get('location')).toBe(`/api/v1/me/ssh-keys/${key.id}`);
    const list = sshKeysResponseSchema.parse(
      (await callApi(t, 'GET', '/me/ssh-keys', { token: alice })).json,
    );
    expect(list.keys.map((k) => k.fingerprint)).toEqual([expected.ed25519?.fingerprint]);
    const rsa = sshKeySchema.parse((await add(alice, 'Build server', fixture('rsa-3072.pub'))).json);
    expect(rsa).toMatchObject({ type: 'ssh-rsa', bits: 3072 });
  });

  it('B16: a private key, RSA 2048, garbage and a duplicate are refused with clear problems', async () => {
    const cases: [string, string, number, string][] = [
      ['private key', fixture('ed25519.key'), 422, 'ssh_key_private_key'],
      ['rsa 2048', fixture('rsa-2048.pub'), 422, 'ssh_key_rsa_too_short'],
      ['garbage', 'hello, I am not a key', 422, 'ssh_key_malformed'],
      ['duplicate', fixture('ed25519.pub').replace(/\S+$/, 'other-comment'), 409, 'ssh_key_duplicate'],
    ];
    for (const [name, text, status, code] of cases) {
      const answer = await add(alice, name, text);
      expect(answer.status, name).toBe(status);
      const problem = problemSchema.parse(answer.json);
      expect(problem.code, name).toBe(code);
      expect(problem.detail, name).toBeTruthy();
      expect(problem.errors?.publicKey, name).toBeTruthy();
    }
    // A private key is never echoed back or stored.
    const privateAnswer = await add(alice, 'oops', fixture('ed25519.key'));
    expect(privateAnswer.text).not.toContain('PRIVATE KEY');
    const stored = await column(t.context.db, sql`SELECT public_key FROM ssh_keys`);
    expect(stored.join('\n')).not.toContain('PRIVATE');
    const list = sshKeysResponseSchema.parse(
      (await callApi(t, 'GET', '/me/ssh-keys', { token: alice })).json,
    );
    expect(list.keys).toHaveLength(2);
  });

  it('B11: adding or removing a key needs a fresh second factor; a stale token gets the step-up challenge', async () => {
    // A password-only token of a user with an authenticator.
    const passwordOnly = (await signInBeforeAuthenticator(t)).access_token;
    const refused = await add(passwordOnly, 'Desktop', fixture('ecdsa-p256.pub'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(
      /^Bearer error="insufficient_user_authentication", error_description="[^"\\]+", acr_values="urn:portal-launcher:acr:mfa", max_age=300$/,
    );
    // alice's second factor older than 5 minutes: her keys can be listed, not removed or added.
    t.clock.advance(301_000);
    const list = sshKeysResponseSchema.parse(
      (await callApi(t, 'GET', '/me/ssh-keys', { token: alice })).json,
    );
    const id = list.keys[0]?.id as string;
    expect((await callApi(t, 'DELETE', `/me/ssh-keys/${id}`, { token: alice })).status).toBe(401);
    const old = await add(alice, 'Desktop', fixture('ecdsa-p256.pub'));
    expect(old.status).toBe(401);
    expect(old.headers.get('www-authenticate')).toContain('max_age=300');
    t.clock.advance(-301_000);

    const fresh = (await signInAliceWithMfa(t)).access_token;
    expect((await callApi(t, 'DELETE', `/me/ssh-keys/${id}`, { token: fresh })).status).toBe(204);
    expect((await callApi(t, 'DELETE', `/me/ssh-keys/${id}`, { token: fresh })).status).toBe(404);
  });

  it("keys are per user: bob cannot see or delete alice's keys", async () => {
    const bob = (await signInWithPassword(t, 'bob')).access_token;
    const aliceKeys = sshKeysResponseSchema.parse(
      (await callApi(t, 'GET', '/me/ssh-keys', { token: alice })).json,
    );
    expect(
      sshKeysResponseSchema.parse((await callApi(t, 'GET', '/me/ssh-keys', { token: bob })).json).keys,
    ).toEqual([]);
    const id = aliceKeys.keys[0]?.id as string;
    expect((await callApi(t, 'DELETE', `/me/ssh-keys/${id}`, { token: bob })).status).toBe(404);
  });

  it('B16: a key already on another account is refused with 409 ssh_key_in_use, without naming the account', async () => {
    const bob = (await signInWithPassword(t, 'bob')).access_token;
    // alice added rsa-3072 above; bob (no authenticator, fresh sign-in) tries the same key.
    const answer = await add(bob, 'Shared', fixture('rsa-3072.pub').replace(/\S+$/, 'bob@laptop'));
    expect(answer.status).toBe(409);
    const problem = problemSchema.parse(answer.json);
    expect(problem.code).toBe('ssh_key_in_use');
    expect(problem.detail).toContain('This key is already in use on another account.');
    expect(problem.errors?.publicKey).toBe('This key is already in use on another account.');
    expect(answer.text).not.toMatch(/alice|Alice/);
    expect(
      sshKeysResponseSchema.parse((await callApi(t, 'GET', '/me/ssh-keys', { token: bob })).json).keys,
    ).toEqual([]);
    // alice re-adding her own key still hears "you already added it", not "another account".
    expect(problemSchema.parse((await add(alice, 'Again', fixture('rsa-3072.pub'))).json).code).toBe(
      'ssh_key_duplicate',
    );
    // A key nobody has goes through.
    expect((await add(bob, 'Own', fixture('rsa-4096.pub'))).status).toBe(201);
  });

  it('B11: without an authenticator, adding a key needs a recent sign-in (challenge with max_age only)', async () => {
    const bob = (await signInWithPassword(t, 'bob')).access_token;
    t.clock.advance(301_000);
    try {
      const answer = await add(bob, 'Old session', fixture('ecdsa-p384.pub'));
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(
        /^Bearer error="insufficient_user_authentication", error_description="[^"\\]+", max_age=300$/,
      );
    } finally {
      t.clock.advance(-301_000);
    }
    expect((await add(bob, 'Fresh session', fixture('ecdsa-p384.pub'))).status).toBe(201);
  });
});
