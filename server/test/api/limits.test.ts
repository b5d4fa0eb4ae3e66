/**
 * Integration: per-user collection limits and bodies that never arrive (B21).
 * Each collection is filled straight through the repositories up to one below
 * its limit (fast), then driven through the real HTTP API and sign-in pages.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ACR_MFA,
  API_BASE_PATH,
  MAX_SESSIONS_PER_USER,
  MAX_SSH_KEYS_PER_USER,
  RECOVERY_CODE_COUNT,
} from '../../../contract/constants.ts';
import {
  mfaStatusSchema,
  problemSchema,
  recoveryCodesSchema,
  sessionsResponseSchema,
  sshKeysResponseSchema,
} from '../../../contract/schemas.ts';
import { insertSshKey } from '../../src/repo/ssh-keys.ts';
import { regenerateRecoveryCodes } from '../../src/services/totp.ts';
import { callApi, waitFor } from '../api-helpers.ts';
import { createTestUser, startTestPortal, type TestPortal } from '../portal.ts';
import { signIn } from '../sign-in.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/ssh');
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');

let t: TestPortal;

beforeAll(async () => {
  t = await startTestPortal({ demoApps: false });
});
afterAll(() => t?.close());

/** A fresh user with TOTP, signed in with MFA (a recovery code as the second factor). */
async function mfaUser() {
  const user = await createTestUser(t, { totp: true });
  const [code] = (await regenerateRecoveryCodes(t.context, user.id)).recoveryCodes;
  const tokens = await signIn(t, {
    email: user.email,
    password: user.password,
    totp: code,
    acrValues: ACR_MFA,
  });
  return { ...user, token: tokens.access_token };
}

