/**
 * Issue 15, the worker's cold wake: a popup that holds the current catalog
 * (it names its version) is answered from the catalog's summary in
 * `storage.session`, without reading the catalog cache; anything else takes
 * the full path, and the summary never outlives its session.
 */
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { catalogSummaryItem } from '../storage.ts';
import { STORAGE_LOCATIONS } from '../storage-locations.ts';
import { useLauncherEnv } from './__tests__/launcher-env.ts';

const env = useLauncherEnv();

/** Signs in (the catalog is fetched and stored) and answers the launcher and the stored version. */
async function signedInWithCatalog() {
  const launcher = await env.signedIn();
  const version = env.catalog?.version;
  if (!version) throw new Error('The sign-in stored no versioned catalog.');
  return { launcher, version };
}

describe('a popup holding the current catalog (issue 15)', () => {
  it('is answered without apps and without reading the catalog; the rest of the state is the full answer', async () => {
    const { launcher, version } = await signedInWithCatalog();
    const full = await launcher.getState(false);
    const reads = env.catalogReads;
    const held = await launcher.getState(false, version);
    expect(env.catalogReads).toBe(reads);
    expect(held).toEqual({ ...full, apps: null, catalogVersion: version });
    // A worker started afresh (new launcher, same storage) answers the same way.
    expect(await env.makeLauncher().getState(false, version)).toEqual(held);
    expect(env.catalogReads).toBe(reads);
  });

  it('another version, a refresh, or no version named: the whole catalog, read from the cache', async () => {
    const { launcher, version } = await signedInWithCatalog();
    const reads = env.catalogReads;
    expect((await launcher.getState(false, 'stale-version')).apps).toHaveLength(3);
    expect((await launcher.getState(false)).apps).toHaveLength(3);
    expect((await launcher.getState(true, version)).apps).toHaveLength(3);
    expect(env.catalogReads).toBeGreaterThan(reads);
  });

  it('a catalog changed by a refresh replaces the summary: the old version is no longer current', async () => {
    const { launcher, version } = await signedInWithCatalog();
    env.portal.state.apps = env.portal.state.apps.slice(1);
    const refreshed = await launcher.getState(true);
    expect(refreshed.catalogVersion).not.toBe(version);
    expect((await launcher.getState(false, version)).apps).toHaveLength(2);
    expect((await launcher.getState(false, refreshed.catalogVersion)).apps).toBeNull();
  });

  it('A12: sign-out clears the summary; the held version then answers signed out', async () => {
    const { launcher, version } = await signedInWithCatalog();
    expect(await catalogSummaryItem.get()).not.toBeNull();
    await launcher.signOut();
    expect(await catalogSummaryItem.get()).toBeNull();
    expect(await launcher.getState(false, version)).toMatchObject({ status: 'signedOut', apps: null });
  });

  it('A11: a change of portal address or client id clears the summary with the session', async () => {
    const { launcher } = await signedInWithCatalog();
    await launcher.handleIdentityChange();
    expect(await catalogSummaryItem.get()).toBeNull();
  });

  it("another person's summary is never answered: the full path reads that person's own catalog", async () => {
    const { launcher, version } = await signedInWithCatalog();
    const summary = await catalogSummaryItem.get();
    if (!summary) throw new Error('No summary stored.');
    await catalogSummaryItem.set({ ...summary, sub: 'someone-else' });
    const reads = env.catalogReads;
    expect((await launcher.getState(false, version)).apps).toHaveLength(3);
    expect(env.catalogReads).toBe(reads + 1);
  });

  it('a catalog stored before summaries existed is answered whole once, then summarised', async () => {
    const { launcher, version } = await signedInWithCatalog();
    await catalogSummaryItem.remove();
    const worker = env.makeLauncher();
    expect((await worker.getState(false, version)).apps).toHaveLength(3);
    // The summary is written behind that answer (and checked against the stored catalog once it landed).
    expect((await worker.getState(false, version)).apps).toBeNull();
    const reads = env.catalogReads;
    expect((await worker.getState(false, version)).apps).toBeNull();
    expect(env.catalogReads).toBe(reads);
    expect((await launcher.getState(false, version)).apps).toBeNull();
  });

  it('C8: an unreadable stored summary (older or damaged format) is dropped and the full path answers', async () => {
    const { launcher, version } = await signedInWithCatalog();
    const { area, key } = STORAGE_LOCATIONS.catalogSummary;
    await fakeBrowser.storage[area].set({ [key]: { version: 0, value: { catalog: 'old shape' } } });
    const worker = env.makeLauncher();
    expect((await worker.getState(false, version)).apps).toHaveLength(3);
    // Summarised afresh behind that answer.
    expect((await worker.getState(false, version)).apps).toBeNull();
    await fakeBrowser.storage[area].set({ [key]: { version: 1, value: { issuer: 42 } } });
    expect((await launcher.getState(false, version)).apps).toHaveLength(3);
  });

  it('provider-only mode (apps from policy) never takes this path', async () => {
    env.portal.state.portalApi = false;
    env.policyApps = [
      { id: 'mail', name: 'Mail', url: 'https://mail.example.test/' },
    ] as typeof env.policyApps;
    const launcher = await env.signedIn();
    // The policy catalog is stored and summarised too: ask with its real version.
    const version = env.catalog?.version;
    expect(version).toBeTruthy();
    expect((await catalogSummaryItem.get())?.version).toBe(version);
    const state = await launcher.getState(false, version);
    expect(state.apps?.map((app) => app.id)).toEqual(['mail']);
  });
});
