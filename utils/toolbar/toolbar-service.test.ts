import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ACR_MFA } from '../../contract/constants.ts';
import { AuthError } from '../auth/errors.ts';
import { t } from '../i18n.ts';
import type { LaunchResult } from '../messaging.ts';
import { defaultSettings, type Settings } from '../policy/index.ts';
import { portalUnreachableItem, type StoredSession, sessionItem } from '../storage.ts';
import { TOOLBAR_ALARM, type ToolbarApis } from './apply.ts';
import { isPortalUnreachable, noteCatalogRefresh, noteLaunch } from './portal-reachability.ts';
import { createToolbarService } from './toolbar-service.ts';

const PORTAL = 'https://portal.example.test';
const NOW = 1_700_000_000_000;
let settings: Settings;

function session(overrides: Partial<StoredSession> = {}): StoredSession {
  return {
    issuer: PORTAL,
    clientId: settings.clientId,
    accessToken: 'at',
    accessTokenExpiresAt: NOW + 60_000,
    refreshToken: null,
    idToken: null,
    user: { sub: 'alice', name: 'Alice', email: 'alice@example.com' },
    authentication: { acr: 'urn:portal-launcher:acr:pwd', amr: ['pwd'], authTime: NOW / 1000 - 30 },
    ...overrides,
  };
}

function toolbar() {
  return createToolbarService({
    apis: fakeBrowser as unknown as ToolbarApis,
    settings: async () => settings,
    now: () => NOW,
  });
}

async function shown() {
  return {
    text: await fakeBrowser.action.getBadgeText({}),
    title: await fakeBrowser.action.getTitle({}),
    alarm: (await fakeBrowser.alarms.get(TOOLBAR_ALARM)) !== undefined,
  };
}

beforeEach(async () => {
  fakeBrowser.reset();
  await fakeBrowser.storage.session.clear();
  settings = { ...defaultSettings(), portalUrl: PORTAL };
});

describe('toolbar service', () => {
  it('unconfigured and signed out, from the policy and the session only', async () => {
    const service = toolbar();
    settings = { ...settings, portalUrl: null };
    service.refresh();
    await service.settled();
    expect(await shown()).toEqual({ text: '', title: t('toolbarUnconfigured'), alarm: false });
    settings = { ...settings, portalUrl: PORTAL };
    service.refresh();
    await service.settled();
    expect((await shown()).title).toBe(t('toolbarSignedOut'));
  });

  it('A11: a session of another portal counts as signed out', async () => {
    await sessionItem.set(session({ issuer: 'https://other.example.test' }));
    const service = toolbar();
    service.refresh();
    await service.settled();
    expect((await shown()).title).toBe(t('toolbarSignedOut'));
  });

  it('signed in with a fresh second factor: the minutes on the badge and the minute alarm running', async () => {
    await sessionItem.set(
      session({ authentication: { acr: ACR_MFA, amr: ['pwd', 'otp'], authTime: NOW / 1000 - 30 } }),
    );
    const service = toolbar();
    service.refresh();
    await service.settled();
    expect(await shown()).toEqual({
      text: t('toolbarMfaBadge', 5).slice(0, 4),
      title: t('toolbarMfaFresh', 'Alice', 5),
      alarm: true,
    });
  });

  it('A4: a password-only session shows no MFA minutes', async () => {
    await sessionItem.set(session());
    const service = toolbar();
    service.refresh();
    await service.settled();
    expect(await shown()).toEqual({ text: '', title: t('toolbarSignedIn', 'Alice'), alarm: false });
  });

  it('C3: an unreachable portal shows first', async () => {
    await sessionItem.set(session());
    await portalUnreachableItem.set(true);
    const service = toolbar();
    service.refresh();
    await service.settled();
    expect(await shown()).toMatchObject({ text: '!', title: t('toolbarUnreachable', 'Alice') });
  });

  it('updating(): the toolbar follows a handler whatever its outcome; only its own alarm refreshes it', async () => {
    const service = toolbar();
    const failing = service.updating(async () => {
      await sessionItem.set(session());
      throw new Error('refused');
    });
    await expect(failing()).rejects.toThrow('refused');
    await service.settled();
    expect((await shown()).title).toBe(t('toolbarSignedIn', 'Alice'));
    await sessionItem.remove();
    service.handleAlarm({ name: 'another-alarm' });
    await service.settled();
    expect((await shown()).title).toBe(t('toolbarSignedIn', 'Alice'));
    service.handleAlarm({ name: TOOLBAR_ALARM });
    await service.settled();
    expect((await shown()).title).toBe(t('toolbarSignedOut'));
  });
});

describe('portal reachability (C3)', () => {
  const opened: LaunchResult = { outcome: 'opened', appId: 'wiki' };

  it('a launch that failed with a network error marks the portal unreachable; one that opened clears it', async () => {
    const offline = new AuthError('network', 'The portal did not answer.');
    await expect(noteLaunch(Promise.reject(offline))).rejects.toBe(offline);
    expect(await isPortalUnreachable()).toBe(true);
    await expect(noteLaunch(Promise.resolve(opened))).resolves.toEqual(opened);
    expect(await isPortalUnreachable()).toBe(false);
  });

  it('other launch failures and cancelled launches say nothing about the portal', async () => {
    await portalUnreachableItem.set(true);
    await expect(noteLaunch(Promise.reject(new Error('launch_refused')))).rejects.toThrow();
    await noteLaunch(Promise.resolve({ outcome: 'cancelled', appId: 'wiki' }));
    expect(await isPortalUnreachable()).toBe(true);
  });

  it('a signed-in refresh says whether the portal answered; a signed-out one says nothing', async () => {
    const base = { portalUrl: PORTAL, portalUrlForced: false, user: null, apps: null, notice: null } as const;
    await noteCatalogRefresh({ ...base, status: 'signedIn', appsProblem: { code: 'network', message: 'x' } });
    expect(await isPortalUnreachable()).toBe(true);
    await noteCatalogRefresh({ ...base, status: 'signedOut', appsProblem: null });
    expect(await isPortalUnreachable()).toBe(true);
    await noteCatalogRefresh({ ...base, status: 'signedIn', appsProblem: null });
    expect(await isPortalUnreachable()).toBe(false);
  });
});
