/**
 * The catalog cache's summary (issue 15): what a popup holding the current
 * catalog is answered from, so it must never name a catalog the store does
 * not hold, nor outlive its session (the answers through the launcher are in
 * held-catalog.test.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { meSchema } from '../../contract/schemas.ts';
import { catalogVersion } from '../catalog/catalog-delta.ts';
import { testApp } from '../portal/__tests__/apps.ts';
import type { CatalogSummary } from '../storage.ts';
import { cacheOf, gate, ISSUER, memoryCache, stored } from './__tests__/memory-catalog.ts';
import { ownedBy } from './catalog-source.ts';

describe('catalog summary (issue 15: a popup holding the current catalog is answered without reading it)', () => {
  const me = meSchema.parse({
    id: 'u-alice',
    email: 'alice@example.com',
    displayName: 'Alice Example',
    initials: 'AE',
    jobTitle: 'Engineer',
    photoUrl: null,
    mfa: { totp: true },
    sections: [],
  });

  it('is written after the catalog it sums up, with owner, version and the profile line only', async () => {
    const { box, cache } = memoryCache();
    const saved = await cache.save({ ...cacheOf('alice'), me });
    expect(box.summaryWrites).toEqual(['remove', `set ${saved.version}`]);
    expect(box.summary).toEqual({
      issuer: ISSUER,
      sub: 'alice',
      version: saved.version,
      me: { displayName: 'Alice Example', email: 'alice@example.com', initials: 'AE', jobTitle: 'Engineer' },
    });
    expect(await cache.summary()).toEqual(box.summary);
    // Whose it is: never another person's.
    expect(ownedBy(box.summary as CatalogSummary, stored)).toBe(true);
    expect(ownedBy(box.summary as CatalogSummary, { ...stored, user: { ...stored.user, sub: 'bob' } })).toBe(
      false,
    );
  });

  it('a catalog that failed to store leaves no summary naming it (the old one is removed first)', async () => {
    const { box, cache } = memoryCache();
    await cache.save(cacheOf('alice'));
    box.failWrites = true;
    await cache.save(cacheOf('alice', [testApp('crm')]));
    expect(box.summary).toBeNull();
    expect(await cache.summary()).toBeNull();
  });

  it('an older record (without a summary) is summarised by its next full read; an unversioned one never', async () => {
    const version = await catalogVersion([testApp('wiki')]);
    const { box, cache } = memoryCache({ ...cacheOf('alice'), version });
    expect(await cache.summary()).toBeNull();
    await cache.forSession(stored);
    expect((await cache.summary())?.version).toBe(version);
    // Read again: already summarised, not written twice.
    await cache.forSession(stored);
    expect(box.summaryWrites).toEqual([`set ${version}`]);

    const unversioned = memoryCache(cacheOf('alice'));
    await unversioned.cache.forSession(stored);
    expect(await unversioned.cache.summary()).toBeNull();
  });

  it('a failing removal of the old summary keeps the old catalog: the summary never calls a replaced one current', async () => {
    const { box, cache } = memoryCache();
    const old = await cache.save(cacheOf('alice'));
    box.failRemove = true;
    const fresh = await cache.save(cacheOf('alice', [testApp('crm')]));
    // The fresh catalog is still answered; the store keeps the one its summary names.
    expect(fresh.apps.map((app) => app.id)).toEqual(['crm']);
    expect(box.value?.version).toBe(old.version);
    expect((await cache.summary())?.version).toBe(old.version);
    expect(box.logged).toEqual([
      'catalog cache not saved (its old summary could not be removed): Error: storage.session unavailable',
    ]);
  });

  it('a summary of a catalog read before a newer one was saved is dropped, not written over the newer summary', async () => {
    const { box, cache } = memoryCache({
      ...cacheOf('alice'),
      version: await catalogVersion([testApp('wiki')]),
    });
    const reading = gate();
    box.reading = reading.promise;
    const read = cache.forSession(stored);
    box.reading = null;
    const saved = await cache.save(cacheOf('alice', [testApp('crm')]));
    reading.open();
    expect((await read)?.apps.map((app) => app.id)).toEqual(['wiki']);
    expect((await cache.summary())?.version).toBe(saved.version);
    expect(box.value?.version).toBe(saved.version);
  });

  it('A12: a summary that lands after sign-out cleared the storage is removed again (no name or email left)', async () => {
    const { box, cache } = memoryCache();
    const landing = gate();
    box.landing = landing.promise;
    const saving = cache.save({ ...cacheOf('alice'), me });
    await vi.waitFor(() => expect(box.summaryWrites).toContain(`set ${box.value?.version}`));
    // Sign-out (utils/storage-registry.ts clearStoredItems) removes the catalog and the summary.
    box.value = null;
    box.summary = null;
    landing.open();
    await saving;
    expect(box.summary).toBeNull();
    expect(await cache.summary()).toBeNull();
  });

  it('a refresh with the same version and profile line writes neither summary nor its removal (Firefox reports equal writes)', async () => {
    const { box, cache } = memoryCache();
    const first = await cache.save({ ...cacheOf('alice'), me });
    const again = await cache.save({ ...cacheOf('alice'), me, fetchedAt: 2 });
    expect(again.version).toBe(first.version);
    expect(box.summaryWrites).toEqual(['remove', `set ${first.version}`]);
    expect(box.value?.fetchedAt).toBe(2);
    expect((await cache.summary())?.version).toBe(first.version);
    // A changed profile line is a changed summary, with the same apps.
    await cache.save({ ...cacheOf('alice'), me: { ...me, displayName: 'Alice Renamed' } });
    expect(box.summaryWrites).toEqual(['remove', `set ${first.version}`, 'remove', `set ${first.version}`]);
    expect((await cache.summary())?.me?.displayName).toBe('Alice Renamed');
  });
});
