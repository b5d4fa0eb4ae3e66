import { beforeEach, describe, expect, it } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AuthError } from './auth/errors.ts';
import { isMessageEnvelope, isMessageReply, messageEnvelope } from './message-channel.ts';
import { dispatchMessage, type Handlers, type LauncherState } from './messaging.ts';
import { MessageError, sendMessage } from './messaging-client.ts';

const own = { id: 'test-extension', baseUrl: 'chrome-extension://test-extension/' };
const popupSender = { id: own.id, url: 'chrome-extension://test-extension/popup.html' };

const signedOut: LauncherState = {
  status: 'signedOut',
  portalUrl: 'https://portal.example.com',
  portalUrlForced: false,
  user: null,
  apps: null,
  appsProblem: null,
  notice: null,
};

function handlers(overrides: Partial<Handlers>): Handlers {
  return overrides as Handlers;
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe("the pages' message client (popup, options, auth)", () => {
  it('A6: speaks the envelope the background dispatcher accepts', async () => {
    const reply = await dispatchMessage(
      handlers({ getState: async () => signedOut }),
      messageEnvelope('getState', { refresh: false }),
      popupSender,
      own,
    );
    expect(reply).toEqual({ ok: true, value: signedOut });
  });

  it('returns the answer and rethrows background errors with their code', async () => {
    const h = handlers({
      getState: async () => signedOut,
      launchApp: async () => {
        throw new AuthError('cancelled', 'Opening Payroll was cancelled.');
      },
    });
    browser.runtime.sendMessage = ((message: unknown) =>
      dispatchMessage(h, message, popupSender, own)) as typeof browser.runtime.sendMessage;

    await expect(sendMessage(browser.runtime, 'getState', {})).resolves.toEqual(signedOut);
    const error = await sendMessage(browser.runtime, 'launchApp', { appId: 'payroll' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MessageError);
    expect(error).toMatchObject({ code: 'cancelled', message: 'Opening Payroll was cancelled.' });
  });

  it('C8: a refused request comes back as invalid_request, not a crash', async () => {
    const h = handlers({ launchApp: async () => ({ outcome: 'opened', appId: 'x' }) });
    browser.runtime.sendMessage = ((message: unknown) =>
      dispatchMessage(h, message, popupSender, own)) as typeof browser.runtime.sendMessage;
    await expect(
      sendMessage(browser.runtime, 'launchApp', { appId: 'https://evil.example/' }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('maps a dead channel and an unreadable reply to their own codes', async () => {
    browser.runtime.sendMessage = (async () => {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    }) as typeof browser.runtime.sendMessage;
    await expect(sendMessage(browser.runtime, 'getState', {})).rejects.toMatchObject({
      code: 'background_unavailable',
    });
    browser.runtime.sendMessage = (async () => undefined) as typeof browser.runtime.sendMessage;
    await expect(sendMessage(browser.runtime, 'getState', {})).rejects.toMatchObject({
      code: 'invalid_reply',
    });
  });

  it('the channel rejects what is not an envelope or a reply', () => {
    expect(isMessageEnvelope(messageEnvelope('getState', {}))).toBe(true);
    expect(isMessageEnvelope({ channel: 'someone-else', name: 'getState', payload: {} })).toBe(false);
    expect(isMessageEnvelope({ channel: 'portal-launcher/v1', name: 'x'.repeat(101), payload: {} })).toBe(
      false,
    );
    expect(isMessageEnvelope(null)).toBe(false);
    expect(isMessageReply({ ok: true, value: 1 })).toBe(true);
    expect(isMessageReply({ ok: false, error: { name: 'AuthError', code: 'cancelled', message: 'x' } })).toBe(
      true,
    );
    expect(isMessageReply({ ok: false, error: { code: 'cancelled' } })).toBe(false);
    expect(isMessageReply('ok')).toBe(false);
  });

  it('keeps the background error as the cause, with its name and code', async () => {
    browser.runtime.sendMessage = ((message: unknown) =>
      dispatchMessage(
        handlers({
          signIn: async () => {
            throw new AuthError('network', 'The portal did not answer.');
          },
        }),
        message,
        popupSender,
        own,
      )) as typeof browser.runtime.sendMessage;
    const error = await sendMessage(browser.runtime, 'signIn', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageError);
    expect(error).toMatchObject({ code: 'network', cause: { name: 'AuthError', code: 'network' } });
  });
});
