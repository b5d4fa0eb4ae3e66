import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createAccountApi, type PortalRequest } from './account-api.ts';
import { createPortalApi, PortalApiError, StepUpRequiredError } from './api-client.ts';

interface Call {
  method: string;
  path: string;
  body: unknown;
}

/** A request function that records each call and answers through the given schema (as the real client does). */
function fakeRequest(answers: Record<string, unknown>): { request: PortalRequest; calls: Call[] } {
  const calls: Call[] = [];
  const request = async <T>(
    method: string,
    path: string,
    schema: z.core.$ZodType<T>,
    body?: unknown,
  ): Promise<T> => {
    calls.push({ method, path, body });
    return z.parse(schema, answers[`${method} ${path}`]);
  };
  return { request, calls };
}

const key = {
  id: 'k1',
  name: 'laptop',
  type: 'ssh-ed25519',
  bits: 256,
  fingerprint: 'SHA256:abc',
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('account API', () => {
  it('sends each call to its endpoint with the validated body', async () => {
    const { request, calls } = fakeRequest({
      'POST /me/ssh-keys': key,
      'DELETE /me/ssh-keys/a%2Fb': undefined,
      'DELETE /me/sessions?others=true': undefined,
      'POST /me/password': undefined,
      'POST /me/mfa/totp/confirm': { recoveryCodes: Array.from({ length: 10 }, (_, i) => `code-${i}`) },
      'POST /password-reset': { message: 'If an account uses this address, we sent it a link.' },
    });
    const api = createAccountApi(request);
    expect(await api.addSshKey({ name: ' laptop ', publicKey: 'ssh-ed25519 AAAA x' })).toEqual(key);
    await api.deleteSshKey('a/b');
    await api.endOtherSessions();
    await api.changePassword({ currentPassword: 'old', newPassword: 'new password' });
    expect((await api.confirmTotpEnrollment('123456')).recoveryCodes).toHaveLength(10);
    expect(await api.requestPasswordReset('bob@example.com')).toContain('If an account');
    expect(calls).toEqual([
      { method: 'POST', path: '/me/ssh-keys', body: { name: 'laptop', publicKey: 'ssh-ed25519 AAAA x' } },
      // An id cannot escape its path segment.
      { method: 'DELETE', path: '/me/ssh-keys/a%2Fb', body: undefined },
      { method: 'DELETE', path: '/me/sessions?others=true', body: undefined },
      { method: 'POST', path: '/me/password', body: { currentPassword: 'old', newPassword: 'new password' } },
      { method: 'POST', path: '/me/mfa/totp/confirm', body: { code: '123456' } },
      { method: 'POST', path: '/password-reset', body: { email: 'bob@example.com' } },
    ]);
  });

  it('C8: refuses a malformed body before sending it', async () => {
    const { request, calls } = fakeRequest({});
    const api = createAccountApi(request);
    await expect(api.confirmTotpEnrollment('12a456')).rejects.toThrow('Enter the 6-digit code.');
    await expect(api.updateMe({})).rejects.toThrow('Nothing to update.');
    expect(calls).toHaveLength(0);
  });

  it('C8: an answer that breaks the contract is an error, not data', async () => {
    const { request } = fakeRequest({ 'GET /me/ssh-keys': { keys: [{ ...key, fingerprint: 'MD5:aa' }] } });
    await expect(createAccountApi(request).listSshKeys()).rejects.toThrow();
  });

  it('unwraps list answers', async () => {
    const { request } = fakeRequest({
      'GET /me/ssh-keys': { keys: [key] },
      'GET /me/sessions': { sessions: [] },
      'GET /downloads': { downloads: [] },
    });
    const api = createAccountApi(request);
    expect(await api.listSshKeys()).toEqual([key]);
    expect(await api.listSessions()).toEqual([]);
    expect(await api.listDownloads()).toEqual([]);
  });
});

describe('account API over the portal client (utils/portal/api-client.ts)', () => {
  const ISSUER = 'https://portal.example.test';

  /** An injected fetch answering one response per call, recording what was asked. */
  function portalAnswering(...responses: Array<() => Response>) {
    const calls: { method: string; url: string; body: string | null }[] = [];
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ method: init?.method ?? 'GET', url: String(input), body: (init?.body as string) ?? null });
      const next = responses.shift();
      if (!next) throw new Error('unexpected request');
      return next();
    }) as typeof globalThis.fetch;
    const client = createPortalApi({
      issuer: ISSUER,
      getAccessToken: async () => 'access-token',
      refreshAccessToken: async () => 'refreshed-token',
      fetch,
    });
    return { api: createAccountApi(client.request), calls };
  }

  it('a 204 answer resolves without a body', async () => {
    const { api, calls } = portalAnswering(() => new Response(null, { status: 204 }));
    await expect(api.deleteSshKey('k1')).resolves.toBeUndefined();
    expect(calls).toEqual([{ method: 'DELETE', url: `${ISSUER}/api/v1/me/ssh-keys/k1`, body: null }]);
  });

  it('B11: an RFC 9470 challenge with max_age and no acr_values asks for a recent sign-in only', async () => {
    const { api } = portalAnswering(
      () =>
        new Response(JSON.stringify({ title: 'Sign-in required', status: 401 }), {
          status: 401,
          headers: {
            'content-type': 'application/problem+json',
            'www-authenticate':
              'Bearer error="insufficient_user_authentication", error_description="A more recent authentication is required.", max_age=300',
          },
        }),
    );
    const error = await api.addSshKey({ name: 'k', publicKey: 'ssh-ed25519 AAAA' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepUpRequiredError);
    expect((error as StepUpRequiredError).requirement).toEqual({ acrValues: [], maxAge: 300 });
  });

  it('a 422 problem keeps its code and field errors for the handlers', async () => {
    const { api } = portalAnswering(
      () =>
        new Response(
          JSON.stringify({
            type: 'about:blank',
            title: 'SSH key refused',
            status: 422,
            code: 'ssh_key_rsa_too_short',
            detail: 'RSA keys need at least 3072 bits.',
            errors: { publicKey: 'RSA keys need at least 3072 bits.' },
          }),
          { status: 422, headers: { 'content-type': 'application/problem+json' } },
        ),
    );
    const error = await api.addSshKey({ name: 'k', publicKey: 'ssh-rsa AAAA' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalApiError);
    expect((error as PortalApiError).problem).toMatchObject({
      code: 'ssh_key_rsa_too_short',
      errors: { publicKey: 'RSA keys need at least 3072 bits.' },
    });
  });
});
