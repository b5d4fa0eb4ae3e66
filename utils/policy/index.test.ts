import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { LAUNCHER_CLIENT_ID } from '../../contract/constants';
import {
  loadPolicy,
  MANAGED_STORAGE_TIMEOUT_MS,
  type PolicyChange,
  PolicyError,
  saveUserSettings,
  USER_SETTINGS_STORAGE_KEY,
  watchPolicy,
} from './index';

const ADMIN_PORTAL = 'https://portal.acme.example';
const USER_PORTAL = 'https://portal.user.example';

beforeEach(() => {
  fakeBrowser.reset();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

async function storedUserSettings(): Promise<unknown> {
  return (await fakeBrowser.storage.local.get(USER_SETTINGS_STORAGE_KEY))[USER_SETTINGS_STORAGE_KEY];
}

/** Waits until `predicate` holds, polling the event loop (watchPolicy re-reads storage asynchronously). */
async function until(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('loadPolicy', () => {
  it('A11: reads managed storage and the user settings item and resolves them', async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL, brandName: 'Acme' });
    await fakeBrowser.storage.local.set({
      [USER_SETTINGS_STORAGE_KEY]: { portalUrl: USER_PORTAL, theme: 'dark' },
    });
    const { settings, forced, problems } = await loadPolicy();
    expect(settings.portalUrl).toBe(ADMIN_PORTAL);
    expect(settings.brandName).toBe('Acme');
    expect(settings.theme).toBe('dark');
    expect([...forced].sort()).toEqual(['brandName', 'portalUrl']);
    expect(problems).toEqual([]);
    // The background reads `forced` as a set of strings; that must compile.
    const asStrings: ReadonlySet<string> = forced;
    expect(asStrings.has('portalUrl')).toBe(true);
  });

  it('A11: managed storage that throws counts as no policy (Firefox without policies.json)', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockRejectedValue(
      new Error('Managed storage manifest not found'),
    );
    await fakeBrowser.storage.local.set({ [USER_SETTINGS_STORAGE_KEY]: { portalUrl: USER_PORTAL } });
    const { settings, forced, problems } = await loadPolicy();
    expect(settings.portalUrl).toBe(USER_PORTAL);
    expect(settings.clientId).toBe(LAUNCHER_CLIENT_ID);
    expect(forced.size).toBe(0);
    expect(problems).toEqual([]);
  });

  it('A11: managed storage that throws synchronously counts as no policy', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockImplementation(() => {
      throw new Error('storage.managed is not available');
    });
    const { settings } = await loadPolicy();
    expect(settings.portalUrl).toBeNull();
  });

  it('A11: managed storage that never answers gives up after about one second', async () => {
    vi.useFakeTimers();
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockReturnValue(new Promise(() => {}));
    await fakeBrowser.storage.local.set({ [USER_SETTINGS_STORAGE_KEY]: { theme: 'light' } });
    let settled = false;
    const pending = loadPolicy().finally(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(MANAGED_STORAGE_TIMEOUT_MS - 50);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(settled).toBe(true);
    const { settings, forced } = await pending;
    expect(settings.theme).toBe('light');
    expect(forced.size).toBe(0);
    expect(MANAGED_STORAGE_TIMEOUT_MS).toBeLessThanOrEqual(1000);
  });

  it('C8: a failing local storage read is reported, and managed policy still applies', async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    vi.spyOn(fakeBrowser.storage.local, 'get').mockRejectedValue(new Error('IO error: database corrupted'));
    const { settings, problems } = await loadPolicy();
    expect(settings.portalUrl).toBe(ADMIN_PORTAL);
    expect(problems).toEqual([
      expect.objectContaining({
        key: null,
        source: 'user',
        message: expect.stringContaining('database corrupted'),
      }),
    ]);
  });

  it('A11: an http:// remote issuer in managed storage is reported and no portal address results', async () => {
    await fakeBrowser.storage.managed.set({
      portalUrl: 'http://portal.acme.example',
      allowUserPortalUrl: false,
    });
    await fakeBrowser.storage.local.set({ [USER_SETTINGS_STORAGE_KEY]: { portalUrl: USER_PORTAL } });
    const { settings, problems } = await loadPolicy();
    expect(settings.portalUrl).toBeNull();
    expect(problems).toEqual([expect.objectContaining({ key: 'portalUrl', source: 'managed' })]);
  });
});

