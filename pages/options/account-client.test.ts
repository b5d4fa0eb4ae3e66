import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { changeAccount } from './account-client.ts';

/** What the browser throws to a sender whose receiver (the service worker) stopped mid-answer. */
const portClosed = () =>
  new Error('A listener indicated an asynchronous response, but the message channel closed.');
const reply = (value: unknown) => ({ ok: true, value });

let sent: Array<{ name: string; payload: unknown }>;
let answers: Array<() => unknown>;

beforeEach(() => {
  fakeBrowser.reset();
  sent = [];
  answers = [];
  vi.spyOn(browser.runtime, 'sendMessage').mockImplementation((async (message: {
    name: string;
    payload: unknown;
  }) => {
    sent.push({ name: message.name, payload: message.payload });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected message ${message.name}`);
    return next();
  }) as never);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('account changes across a service worker restart', () => {
  it('C1/B11: a step-up change cut off by a restart is sent once more, with the same body, and its answer is used', async () => {
    answers.push(
      () => {
        throw portClosed();
      },
      () => reply({ ok: true, value: {} }),
    );
    const result = await changeAccount('deleteSshKey', { id: 'key-1' });
    expect(result).toEqual({ ok: true, value: {} });
    expect(sent).toEqual([
      { name: 'deleteSshKey', payload: { id: 'key-1' } },
      { name: 'deleteSshKey', payload: { id: 'key-1' } },
    ]);
  });

  it('C1: a resent removal that finds the key already gone is the success the person asked for', async () => {
    answers.push(
      () => {
        throw portClosed();
      },
      () => reply({ ok: false, problem: { code: 'not_found', message: 'That SSH key does not exist.' } }),
    );
    expect(await changeAccount('deleteSshKey', { id: 'key-1' })).toEqual({ ok: true, value: {} });
  });

  it('B9/A5: a password change interrupted by a restart is not resent (the old password would count as a failed attempt), nor stored', async () => {
    answers.push(() => {
      throw portClosed();
    });
    const body = { currentPassword: 'old one', newPassword: 'a new long passphrase' };
    const result = await changeAccount('changePassword', body);
    expect(result).toMatchObject({ ok: false, problem: { code: 'background_unavailable' } });
    expect(sent.map((message) => message.payload)).toEqual([body]);
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('passphrase');
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toContain('passphrase');
  });

  it('C1: a resent SSH key that the portal already has is reported as a restart to check, not as a failure', async () => {
    answers.push(
      () => {
        throw portClosed();
      },
      () =>
        reply({ ok: false, problem: { code: 'ssh_key_duplicate', message: 'You already added this key.' } }),
    );
    const result = await changeAccount('addSshKey', { name: 'laptop', publicKey: 'ssh-ed25519 AAAA' });
    expect(result).toMatchObject({ ok: false, problem: { code: 'background_unavailable' } });
    expect(sent).toHaveLength(2);
  });

  it('C4: one resend only; a second failure is reported, not retried again', async () => {
    answers.push(
      () => {
        throw portClosed();
      },
      () => {
        throw portClosed();
      },
    );
    const result = await changeAccount('removeTotp', {});
    expect(result).toMatchObject({ ok: false, problem: { code: 'background_unavailable' } });
    expect(sent).toHaveLength(2);
  });

  it('B8: a change without a step-up (a TOTP confirmation) is never sent twice', async () => {
    answers.push(() => {
      throw portClosed();
    });
    const result = await changeAccount('confirmTotpEnrollment', { code: '123456' });
    expect(result).toMatchObject({ ok: false, problem: { code: 'background_unavailable' } });
    expect(sent).toHaveLength(1);
  });

  it('a refusal from the portal is not a restart: nothing is resent', async () => {
    answers.push(() =>
      reply({ ok: false, problem: { code: 'ssh_key_duplicate', message: 'You already added this key.' } }),
    );
    const result = await changeAccount('addSshKey', { name: 'laptop', publicKey: 'ssh-ed25519 AAAA' });
    expect(result).toMatchObject({ ok: false, problem: { code: 'ssh_key_duplicate' } });
    expect(sent).toHaveLength(1);
  });
});
