import { describe, expect, it } from 'vitest';
import type { PortalApp } from '../../contract/schemas.ts';
import { buildSections } from './sections.ts';

const app = (id: string, category: string | null = null): PortalApp => ({
  id,
  name: id.toUpperCase(),
  description: null,
  iconUrl: null,
  category,
  requiresMfa: false,
  mfaMaxAgeSeconds: null,
  kind: 'oidc',
  url: null,
  detailsUrl: null,
});

const summary = (sections: ReturnType<typeof buildSections>) =>
  sections.map((s) => [s.kind, s.category, s.apps.map((a) => a.id)]);

describe('launcher sections', () => {
  it('admin-pinned first, then favorites, recents, then all apps; each app once', () => {
    const apps = [app('a'), app('b'), app('c'), app('d'), app('e')];
    const sections = buildSections({ apps, adminPinned: ['d'], favorites: ['b', 'd'], recents: ['b', 'e'] });
    expect(summary(sections)).toEqual([
      ['pinned', null, ['d']],
      ['favorites', null, ['b']],
      ['recents', null, ['e']],
      ['all', null, ['a', 'c']],
    ]);
  });

  it('groups the rest by category in catalog order, uncategorized last as "other"', () => {
    const apps = [app('a', 'HR'), app('b'), app('c', 'Engineering'), app('d', 'HR'), app('e', '  ')];
    expect(summary(buildSections({ apps, adminPinned: [], favorites: ['d'], recents: [] }))).toEqual([
      ['favorites', null, ['d']],
      ['category', 'HR', ['a']],
      ['category', 'Engineering', ['c']],
      ['other', null, ['b', 'e']],
    ]);
  });

  it('leaves out empty sections and ids that are no longer assigned', () => {
    expect(
      summary(buildSections({ apps: [app('a')], adminPinned: ['gone'], favorites: ['gone'], recents: [] })),
    ).toEqual([['all', null, ['a']]]);
    expect(buildSections({ apps: [], adminPinned: [], favorites: [], recents: [] })).toEqual([]);
  });
});