describe('saveUserSettings', () => {
  it('A11: stores valid user settings and returns the new result', async () => {
    const result = await saveUserSettings({
      portalUrl: ` ${USER_PORTAL} `,
      theme: 'dark',
      language: 'pt-br',
    });
    expect(result.settings.portalUrl).toBe(USER_PORTAL);
    expect(result.settings.language).toBe('pt-BR');
    expect(await storedUserSettings()).toEqual({ portalUrl: USER_PORTAL, theme: 'dark', language: 'pt-BR' });
    expect((await loadPolicy()).settings.theme).toBe('dark');
  });

  it('A11: refuses to write a forced key, and writes nothing else from that patch', async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    await fakeBrowser.storage.local.set({ [USER_SETTINGS_STORAGE_KEY]: { theme: 'light' } });
    const attempt = saveUserSettings({ theme: 'dark', portalUrl: USER_PORTAL });
    await expect(attempt).rejects.toBeInstanceOf(PolicyError);
    await expect(attempt).rejects.toMatchObject({ code: 'forced', key: 'portalUrl' });
    await expect(attempt).rejects.toThrow(/administrator/);
    expect(await storedUserSettings()).toEqual({ theme: 'light' });
  });

  it('A11: the portal address is forced when users may not choose it, even with no managed address', async () => {
    await fakeBrowser.storage.managed.set({ allowUserPortalUrl: false });
    await expect(saveUserSettings({ portalUrl: USER_PORTAL })).rejects.toMatchObject({ code: 'forced' });
    await expect(saveUserSettings({ portalUrl: null })).rejects.toMatchObject({ code: 'forced' });
    expect(await storedUserSettings()).toBeUndefined();
  });

  it('A11: an invalid managed value does not lock the key, so the user can still set it', async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: 'http://portal.acme.example' });
    const result = await saveUserSettings({ portalUrl: USER_PORTAL });
    expect(result.settings.portalUrl).toBe(USER_PORTAL);
    expect(result.forced.has('portalUrl')).toBe(false);
  });

  it('A11: refuses an http:// remote portal address with code "invalid"', async () => {
    const attempt = saveUserSettings({ portalUrl: 'http://portal.user.example' });
    await expect(attempt).rejects.toMatchObject({ code: 'invalid', key: 'portalUrl' });
    await expect(attempt).rejects.toThrow(/must use https:\/\//);
    expect(await storedUserSettings()).toBeUndefined();
  });

  it('C8: refuses policy-only and unknown keys with code "unknown_setting"', async () => {
    // @ts-expect-error clientId is not a user setting
    await expect(saveUserSettings({ clientId: 'other' })).rejects.toMatchObject({
      code: 'unknown_setting',
      message: expect.stringContaining("administrator's policy"),
    });
    // @ts-expect-error not a setting at all
    await expect(saveUserSettings({ colour: 'red' })).rejects.toMatchObject({ code: 'unknown_setting' });
    // @ts-expect-error a patch is an object
    await expect(saveUserSettings('dark')).rejects.toMatchObject({ code: 'invalid' });
    expect(await storedUserSettings()).toBeUndefined();
  });

  it('C8: null resets a setting; valid stored values survive, invalid ones are dropped', async () => {
    await fakeBrowser.storage.local.set({
      [USER_SETTINGS_STORAGE_KEY]: { portalUrl: USER_PORTAL, theme: 'neon', language: 'de', legacy: 1 },
    });
    const result = await saveUserSettings({ language: null });
    expect(await storedUserSettings()).toEqual({ portalUrl: USER_PORTAL });
    expect(result.settings.language).toBeNull();
    expect(result.problems).toEqual([]);
  });

  it('C8: a failing storage write is a "storage" error', async () => {
    vi.spyOn(fakeBrowser.storage.local, 'set').mockRejectedValue(new Error('QUOTA_BYTES quota exceeded'));
    const attempt = saveUserSettings({ theme: 'dark' });
    await expect(attempt).rejects.toMatchObject({ code: 'storage' });
    await expect(attempt).rejects.toHaveProperty('cause.message', 'QUOTA_BYTES quota exceeded');
  });

  it('C8: concurrent saves are applied one after another, losing neither', async () => {
    await Promise.all([saveUserSettings({ theme: 'dark' }), saveUserSettings({ language: 'fr' })]);
    expect(await storedUserSettings()).toEqual({ theme: 'dark', language: 'fr' });
  });
});

