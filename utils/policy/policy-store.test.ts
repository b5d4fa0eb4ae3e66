import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { PolicyChange } from './index.ts';
import { createPolicyStore } from './policy-store.ts';

const ADMIN_PORTAL = 'https://portal.acme.example';
const USER_PORTAL = 'https://portal.user.example';
const stops: Array<() => void> = [];

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('policy store (the background copy of the policy)', () => {
  it('A11: answers with the policy read at start, without reading again', async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    const policy = createPolicyStore({ managedTimeoutMs: 50 });
    const first = await policy.current();
    expect(first.settings.portalUrl).toBe(ADMIN_PORTAL);
    // Nobody watches: the store does not read managed storage again.
    await fakeBrowser.storage.managed.set({ portalUrl: 'https://later.example' });
    expect(await policy.current()).toBe(first);
  });

  it('a saved portal address applies at once', async () => {
    const policy = createPolicyStore({ managedTimeoutMs: 50 });
    await policy.savePortalUrl(USER_PORTAL);
    expect((await policy.current()).settings.portalUrl).toBe(USER_PORTAL);
  });

  it('A11: a refused save throws the policy error and the store keeps what is stored', async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    const policy = createPolicyStore({ managedTimeoutMs: 50 });
    await expect(policy.savePortalUrl(USER_PORTAL)).rejects.toMatchObject({
      name: 'PolicyError',
      code: 'forced',
    });
    expect((await policy.current()).settings.portalUrl).toBe(ADMIN_PORTAL);
  });

  it('A11: a policy change is current before the watcher hears of it, and names an identity change', async () => {
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    const policy = createPolicyStore({ managedTimeoutMs: 50 });
    const seen: Array<{ change: PolicyChange; current: string | null }> = [];
    stops.push(
      policy.watch((change) => {
        void policy.current().then((result) => seen.push({ change, current: result.settings.portalUrl }));
      }),
    );
    await policy.current();
    await fakeBrowser.storage.managed.set({ portalUrl: 'https://portal.other.example' });
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]?.current).toBe('https://portal.other.example');
    expect(seen[0]?.change.identityChanged).toBe(true);
  });

  it('a stopped watcher hears nothing more', async () => {
    const policy = createPolicyStore({ managedTimeoutMs: 50 });
    const seen: PolicyChange[] = [];
    const stop = policy.watch((change) => seen.push(change));
    await policy.current();
    stop();
    await fakeBrowser.storage.managed.set({ portalUrl: ADMIN_PORTAL });
    await policy.savePortalUrl(USER_PORTAL).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([]);
  });
});
