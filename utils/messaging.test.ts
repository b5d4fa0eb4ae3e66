import { describe, expect, it } from 'vitest';
import type { Browser } from 'wxt/browser';
import type { AccountVerb } from './account/protocol.ts';
import { AuthError } from './auth/errors.ts';
import { MESSAGE_CHANNEL } from './message-channel.ts';
import {
  dispatchMessage,
  type Handlers,
  isTopLevelPage,
  isTrustedSender,
  MessageError,
  type OwnExtension,
  registerMessageHandlers,
} from './messaging.ts';
import { sendMessage } from './messaging-client.ts';
import type { PushVerb } from './push/protocol.ts';

const own: OwnExtension = {
  id: 'gfijghhkgcaccgnlhoolghnaabcmiblm',
  baseUrl: 'chrome-extension://gfijghhkgcaccgnlhoolghnaabcmiblm/',
};
const popup = {
  id: own.id,
  url: `${own.baseUrl}popup.html`,
  origin: 'chrome-extension://gfijghhkgcaccgnlhoolghnaabcmiblm',
};

type Sender = Browser.runtime.MessageSender;

const launched: string[] = [];
const handlers: Handlers = {
  // The security centre's verbs (utils/account) and push verbs (utils/push) have their own tests.
  ...({} as Pick<Handlers, AccountVerb | PushVerb>),
  getState: async () => ({
    status: 'signedOut',
    portalUrl: 'https://portal.example.com',
    portalUrlForced: false,
    user: null,
    apps: null,
    appsProblem: null,
    notice: null,
  }),
  probePortal: async () => ({ code: 'https_required' }),
  setPortalUrl: async () => {
    throw new AuthError('not_configured', 'The portal address must start with https://.');
  },
  signIn: async () => {
    throw new Error('not used');
  },
  signOut: async () => {
    throw new Error('not used');
  },
  launchApp: async ({ appId }) => {
    launched.push(appId);
    return { outcome: 'opened', appId };
  },
  dismissNotice: async () => ({}),
  retryStepUp: async () => ({}),
  changePrefs: async () => ({ favorites: [], recents: [], view: 'grid' }),
  completeAuthorization: async () => {
    // A bug that tries to leak a token: the response schema must strip it.
    return { kind: 'signIn', message: 'ok', accessToken: 'eyJ.secret.token' } as never;
  },
};

const envelope = (name: string, payload: unknown) => ({ channel: 'portal-launcher/v1', name, payload });

