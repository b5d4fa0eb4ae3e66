/** The background's preferences service (recents on launch, popup changes) and the popup view. */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ACR_MFA } from '../../contract/constants.ts';
import type { LauncherState } from '../messaging.ts';
import { defaultSettings, type Settings } from '../policy/index.ts';
import { popupSnapshotItem, type StoredSession, sessionItem, stateChangedItem } from '../storage.ts';
import { announceStateChange, createPopupView, launcherViewOf } from './popup-view.ts';
import { defaultPrefs, loadPrefs } from './prefs.ts';
import { createPrefsService, currentPrefsOwner } from './prefs-service.ts';

const PORTAL = 'https://portal.example.test';
const NOW = 1_700_000_000_000;
const alice = { issuer: PORTAL, sub: 'alice' };
const session = (authentication: StoredSession['authentication']): StoredSession => ({
  issuer: PORTAL,
  clientId: 'portal-launcher',
  accessToken: 'at',
  accessTokenExpiresAt: NOW + 60_000,
  refreshToken: null,
  idToken: null,
  user: { sub: 'alice', name: 'Alice', email: 'alice@example.com' },
  authentication,
});
const password = { acr: 'urn:portal-launcher:acr:pwd', amr: ['pwd'], authTime: NOW / 1000 - 60 };
const mfa = { acr: ACR_MFA, amr: ['pwd', 'otp'], authTime: NOW / 1000 - 60 };
let settings: Settings;

function service() {
  return createPrefsService({ pinnedApps: async () => settings.pinnedApps });
}

beforeEach(async () => {
  fakeBrowser.reset();
  await fakeBrowser.storage.session.clear();
  await fakeBrowser.storage.local.clear();
  settings = { ...defaultSettings(), portalUrl: PORTAL, brandName: 'Acme', pinnedApps: ['payroll'] };
});

describe('prefs service', () => {
  it('the launch hook moves the app to the front of recents of the signed-in person', async () => {
    await sessionItem.set(session(password));
    const prefs = service();
    await prefs.recordLaunch('wiki');
    await prefs.recordLaunch('crm');
    await prefs.recordLaunch('wiki');
    expect((await loadPrefs(alice)).recents.ids).toEqual(['wiki', 'crm']);
  });

  it('the launch hook records nothing and does not throw when nobody is signed in', async () => {
    expect(await currentPrefsOwner()).toBeNull();
    await expect(service().recordLaunch('wiki')).resolves.toBeUndefined();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
  });

  it('a launch also reorders the stored popup snapshot, so the next popup paints it', async () => {
    await sessionItem.set(session(password));
    await popupSnapshotItem.set({ ...alice, state: { status: 'signedIn', launcher: { brandName: 'Acme' } } });
    await service().recordLaunch('wiki');
    expect((await popupSnapshotItem.get())?.state.launcher).toMatchObject({
      prefs: { favorites: [], recents: ['wiki'], view: 'grid' },
    });
  });

  it('popup changes: refused when signed out; an admin-pinned app cannot be unpinned', async () => {
    const prefs = service();
    await expect(prefs.change({ action: 'view', view: 'list' })).rejects.toMatchObject({
      code: 'signed_out',
    });
    await sessionItem.set(session(password));
    await expect(prefs.change({ action: 'pin', appId: 'wiki' })).resolves.toMatchObject({
      favorites: ['wiki'],
    });
    await expect(prefs.change({ action: 'unpin', appId: 'payroll' })).rejects.toBeInstanceOf(Error);
    expect(await prefs.change({ action: 'view', view: 'list' })).toEqual({
      favorites: ['wiki'],
      recents: [],
      view: 'list',
    });
  });
});

describe('popup view', () => {
  const signedInState: LauncherState = {
    status: 'signedIn',
    portalUrl: PORTAL,
    portalUrlForced: false,
    user: { name: 'Alice', email: 'alice@example.com', initials: 'A', jobTitle: null },
    apps: [],
    appsProblem: null,
    notice: null,
  };

  it('A4: the MFA time is only given for the policy MFA level with a second factor', () => {
    expect(launcherViewOf(settings, mfa, defaultPrefs(), NOW).mfaAuthTime).toBe(mfa.authTime);
    expect(launcherViewOf(settings, password, defaultPrefs(), NOW).mfaAuthTime).toBeNull();
    expect(launcherViewOf(settings, { ...mfa, amr: ['pwd'] }, defaultPrefs(), NOW).mfaAuthTime).toBeNull();
    expect(
      launcherViewOf({ ...settings, stepUpAcrValue: 'urn:acme:loa:2' }, mfa, defaultPrefs(), NOW).mfaAuthTime,
    ).toBeNull();
    expect(launcherViewOf(settings, null, defaultPrefs(), NOW)).toMatchObject({
      brandName: 'Acme',
      pinnedApps: ['payroll'],
    });
  });

  it("adds the policy view and the person's prefs, and publishes the snapshot", async () => {
    await sessionItem.set(session(mfa));
    const prefs = service();
    await prefs.change({ action: 'pin', appId: 'wiki' });
    const view = createPopupView({ settings: async () => settings, prefs, now: () => NOW });
    const result = await view.forPopup(signedInState);
    expect(result.launcher).toMatchObject({
      brandName: 'Acme',
      mfaAuthTime: mfa.authTime,
      prefs: { favorites: ['wiki'], recents: [], view: 'grid' },
    });
    // Written after the answer (only the next popup reads it).
    await view.published();
    expect((await popupSnapshotItem.get())?.sub).toBe('alice');
  });

  it('takes the session the launcher kept, without reading storage again', async () => {
    // Nothing in storage.session: the MFA time can only come from the session given.
    const view = createPopupView({
      settings: async () => settings,
      prefs: service(),
      session: async () => session(mfa),
      now: () => NOW,
    });
    const result = await view.forPopup(signedInState);
    expect(result.launcher?.mfaAuthTime).toBe(mfa.authTime);
  });

  it('writes the snapshots in the order of the answers', async () => {
    await sessionItem.set(session(mfa));
    let brand = 0;
    const view = createPopupView({
      settings: async () => ({ ...settings, brandName: `Acme ${++brand}` }),
      prefs: service(),
      now: () => NOW,
    });
    await Promise.all([view.forPopup(signedInState), view.forPopup(signedInState)]);
    await view.published();
    expect((await popupSnapshotItem.get())?.state.launcher).toMatchObject({ brandName: 'Acme 2' });
  });

  it('signed out: default prefs and no snapshot', async () => {
    await popupSnapshotItem.set({ ...alice, state: { status: 'signedIn' } });
    const view = createPopupView({ settings: async () => settings, prefs: service(), now: () => NOW });
    const result = await view.forPopup({ ...signedInState, status: 'signedOut', user: null, apps: null });
    expect(result.launcher?.prefs).toEqual({ favorites: [], recents: [], view: 'grid' });
    expect(result.launcher?.mfaAuthTime).toBeNull();
    await view.published();
    expect(await popupSnapshotItem.get()).toBeNull();
  });

  it('announceStateChange tells open popups when', async () => {
    await announceStateChange(() => 1234);
    expect(await stateChangedItem.get()).toBe(1234);
  });
});