describe('watchPolicy', () => {
  it('A11: a new managed issuer reports identityChanged (the caller signs out)', async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    const initial = await loadPolicy();
    const changes: PolicyChange[] = [];
    const stop = watchPolicy((change) => changes.push(change), { initial });

    await fakeBrowser.storage.managed.set({ portalUrl: 'https://portal.other.example' });
    await until(() => changes.length === 1);
    expect(changes[0]?.identityChanged).toBe(true);
    expect(changes[0]?.previous.portalUrl).toBe(ADMIN_PORTAL);
    expect(changes[0]?.settings.portalUrl).toBe('https://portal.other.example');
    stop();
  });

  it('A11: a new client id is an identity change; branding is not', async () => {
    const changes: PolicyChange[] = [];
    const stop = watchPolicy((change) => changes.push(change), { initial: await loadPolicy() });

    await fakeBrowser.storage.managed.set({ brandName: 'Acme' });
    await until(() => changes.length === 1);
    expect(changes[0]?.identityChanged).toBe(false);
    expect(changes[0]?.forced.has('brandName')).toBe(true);

    await fakeBrowser.storage.managed.set({ clientId: 'acme-launcher' });
    await until(() => changes.length === 2);
    expect(changes[1]?.identityChanged).toBe(true);
    expect(changes[1]?.settings.clientId).toBe('acme-launcher');
    stop();
  });

  it('A11: policy landing after start (Chromium loads it late) replaces the user address and reports it', async () => {
    await fakeBrowser.storage.local.set({ [USER_SETTINGS_STORAGE_KEY]: { portalUrl: USER_PORTAL } });
    const changes: PolicyChange[] = [];
    const stop = watchPolicy((change) => changes.push(change));
    await new Promise((resolve) => setTimeout(resolve, 20));

    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    await until(() => changes.length === 1);
    expect(changes[0]?.previous.portalUrl).toBe(USER_PORTAL);
    expect(changes[0]?.settings.portalUrl).toBe(ADMIN_PORTAL);
    expect(changes[0]?.identityChanged).toBe(true);
    stop();
  });

  it('A11: the user changing the portal address in another context is an identity change', async () => {
    const changes: PolicyChange[] = [];
    const stop = watchPolicy((change) => changes.push(change), { initial: await loadPolicy() });
    await saveUserSettings({ portalUrl: USER_PORTAL });
    await until(() => changes.length === 1);
    expect(changes[0]?.identityChanged).toBe(true);

    await saveUserSettings({ theme: 'dark' });
    await until(() => changes.length === 2);
    expect(changes[1]?.identityChanged).toBe(false);
    expect(changes[1]?.settings.theme).toBe('dark');
    stop();
  });

  it('A11: an invalid managed change is reported as a problem and does not change the identity', async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    const changes: PolicyChange[] = [];
    const stop = watchPolicy((change) => changes.push(change), { initial: await loadPolicy() });
    await fakeBrowser.storage.managed.set({ idleSignOutMinutes: -3 });
    await until(() => changes.length === 1);
    expect(changes[0]?.identityChanged).toBe(false);
    expect(changes[0]?.problems).toEqual([
      expect.objectContaining({ key: 'idleSignOutMinutes', source: 'managed' }),
    ]);
    stop();
  });

  it("A11: a change between the caller's load and the subscription is still reported", async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    const initial = await loadPolicy();
    await fakeBrowser.storage.managed.set({ portalUrl: 'https://portal.other.example' });
    const changes: PolicyChange[] = [];
    const stop = watchPolicy((change) => changes.push(change), { initial });
    await until(() => changes.length === 1);
    expect(changes[0]?.identityChanged).toBe(true);
    expect(changes[0]?.settings.portalUrl).toBe('https://portal.other.example');
    stop();
  });

  it('A11: unrelated storage changes and identical results are not reported, nor anything after stop', async () => {
    const onChange = vi.fn();
    const stop = watchPolicy(onChange, { initial: await loadPolicy() });
    await fakeBrowser.storage.local.set({ unrelated: 1 });
    await fakeBrowser.storage.session.set({ tokens: 'x' });
    await fakeBrowser.storage.local.set({ [USER_SETTINGS_STORAGE_KEY]: {} });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(onChange).not.toHaveBeenCalled();

    stop();
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(onChange).not.toHaveBeenCalled();
  });

  it('C8: a throwing subscriber does not stop later changes from being delivered', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let calls = 0;
    const stop = watchPolicy(
      () => {
        calls += 1;
        if (calls === 1) throw new Error('subscriber bug');
      },
      { initial: await loadPolicy() },
    );
    await fakeBrowser.storage.managed.set({ brandName: 'One' });
    await until(() => calls === 1);
    await fakeBrowser.storage.managed.set({ brandName: 'Two' });
    await until(() => calls === 2);
    expect(console.error).toHaveBeenCalledTimes(1);
    stop();
  });
});