describe('A6: sender checks', () => {
  it.each<[string, Sender | undefined]>([
    ['no sender', undefined],
    [
      'another extension',
      {
        ...popup,
        id: 'abcdefghijklmnopabcdefghijklmnop',
        url: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/x.html',
      },
    ],
    [
      'a web page (content-script-like sender)',
      { id: own.id, url: 'https://evil.example.com/', origin: 'https://evil.example.com' },
    ],
    ['a web page claiming our id without a URL', { id: own.id }],
    [
      'our id with another extension page URL',
      { id: own.id, url: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/popup.html' },
    ],
    [
      'our URL but a mismatching origin',
      { id: own.id, url: `${own.baseUrl}popup.html`, origin: 'https://evil.example.com' },
    ],
    ['a data: URL', { id: own.id, url: 'data:text/html,hi' }],
    ['an unparseable URL', { id: own.id, url: 'not a url' }],
  ])('refuses %s', async (_label, sender) => {
    expect(isTrustedSender(sender, own)).toBe(false);
    const before = launched.length;
    const reply = await dispatchMessage(handlers, envelope('launchApp', { appId: 'wiki' }), sender, own);
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(launched.length).toBe(before);
  });

  it('accepts our own popup, also opened in a tab', async () => {
    expect(isTrustedSender(popup, own)).toBe(true);
    expect(isTrustedSender({ ...popup, tab: { id: 4 } as Browser.tabs.Tab }, own)).toBe(true);
    const reply = await dispatchMessage(handlers, envelope('launchApp', { appId: 'wiki' }), popup, own);
    expect(reply).toEqual({ ok: true, value: { outcome: 'opened', appId: 'wiki' } });
  });
});

describe('A10: top-level pages only', () => {
  const tab = { id: 7 } as Browser.tabs.Tab;
  it.each([
    ['a frame inside a web page', { tab, frameId: 3 }, false],
    ['a page with no tab (the popup)', { frameId: 0 }, false],
    ['no sender at all', undefined, false],
    ['a tab whose frame id is missing', { tab }, false],
    ["a tab's own page", { tab, frameId: 0 }, true],
  ])('%s', (_label, sender, expected) => {
    expect(isTopLevelPage(sender)).toBe(expected);
  });
});

describe('validation', () => {
  it('ignores messages that are not ours (other listeners may answer)', async () => {
    expect(await dispatchMessage(handlers, { type: 'something-else' }, popup, own)).toBeUndefined();
  });

  it('refuses unknown message names', async () => {
    expect(await dispatchMessage(handlers, envelope('stealTokens', {}), popup, own)).toMatchObject({
      ok: false,
      error: { code: 'unknown_message' },
    });
    expect(await dispatchMessage(handlers, envelope('toString', {}), popup, own)).toMatchObject({
      ok: false,
      error: { code: 'unknown_message' },
    });
  });

  it.each([
    ['a URL', { appId: 'https://evil.example.com/' }],
    ['javascript:', { appId: 'javascript:alert(1)' }],
    ['an oversized id', { appId: 'a'.repeat(101) }],
    ['an extra field', { appId: 'wiki', url: 'https://evil.example.com/' }],
    ['a number', { appId: 42 }],
  ])('A9: launchApp with %s is refused before the handler', async (_label, payload) => {
    const before = launched.length;
    const reply = await dispatchMessage(handlers, envelope('launchApp', payload), popup, own);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(launched.length).toBe(before);
  });

  it('A5: a response field the schema does not declare never leaves the background', async () => {
    const reply = await dispatchMessage(
      handlers,
      envelope('completeAuthorization', { url: 'https://x.example/cb?code=1' }),
      popup,
      own,
    );
    expect(JSON.stringify(reply)).not.toContain('eyJ');
  });

  it('handler errors are serialized with their code', async () => {
    const reply = await dispatchMessage(
      handlers,
      envelope('setPortalUrl', { portalUrl: 'http://x' }),
      popup,
      own,
    );
    expect(reply).toEqual({
      ok: false,
      error: {
        name: 'AuthError',
        code: 'not_configured',
        message: 'The portal address must start with https://.',
      },
    });
  });
});

describe('round trip', () => {
  /** A runtime whose sendMessage delivers to registered listeners with a given sender, like the browser. */
  function loopback(sender: Sender) {
    const listeners: Array<(m: unknown, s: Sender, r: (v: unknown) => void) => boolean> = [];
    const runtime = {
      id: own.id,
      getURL: (path: string) => `${own.baseUrl}${path.replace(/^\//, '')}`,
      onMessage: { addListener: (listener: (typeof listeners)[number]) => listeners.push(listener) },
      sendMessage: (message: unknown) =>
        new Promise((resolve) => {
          for (const listener of listeners) if (listener(message, sender, resolve)) return;
          resolve(undefined);
        }),
    };
    registerMessageHandlers(runtime as never, handlers);
    return runtime;
  }

  it('rethrows errors on the caller as MessageError with the code and a cause', async () => {
    const runtime = loopback(popup);
    const error = await sendMessage(runtime as never, 'setPortalUrl', { portalUrl: 'http://x' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MessageError);
    expect((error as MessageError).code).toBe('not_configured');
    expect((error as MessageError).cause).toMatchObject({ name: 'AuthError', code: 'not_configured' });
  });

  it('returns validated answers', async () => {
    const runtime = loopback(popup);
    await expect(sendMessage(runtime as never, 'launchApp', { appId: 'wiki' })).resolves.toEqual({
      outcome: 'opened',
      appId: 'wiki',
    });
  });

  it('A9: a request off the protocol does not compile, and the background refuses it', async () => {
    const runtime = loopback(popup);
    // @ts-expect-error a launch names an app id, never a URL (A9)
    const refused = sendMessage(runtime as never, 'launchApp', { url: 'https://x' });
    await expect(refused).rejects.toBeInstanceOf(MessageError);
    await expect(refused).rejects.toMatchObject({ code: 'invalid_request' });
    expect(launched).not.toContain('https://x');
  });

  it('a dead background becomes background_unavailable', async () => {
    const runtime = {
      sendMessage: async () => {
        throw new Error('Could not establish connection. Receiving end does not exist.');
      },
    };
    await expect(sendMessage(runtime as never, 'getState', {})).rejects.toMatchObject({
      code: 'background_unavailable',
    });
  });
});

describe('registerMessageHandlers: onAnswered (issue 15: start-up jobs wait for it)', () => {
  it('is told once every message received so far was answered, not after the first of several', async () => {
    let listener: ((m: unknown, s: Sender, r: (v: unknown) => void) => boolean) | undefined;
    const runtime = {
      id: own.id,
      getURL: (path: string) => `${own.baseUrl}${path.replace(/^\//, '')}`,
      onMessage: {
        addListener: (added: typeof listener) => {
          listener = added;
        },
      },
    };
    let releaseState = () => {};
    const slowState = new Promise<void>((resolve) => {
      releaseState = resolve;
    });
    const answered: string[] = [];
    let settled = 0;
    registerMessageHandlers(
      runtime as never,
      {
        ...handlers,
        getState: async (request, sender) => {
          await slowState;
          return handlers.getState(request, sender);
        },
      },
      () => {
        settled += 1;
      },
    );
    const send = (name: string, payload: object) =>
      new Promise<void>((resolve) => {
        listener?.({ channel: MESSAGE_CHANNEL, name, payload }, popup, () => {
          answered.push(name);
          resolve();
        });
      });
    const state = send('getState', {});
    await send('dismissNotice', {});
    expect(answered).toEqual(['dismissNotice']);
    expect(settled).toBe(0);
    releaseState();
    await state;
    expect(answered).toEqual(['dismissNotice', 'getState']);
    expect(settled).toBe(1);
  });
});