/** Sends headers and part of a body on a raw socket, then drops the connection. */
async function abortMidBody(path: string, token: string, how: 'destroy' | 'reset'): Promise<void> {
  const { hostname, port } = new URL(t.baseUrl);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const half = `{"name":"Half","publicKey":"${'A'.repeat(4000)}`;
  socket.write(
    [
      `POST ${API_BASE_PATH}${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      `Authorization: Bearer ${token}`,
      'Content-Type: application/json',
      `Content-Length: ${half.length * 2}`,
      '',
      half,
    ].join('\r\n'),
  );
  // The server answers nothing until the body is complete; give it a moment to be inside the read.
  await new Promise((resolve) => setTimeout(resolve, 200));
  if (how === 'reset') socket.resetAndDestroy();
  else socket.destroy();
}

describe('B21: per-user collection limits', () => {
  it('B21: SSH keys fill to the limit, one more is refused with collection_limit, the list still answers 200', async () => {
    const user = await mfaUser();
    // Up to one below the limit through the repository, with the shape the service stores.
    for (let i = 0; i < MAX_SSH_KEYS_PER_USER - 1; i++) {
      const stored = await insertSshKey(
        t.context.db,
        {
          id: randomUUID(),
          user_id: user.id,
          name: `Filler ${i}`,
          type: 'ssh-ed25519',
          bits: 256,
          fingerprint: `SHA256:filler${i}`,
          public_key: `ssh-ed25519 AAAA${i}`,
          created_at: i,
        },
        MAX_SSH_KEYS_PER_USER,
      );
      expect(stored).toBe(true);
    }
    const last = await callApi(t, 'POST', '/me/ssh-keys', {
      token: user.token,
      body: { name: 'Laptop', publicKey: fixture('ed25519.pub') },
    });
    expect(last.status).toBe(201);

    const oneMore = await callApi(t, 'POST', '/me/ssh-keys', {
      token: user.token,
      body: { name: 'Desktop', publicKey: fixture('ecdsa-p256.pub') },
    });
    expect(oneMore.status).toBe(409);
    expect(problemSchema.parse(oneMore.json)).toMatchObject({ status: 409, code: 'collection_limit' });
    expect(problemSchema.parse(oneMore.json).detail).toContain(String(MAX_SSH_KEYS_PER_USER));

    const list = await callApi(t, 'GET', '/me/ssh-keys', { token: user.token });
    expect(list.status).toBe(200);
    expect(sshKeysResponseSchema.parse(list.json).keys).toHaveLength(MAX_SSH_KEYS_PER_USER);
    // A duplicate at the limit is still named as a duplicate (the more useful answer).
    const duplicate = await callApi(t, 'POST', '/me/ssh-keys', {
      token: user.token,
      body: { name: 'Again', publicKey: fixture('ed25519.pub') },
    });
    expect(problemSchema.parse(duplicate.json).code).toBe('ssh_key_duplicate');
  });

  it('B21: sessions fill to the limit; signing in once more ends the least recently used one, the list still answers 200', async () => {
    const user = await createTestUser(t);
    const now = Math.floor(t.clock.now() / 1000);
    const store = t.context.repos.oidcStore;
    const fillers = Array.from({ length: MAX_SESSIONS_PER_USER - 1 }, (_, i) => `filler-${i}`);
    await t.context.db.transaction(async () => {
      for (const [i, uid] of fillers.entries()) {
        // loginTs orders them: filler-0 is the least recently used.
        await store.upsert(
          'Session',
          `session-${uid}`,
          { uid, accountId: user.id, loginTs: now - 100_000 + i },
          t.clock.now() + 3_600_000,
        );
      }
    });

    const atLimit = await signIn(t, { email: user.email, password: user.password });
    const full = await callApi(t, 'GET', '/me/sessions', { token: atLimit.access_token });
    expect(full.status).toBe(200);
    expect(sessionsResponseSchema.parse(full.json).sessions).toHaveLength(MAX_SESSIONS_PER_USER);

    const oneMore = await signIn(t, { email: user.email, password: user.password });
    const after = await callApi(t, 'GET', '/me/sessions', { token: oneMore.access_token });
    expect(after.status).toBe(200);
    const ids = sessionsResponseSchema.parse(after.json).sessions.map((s) => s.id);
    expect(ids).toHaveLength(MAX_SESSIONS_PER_USER);
    expect(ids).not.toContain('filler-0');
    expect(ids).toContain('filler-1');
    // Both real sign-ins are still live.
    expect((await callApi(t, 'GET', '/me', { token: atLimit.access_token })).status).toBe(200);
    // The limit is enforced just after the sign-in, off its path: on PostgreSQL it may land a moment later.
    await waitFor(
      () =>
        t.logs.some((line) => line.includes('audit sign_out') && line.includes('session_limit')) || undefined,
    );
  });

  it('B21: recovery codes are a fixed set: a new set replaces the old one, never adds to it', async () => {
    const user = await mfaUser();
    for (let round = 0; round < 3; round++) {
      const answer = await callApi(t, 'POST', '/me/mfa/recovery-codes', { token: user.token });
      expect(answer.status).toBe(200);
      expect(recoveryCodesSchema.parse(answer.json).recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    }
    const status = await callApi(t, 'GET', '/me/mfa', { token: user.token });
    expect(status.status).toBe(200);
    expect(mfaStatusSchema.parse(status.json).recoveryCodesRemaining).toBe(RECOVERY_CODE_COUNT);
  });
});

describe('B21: bodies that never arrive', () => {
  it('B21: an upload aborted or reset mid-body is no internal error, and the portal keeps serving', async () => {
    const user = await mfaUser();
    const logsBefore = t.logs.length;
    // Koa's fallback reports connection errors on stderr: that counts as "logged as a crash" too.
    const stderr = vi.spyOn(console, 'error');
    await abortMidBody('/me/ssh-keys', user.token, 'destroy');
    await abortMidBody('/me/ssh-keys', user.token, 'reset');
    // The negative needs a bound: by now the server has seen both connections go.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const newLines = t.logs.slice(logsBefore);
    expect(newLines.filter((line) => /error|internal/i.test(line))).toEqual([]);
    expect(stderr).not.toHaveBeenCalled();
    stderr.mockRestore();
    expect((await callApi(t, 'GET', '/me/ssh-keys', { token: user.token })).status).toBe(200);
    // Nothing half-sent was stored.
    expect(
      sshKeysResponseSchema.parse((await callApi(t, 'GET', '/me/ssh-keys', { token: user.token })).json).keys,
    ).toEqual([]);
  });

  it('B21: an oversized body sent without a length (chunked) is 413, not an internal error', async () => {
    const user = await mfaUser();
    const chunk = new TextEncoder().encode(`{"name":"${'x'.repeat(16 * 1024)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${t.baseUrl}${API_BASE_PATH}/me/ssh-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(problemSchema.parse(await response.json()).code).toBe('payload_too_large');
    expect(t.logs.filter((line) => /^(api|http) error/.test(line))).toEqual([]);
  });
});
