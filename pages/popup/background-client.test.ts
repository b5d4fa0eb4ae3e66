import { beforeEach, describe, expect, it } from 'vitest';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AuthError } from '../../utils/auth/errors.ts';
import { dispatchMessage, type Handlers, type LauncherState } from '../../utils/messaging.ts';
import { ask, BackgroundError, envelope } from './background-client.ts';

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

describe('popup background client', () => {
  it('A6: speaks the envelope the background dispatcher accepts', async () => {
    const reply = await dispatchMessage(
      handlers({ getState: async () => signedOut }),
      envelope('getState', { refresh: false }),
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

    await expect(ask('getState', {})).resolves.toEqual(signedOut);
    const error = await ask('launchApp', { appId: 'payroll' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackgroundError);
    expect(error).toMatchObject({ code: 'cancelled', message: 'Opening Payroll was cancelled.' });
  });

  it('C8: a refused request comes back as invalid_request, not a crash', async () => {
    const h = handlers({ launchApp: async () => ({ outcome: 'opened', appId: 'x' }) });
    browser.runtime.sendMessage = ((message: unknown) =>
      dispatchMessage(h, message, popupSender, own)) as typeof browser.runtime.sendMessage;
    await expect(ask('launchApp', { appId: 'https://evil.example/' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('maps a dead channel and an unreadable reply to their own codes', async () => {
    browser.runtime.sendMessage = (async () => {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    }) as typeof browser.runtime.sendMessage;
    await expect(ask('getState', {})).rejects.toMatchObject({ code: 'background_unavailable' });
    browser.runtime.sendMessage = (async () => undefined) as typeof browser.runtime.sendMessage;
    await expect(ask('getState', {})).rejects.toMatchObject({ code: 'invalid_reply' });
  });
});
