import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import * as z from 'zod/mini';
import { ACR_MFA } from '../../contract/constants.ts';
import type { SshKey } from '../../contract/schemas.ts';
import { AuthError } from '../auth/errors.ts';
import { type AccountApi, createAccountApi } from '../portal/account-api.ts';
import { PortalApiError, StepUpRequiredError } from '../portal/api-client.ts';
import { AccountError } from './errors.ts';
import { createAccountHandlers, type WithStepUp } from './handlers.ts';
import { accountProtocol } from './protocol.ts';

const KEY: SshKey = {
  id: 'k1',
  name: 'laptop',
  type: 'ssh-ed25519',
  bits: 256,
  fingerprint: 'SHA256:9b4mz0pXe0n2mUdmNFVx0bDk0KkGXf0xbJD6lCaQ3SA',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop';
const stepUpNeeded = () => new StepUpRequiredError({ acrValues: [ACR_MFA], maxAge: 300 });

function problem(
  status: number,
  code: string,
  detail: string,
  errors?: Record<string, string>,
  rules?: string[],
) {
  return new PortalApiError(
    status === 404 ? 'not_found' : status === 403 ? 'forbidden' : 'portal_error',
    detail,
    {
      status,
      problem: {
        type: 'about:blank',
        title: 'x',
        status,
        detail,
        code,
        ...(errors ? { errors } : {}),
        ...(rules ? { rules } : {}),
      },
    },
  );
}

/** A fake account API: each method answers from a queue of outcomes and counts its calls. */
function fakeApi() {
  const calls: Record<string, number> = {};
  const outcomes: Record<string, Array<() => unknown>> = {};
  const api = new Proxy({} as AccountApi, {
    get: (_target, name: string) => async () => {
      calls[name] = (calls[name] ?? 0) + 1;
      const next = outcomes[name]?.shift();
      if (!next) throw new Error(`unexpected call to ${name}`);
      return next();
    },
  });
  return {
    api,
    calls,
    answer(name: keyof AccountApi, ...results: Array<() => unknown>) {
      outcomes[name] = [...(outcomes[name] ?? []), ...results];
    },
  };
}

/** The launcher's step-up as the brief defines it: on a challenge, "verify" (per `verify`) and retry once. */
function fakeStepUp(verify: () => Promise<void> = async () => undefined) {
  const reasons: string[] = [];
  let verifications = 0;
  const withStepUp: WithStepUp = async (reason, run) => {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof StepUpRequiredError)) throw error;
      reasons.push(reason);
      verifications += 1;
      await verify();
      return run();
    }
  };
  return { withStepUp, reasons, verifications: () => verifications };
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe('account handlers', () => {
  it('B11: a key add that needs a step-up verifies once and retries once', async () => {
    const fake = fakeApi();
    fake.answer(
      'addSshKey',
      () => {
        throw stepUpNeeded();
      },
      () => KEY,
    );
    const stepUp = fakeStepUp();
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: stepUp.withStepUp });
    const result = await handlers.addSshKey({ name: 'laptop', publicKey: PUBLIC_KEY });
    expect(result).toEqual({ ok: true, value: KEY });
    expect(fake.calls.addSshKey).toBe(2);
    expect(stepUp.verifications()).toBe(1);
    expect(stepUp.reasons).toEqual(['add an SSH key']);
  });

  it('B11/C4: a second challenge after the step-up is final: step_up_failed, no third call', async () => {
    const fake = fakeApi();
    fake.answer(
      'deleteSshKey',
      () => {
        throw stepUpNeeded();
      },
      () => {
        throw stepUpNeeded();
      },
    );
    const stepUp = fakeStepUp();
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: stepUp.withStepUp });
    const result = await handlers.deleteSshKey({ id: KEY.id });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem.code).toBe('step_up_failed');
    expect(fake.calls.deleteSshKey).toBe(2);
  });

  it('C5: a closed verification tab is step_up_cancelled and nothing is retried', async () => {
    const fake = fakeApi();
    fake.answer('removeTotp', () => {
      throw stepUpNeeded();
    });
    const stepUp = fakeStepUp(async () => {
      throw new AuthError('cancelled', 'The verification tab was closed.');
    });
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: stepUp.withStepUp });
    const result = await handlers.removeTotp({});
    expect(result).toMatchObject({ ok: false, problem: { code: 'step_up_cancelled' } });
    expect(fake.calls.removeTotp).toBe(1);
  });

  it('A13: a pasted private key is refused here and never sent to the portal', async () => {
    const fake = fakeApi();
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    for (const pasted of [
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIE\n-----END ENCRYPTED PRIVATE KEY-----',
      'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none',
    ]) {
      const result = await handlers.addSshKey({ name: 'oops', publicKey: pasted });
      expect(result).toMatchObject({ ok: false, problem: { code: 'ssh_key_private_key' } });
    }
    expect(fake.calls.addSshKey).toBeUndefined();
  });

  it('B16: the portal’s ssh_key_* codes reach the page with the field message', async () => {
    const fake = fakeApi();
    const message = 'RSA keys must have at least 3072 bits; this one has 2048. Create a new key.';
    fake.answer(
      'addSshKey',
      () => {
        throw problem(422, 'ssh_key_rsa_too_short', message, { publicKey: message });
      },
      () => {
        throw problem(409, 'ssh_key_duplicate', 'You already added this key.', {
          publicKey: 'You already added this key.',
        });
      },
    );
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    expect(await handlers.addSshKey({ name: 'old', publicKey: 'ssh-rsa AAAA' })).toEqual({
      ok: false,
      problem: { code: 'ssh_key_rsa_too_short', message, fields: { publicKey: message } },
    });
    expect(await handlers.addSshKey({ name: 'again', publicKey: PUBLIC_KEY })).toMatchObject({
      ok: false,
      problem: { code: 'ssh_key_duplicate' },
    });
  });

  it("B10: password_policy comes with the portal's list of broken rules, one sentence each", async () => {
    const fake = fakeApi();
    const violations = [
      { rule: 'min_length', message: 'Use at least 12 characters.' },
      // Two sentences about one rule stay one entry: nothing is split.
      { rule: 'common', message: 'This password is too common. Choose something harder to guess.' },
      { rule: 'email', message: 'Do not use your email address as your password.' },
    ];
    fake.answer('changePassword', () => {
      throw new PortalApiError('portal_error', 'Choose another password.', {
        status: 422,
        problem: {
          type: 'about:blank',
          title: 'Password does not meet the policy',
          status: 422,
          code: 'password_policy',
          errors: { newPassword: violations.map((violation) => violation.message).join(' ') },
          rules: ['min_length', 'common', 'email'],
          violations,
        },
      });
    });
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    const result = await handlers.changePassword({ currentPassword: 'a', newPassword: 'b' });
    expect(!result.ok && result.problem.code).toBe('password_policy');
    expect(!result.ok && result.problem.violations).toEqual([
      'Use at least 12 characters.',
      'This password is too common. Choose something harder to guess.',
      'Do not use your email address as your password.',
    ]);
    // The rules by name too, for the checklist in the page's own language.
    expect(!result.ok && result.problem.rules).toEqual(['min_length', 'common', 'email']);
    expect(accountProtocol.changePassword.response.safeParse(result).success).toBe(true);
  });

  it('B10: a portal without `violations` gives the rules, and its joined text stays under the field', async () => {
    const fake = fakeApi();
    const joined = 'Use at least 12 characters. This password is too common.';
    fake.answer('changePassword', () => {
      throw problem(422, 'password_policy', 'Choose another password.', { newPassword: joined }, [
        'min_length',
        'common',
      ]);
    });
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    const result = await handlers.changePassword({ currentPassword: 'a', newPassword: 'b' });
    expect(!result.ok && result.problem).toMatchObject({
      code: 'password_policy',
      rules: ['min_length', 'common'],
      fields: { newPassword: joined },
    });
    expect(!result.ok && result.problem.violations).toBeUndefined();
  });

  it("B11 (issue 12): removing the last second factor of an account that must have MFA is last_factor, with the portal's words and language", async () => {
    const fake = fakeApi();
    const detail = 'Your account must have a second factor. Add another one before removing this passkey.';
    fake.answer('deletePasskey', () => {
      throw problem(409, 'last_factor', detail);
    });
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    const result = await handlers.deletePasskey({ id: 'credential-1' });
    expect(result).toEqual({ ok: false, problem: { code: 'last_factor', message: detail } });
    expect(accountProtocol.deletePasskey.response.safeParse(result).success).toBe(true);
  });

  it("a code another portal invented is accepted: portal_error with that portal's words", async () => {
    const fake = fakeApi();
    fake.answer('addSshKey', () => {
      throw problem(409, 'key_quota_exceeded', 'Your plan allows 5 keys. Remove one first.');
    });
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    const result = await handlers.addSshKey({ name: 'laptop', publicKey: 'ssh-ed25519 AAAA' });
    expect(result).toEqual({
      ok: false,
      problem: { code: 'portal_error', message: 'Your plan allows 5 keys. Remove one first.' },
    });
  });

  it('locked_field and validation_failed keep the per-field reasons', async () => {
    const fake = fakeApi();
    fake.answer(
      'updateMe',
      () => {
        throw problem(403, 'locked_field', 'You cannot change department.', {
          department: 'Your administrator manages this field.',
        });
      },
      () => {
        throw problem(422, 'validation_failed', 'Some fields are not valid.', {
          phone: 'Enter a phone number.',
        });
      },
    );
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    expect(await handlers.updateProfile({ patch: { department: 'Sales' } })).toMatchObject({
      ok: false,
      problem: { code: 'locked_field', fields: { department: 'Your administrator manages this field.' } },
    });
    expect(await handlers.updateProfile({ patch: { phone: 'x' } })).toMatchObject({
      ok: false,
      problem: { code: 'validation_failed', fields: { phone: 'Enter a phone number.' } },
    });
  });

  it('a body refused by its schema is validation_failed, with the first English message per field', async () => {
    // The contract's schemas (as the real account API parses the body before sending it)…
    const unsent = createAccountApi(async () => {
      throw new Error('nothing is sent');
    });
    // …and a zod/mini schema, whose error is a core `$ZodError`, not classic zod's `ZodError`.
    const mini = z.object({ phone: z.string().check(z.maxLength(3)), title: z.string() });
    const fake = fakeApi();
    fake.answer('addSshKey', () => unsent.addSshKey({ name: ' ', publicKey: '' }));
    fake.answer('updateMe', () => mini.parse({ phone: '12345', title: 1 }));
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    expect(await handlers.addSshKey({ name: 'laptop', publicKey: PUBLIC_KEY })).toEqual({
      ok: false,
      problem: {
        code: 'validation_failed',
        message: 'Some values are not valid. Correct them and try again.',
        fields: { name: 'Give the key a name.', publicKey: 'Paste a public key.' },
      },
    });
    expect(await handlers.updateProfile({ patch: {} })).toEqual({
      ok: false,
      problem: {
        code: 'validation_failed',
        message: 'Some values are not valid. Correct them and try again.',
        fields: {
          phone: 'Too big: expected string to have <=3 characters',
          title: 'Invalid input: expected string, received number',
        },
      },
    });
  });

  it('B8: a wrong code is invalid_code, with its message on the code field', async () => {
    const fake = fakeApi();
    fake.answer('confirmTotpEnrollment', () => {
      throw problem(422, 'invalid_code', 'That code is not valid.', { code: 'That code is not valid.' });
    });
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    expect(await handlers.confirmTotpEnrollment({ code: '000000' })).toMatchObject({
      ok: false,
      problem: { code: 'invalid_code', fields: { code: 'That code is not valid.' } },
    });
  });

  it('C3: network failures are offline; a dead session is signed_out; reads throw AccountError', async () => {
    const fake = fakeApi();
    const offline = () => {
      throw new PortalApiError('network', 'The portal did not answer.');
    };
    fake.answer('endSession', offline);
    fake.answer('listSshKeys', offline, () => {
      throw new PortalApiError('unauthorized', 'Sign in again.', { status: 401 });
    });
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    expect(await handlers.endSession({ id: 's1' })).toMatchObject({
      ok: false,
      problem: { code: 'offline' },
    });
    const first = await handlers.listSshKeys({}).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(AccountError);
    expect((first as AccountError).code).toBe('offline');
    await expect(handlers.listSshKeys({})).rejects.toMatchObject({ code: 'signed_out' });
  });

  it('an unexpected error (a bug) is not disguised as a problem', async () => {
    const fake = fakeApi();
    fake.answer('endOtherSessions', () => {
      throw new TypeError('boom');
    });
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    await expect(handlers.endOtherSessions({})).rejects.toThrow('boom');
  });

  it('A11: settings show forced keys and problems; a forced key cannot be saved', async () => {
    await fakeBrowser.storage.managed.set({
      portalUrl: 'https://portal.example.com',
      optionsSections: ['profile', 'ssh-keys', 'settings'],
      brandColor: 'not a colour',
    });
    const handlers = createAccountHandlers({ api: fakeApi().api, withStepUp: fakeStepUp().withStepUp });
    const view = await handlers.getSettings({});
    expect(view.portalUrl).toBe('https://portal.example.com');
    expect(view.forced).toEqual(expect.arrayContaining(['portalUrl', 'optionsSections']));
    expect(view.optionsSections).toEqual(['profile', 'ssh-keys', 'settings']);
    expect(view.policy.find((entry) => entry.key === 'portalUrl')).toEqual({
      key: 'portalUrl',
      value: '"https://portal.example.com"',
      forced: true,
    });
    expect(view.problems.some((p) => p.key === 'brandColor' && p.source === 'managed')).toBe(true);

    const refused = await handlers.saveSettings({ portalUrl: 'https://elsewhere.example.com' });
    expect(refused).toMatchObject({ ok: false, problem: { code: 'forced' } });
    const saved = await handlers.saveSettings({ theme: 'dark' });
    expect(saved).toMatchObject({ ok: true, value: { theme: 'dark' } });
    expect(accountProtocol.saveSettings.response.parse(saved)).toEqual(saved);
  });

  it('C8: the protocol refuses malformed and oversized requests', () => {
    expect(accountProtocol.confirmTotpEnrollment.request.safeParse({ code: '12345' }).success).toBe(false);
    expect(accountProtocol.deleteSshKey.request.safeParse({ id: 'x'.repeat(101) }).success).toBe(false);
    expect(
      accountProtocol.addSshKey.request.safeParse({ name: 'k', publicKey: 'x'.repeat(20_001) }).success,
    ).toBe(false);
    expect(accountProtocol.getProfile.request.safeParse({ token: 'x' }).success).toBe(false);
    expect(accountProtocol.updateProfile.request.safeParse({ patch: {} }).success).toBe(false);
  });

  it('the portal’s Content-Language travels with its problem as `lang`; the protocol checks it', async () => {
    const fake = fakeApi();
    const message = 'The current password is not correct. Type it again.';
    fake.answer(
      'changePassword',
      () => {
        throw new PortalApiError('portal_error', message, {
          status: 422,
          lang: 'en',
          problem: { type: 'about:blank', title: 'x', status: 422, code: 'wrong_password', detail: message },
        });
      },
      () => {
        throw new PortalApiError('network', 'The portal did not answer.');
      },
    );
    const handlers = createAccountHandlers({ api: fake.api, withStepUp: fakeStepUp().withStepUp });
    const result = await handlers.changePassword({ currentPassword: 'a', newPassword: 'b' });
    expect(result).toEqual({ ok: false, problem: { code: 'wrong_password', message, lang: 'en' } });
    expect(accountProtocol.changePassword.response.parse(result)).toEqual(result);
    // The extension's own words carry no portal language.
    const offline = await handlers.changePassword({ currentPassword: 'a', newPassword: 'b' });
    expect(!offline.ok && offline.problem).toEqual({
      code: 'offline',
      message: 'The portal did not answer. Check your connection and try again.',
    });
    // C8: a language that is not a bounded language tag does not cross the message channel.
    for (const lang of ['en\r\nX', 'x'.repeat(36), '', 'en_US']) {
      const bad = { ok: false, problem: { code: 'wrong_password', message, lang } };
      expect(accountProtocol.changePassword.response.safeParse(bad).success, lang).toBe(false);
    }
  });
});
