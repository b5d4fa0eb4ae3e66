/** The launcher's message handlers and its answer to policy changes, over fakes. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AuthError } from '../auth/errors.ts';
import type { LauncherState } from '../messaging.ts';
import type { PolicyChange } from '../policy/index.ts';
import { testApp } from '../portal/__tests__/apps.ts';
import { stateChangedItem } from '../storage.ts';
import { isPortalUnreachable } from '../toolbar/portal-reachability.ts';
import { createLauncherHandlers, type LauncherHandlersOptions, onPolicyChange } from './handlers.ts';

const signedIn: LauncherState = {
  status: 'signedIn',
  portalUrl: 'https://portal.example.test',
  portalUrlForced: false,
  user: null,
  apps: [],
  appsProblem: null,
  notice: null,
};
type Sender = Browser.runtime.MessageSender;
const topLevel: Sender = { frameId: 0, tab: { id: 7 } as Browser.tabs.Tab };
const framed: Sender = { frameId: 3, tab: { id: 7 } as Browser.tabs.Tab };

let calls: string[];
let toolbarUpdates: number;

function handlers(launcher: Partial<LauncherHandlersOptions['launcher']> = {}) {
  return createLauncherHandlers({
    launcher: {
      getState: async (refresh = false) => {
        calls.push(`getState:${refresh}`);
        return { ...signedIn, appsProblem: { code: 'network', message: 'offline' } };
      },
      completeAuthorization: async (url, tabId) => {
        calls.push(`complete:${tabId}`);
        return { kind: 'signIn', message: url };
      },
      ...launcher,
    } as LauncherHandlersOptions['launcher'],
    forPopup: async (state) => ({ ...state, portalUrlForced: true }),
    prefs: { change: async () => ({ favorites: [], recents: [], view: 'grid' }) },
    updating:
      (handler) =>
      async (...args) => {
        try {
          return await handler(...args);
        } finally {
          toolbarUpdates += 1;
        }
      },
  });
}

beforeEach(async () => {
  fakeBrowser.reset();
  await fakeBrowser.storage.session.clear();
  calls = [];
  toolbarUpdates = 0;
});

describe('launcher message handlers', () => {
  it('getState answers the popup view; only a refresh tells whether the portal answers (C3)', async () => {
    const answer = await handlers().getState({}, topLevel);
    expect(answer.portalUrlForced).toBe(true);
    expect(await isPortalUnreachable()).toBe(false);
    await handlers().getState({ refresh: true }, topLevel);
    expect(calls).toEqual(['getState:false', 'getState:true']);
    expect(await isPortalUnreachable()).toBe(true);
    expect(toolbarUpdates).toBe(2);
  });

  it('issue 15: getState answers a page that names the catalog it holds with only what changed', async () => {
    const table = createLauncherHandlers({
      launcher: {
        getState: async () => ({ ...signedIn, apps: [testApp('a')] }),
      } as LauncherHandlersOptions['launcher'],
      forPopup: async (state) => ({ ...state, catalogVersion: 'v1' }),
      prefs: { change: async () => ({ favorites: [], recents: [], view: 'grid' }) },
      updating: (handler) => handler,
    });
    expect((await table.getState({}, topLevel)).apps).toEqual([testApp('a')]);
    const answer = await table.getState({ catalogVersion: 'v1' }, topLevel);
    expect(answer.apps).toBeNull();
    expect(answer.catalogDelta).toEqual({ base: 'v1', order: null, changed: [] });
  });

  it('A10: completeAuthorization is refused from a frame, and finishes in a top-level tab', async () => {
    const table = handlers();
    await expect(table.completeAuthorization({ url: 'https://x.example/cb' }, framed)).rejects.toMatchObject({
      code: 'forbidden_sender',
    });
    expect(calls).toEqual([]);
    await expect(
      table.completeAuthorization({ url: 'https://x.example/cb' }, topLevel),
    ).resolves.toMatchObject({
      kind: 'signIn',
    });
    expect(calls).toEqual(['complete:7']);
    expect(toolbarUpdates).toBe(2);
  });

  it('A10: Try again restarts the step-up in the sender’s own tab, and is refused from a frame', async () => {
    const table = handlers({
      retryStepUp: async (appId, tabId) => {
        calls.push(`retry:${appId}:${tabId}`);
      },
    });
    await expect(table.retryStepUp({ appId: 'payroll' }, framed)).rejects.toMatchObject({
      code: 'forbidden_sender',
    });
    await expect(table.retryStepUp({ appId: 'payroll' }, topLevel)).resolves.toEqual({});
    expect(calls).toEqual(['retry:payroll:7']);
  });

  it('C3: a launch the portal did not answer marks it unreachable, and the toolbar still updates', async () => {
    const table = handlers({
      launchApp: async () => {
        throw new AuthError('network', 'The portal did not answer.');
      },
    });
    await expect(table.launchApp({ appId: 'wiki' }, topLevel)).rejects.toMatchObject({ code: 'network' });
    expect(await isPortalUnreachable()).toBe(true);
    expect(toolbarUpdates).toBe(1);
  });
});

describe('policy changes', () => {
  const change = (identityChanged: boolean) => ({ identityChanged }) as PolicyChange;

  it('the toolbar and open popups follow every change; the session stays unless the identity changed', async () => {
    let ended = 0;
    let refreshed = 0;
    const listener = onPolicyChange({
      launcher: {
        handleIdentityChange: async () => {
          ended += 1;
        },
      },
      refreshToolbar: () => {
        refreshed += 1;
      },
    });
    listener(change(false));
    await expect.poll(() => stateChangedItem.get()).toBeGreaterThan(0);
    expect({ ended, refreshed }).toEqual({ ended: 0, refreshed: 1 });
  });

  it('A11: another issuer or client id ends the session, then the toolbar and popups follow again', async () => {
    const order: string[] = [];
    const warnings: string[] = [];
    const listener = onPolicyChange({
      launcher: {
        handleIdentityChange: async () => {
          order.push('ended');
          throw new Error('revocation failed');
        },
      },
      refreshToolbar: () => order.push('toolbar'),
      warn: (message) => warnings.push(message),
    });
    listener(change(true));
    await expect.poll(() => order).toEqual(['toolbar', 'ended', 'toolbar']);
    expect(warnings).toEqual(['sign-out after a policy change failed.']);
  });
});
