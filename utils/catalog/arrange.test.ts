import { describe, expect, it } from 'vitest';
import type { PortalApp } from '../../contract/schemas.ts';
import { testApp } from '../portal/__tests__/apps.ts';
import { arrangeCatalog } from './arrange.ts';

const fakeApp = (id: string): PortalApp => testApp(id, { name: id.toUpperCase() });
const apps = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(fakeApp);
const ids = (list: readonly PortalApp[]) => list.map((app) => app.id);

describe('arrangeCatalog', () => {
  it('admin-pinned first in policy order, then favorites, recents and the rest in catalog order', () => {
    const arranged = arrangeCatalog({
      apps,
      adminPinned: ['e', 'b'],
      favorites: ['g', 'a'],
      recents: ['c', 'g', 'f'],
    });
    expect(ids(arranged.pinned)).toEqual(['e', 'b']);
    expect(ids(arranged.favorites)).toEqual(['g', 'a']);
    expect(ids(arranged.recents)).toEqual(['c', 'f']);
    expect(ids(arranged.rest)).toEqual(['d']);
  });

  it('every assigned app appears exactly once', () => {
    const arranged = arrangeCatalog({
      apps,
      adminPinned: ['a', 'a'],
      favorites: ['a', 'b', 'b'],
      recents: ['b', 'c'],
    });
    const all = [...arranged.pinned, ...arranged.favorites, ...arranged.recents, ...arranged.rest].map(
      (a) => a.id,
    );
    expect(all.sort()).toEqual(ids(apps));
  });

  it('drops ids that are no longer assigned', () => {
    const arranged = arrangeCatalog({
      apps: apps.slice(0, 3),
      adminPinned: ['gone-1', 'a'],
      favorites: ['gone-2', 'b'],
      recents: ['gone-3', 'c'],
    });
    expect(ids(arranged.pinned)).toEqual(['a']);
    expect(ids(arranged.favorites)).toEqual(['b']);
    expect(ids(arranged.recents)).toEqual(['c']);
    expect(arranged.rest).toEqual([]);
  });

  it('an empty catalog gives empty sections', () => {
    expect(arrangeCatalog({ apps: [], adminPinned: ['a'], favorites: ['b'], recents: ['c'] })).toEqual({
      pinned: [],
      favorites: [],
      recents: [],
      rest: [],
    });
  });
});
