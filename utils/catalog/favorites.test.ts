import { describe, expect, it } from 'vitest';
import { CatalogError } from './errors.ts';
import {
  emptyFavorites,
  type FavoritesState,
  favoritesStateSchema,
  MAX_FAVORITES,
  migrateFavorites,
  moveFavorite,
  pinFavorite,
  unpinFavorite,
} from './favorites.ts';

const state = (...ids: string[]): FavoritesState => ({ version: 1, ids });
const adminPinned = ['policy-a', 'policy-b'];

function catalogError(run: () => unknown): CatalogError {
  try {
    run();
  } catch (error) {
    if (error instanceof CatalogError) return error;
    throw error;
  }
  throw new Error('expected a CatalogError');
}

describe('pinFavorite', () => {
  it('appends, and leaves its input alone', () => {
    const before = state('a');
    const after = pinFavorite(before, 'b');
    expect(after.ids).toEqual(['a', 'b']);
    expect(before.ids).toEqual(['a']);
    expect(favoritesStateSchema.safeParse(after).success).toBe(true);
  });

  it.each([
    ['already a favorite', 'a'],
    ['pinned by the administrator', 'policy-a'],
    ['not an app id the portal could send', ''],
  ])('changes nothing for an app %s', (_, id) => {
    const before = state('a');
    expect(pinFavorite(before, id, { adminPinned })).toBe(before);
  });

  it('refuses past the limit with favorites_full and a remedy', () => {
    const full = state(...Array.from({ length: MAX_FAVORITES }, (_, i) => `app-${i}`));
    const error = catalogError(() => pinFavorite(full, 'one-more'));
    expect(error.code).toBe('favorites_full');
    expect(error.message).toMatch(/Unpin/);
  });
});

describe('unpinFavorite', () => {
  it('removes the app and keeps the order of the others', () => {
    expect(unpinFavorite(state('a', 'b', 'c'), 'b').ids).toEqual(['a', 'c']);
  });

  it('changes nothing for an app that is not pinned', () => {
    const before = state('a');
    expect(unpinFavorite(before, 'z')).toBe(before);
  });

  it('refuses an admin-pinned app with admin_pinned', () => {
    expect(catalogError(() => unpinFavorite(state('a'), 'policy-b', { adminPinned })).code).toBe(
      'admin_pinned',
    );
  });
});

describe('moveFavorite', () => {
  it.each([
    [['a', 'b', 'c', 'd'], 'a', 2, ['b', 'c', 'a', 'd']],
    [['a', 'b', 'c', 'd'], 'd', 0, ['d', 'a', 'b', 'c']],
    [['a', 'b', 'c', 'd'], 'b', 3, ['a', 'c', 'd', 'b']],
    [['a', 'b', 'c', 'd'], 'b', 99, ['a', 'c', 'd', 'b']],
    [['a', 'b', 'c', 'd'], 'c', -5, ['c', 'a', 'b', 'd']],
    [['a', 'b', 'c', 'd'], 'c', 1.7, ['a', 'c', 'b', 'd']],
    [['a', 'b', 'c', 'd'], 'c', Number.NaN, ['a', 'b', 'c', 'd']],
  ])('%j: move %s to %d → %j', (ids, id, to, expected) => {
    expect(moveFavorite(state(...ids), id, to).ids).toEqual(expected);
  });

  it('refuses to move an admin-pinned app (admin_pinned)', () => {
    expect(catalogError(() => moveFavorite(state('a'), 'policy-a', 0, { adminPinned })).code).toBe(
      'admin_pinned',
    );
  });

  it('refuses to move an app that is not pinned (not_a_favorite)', () => {
    expect(catalogError(() => moveFavorite(state('a'), 'b', 0)).code).toBe('not_a_favorite');
  });
});

describe('migrateFavorites (C8: stored data from an older version or garbage)', () => {
  it.each([
    ['a current state passes through', { version: 1, ids: ['a', 'b'] }, ['a', 'b']],
    ['version 0: a bare array of ids', ['a', 'b'], ['a', 'b']],
    ['whole numbers from a version that stored ids unquoted', [12, 'b', 3.5], ['12', 'b']],
    ['duplicates keep the first place', { version: 1, ids: ['a', 'b', 'a'] }, ['a', 'b']],
    [
      'invalid entries are dropped, valid ones kept in order',
      { version: 1, ids: ['a', '', null, 7n, {}, 'b', 'x'.repeat(101)] },
      ['a', 'b'],
    ],
    ['a future version keeps its ids', { version: 9, ids: ['a'], layout: 'grid' }, ['a']],
    ['a missing version keeps its ids', { ids: ['a'] }, ['a']],
    ['ids that are not an array', { version: 1, ids: 'a,b' }, []],
    ['null', null, []],
    ['undefined', undefined, []],
    ['a string', 'favorites', []],
    ['a number', 42, []],
    ['an empty object', {}, []],
  ])('%s', (_, stored, expected) => {
    const migrated = migrateFavorites(stored);
    expect(migrated).toEqual({ version: 1, ids: expected });
    expect(favoritesStateSchema.safeParse(migrated).success).toBe(true);
  });

  it('an oversized list keeps the first MAX_FAVORITES valid ids', () => {
    const stored = { version: 1, ids: Array.from({ length: 50_000 }, (_, i) => `app-${i}`) };
    const migrated = migrateFavorites(stored);
    expect(migrated.ids).toHaveLength(MAX_FAVORITES);
    expect(migrated.ids[0]).toBe('app-0');
  });

  it('an object whose ids getter throws becomes empty instead of crashing', () => {
    const hostile = {
      get ids(): string[] {
        throw new Error('boom');
      },
    };
    expect(migrateFavorites(hostile)).toEqual(emptyFavorites());
  });
});
