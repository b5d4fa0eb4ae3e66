/** The catalog as a change to the one the popup holds (issue 15): built by the background, applied by the popup. */
import { describe, expect, it } from 'vitest';
import type { PortalApp } from '../../contract/schemas.ts';
import type { LauncherState } from '../messaging.ts';
import { protocol } from '../messaging.ts';
import { testApp as app } from '../portal/__tests__/apps.ts';
import { applyCatalogDelta, catalogDeltaFrom, createCatalogMemory } from './catalog-delta.ts';

const ICON = `data:image/png;base64,${'A'.repeat(3000)}`;
const withIcon = (id: string): PortalApp => ({ ...app(id), iconUrl: ICON });

function signedIn(apps: PortalApp[], catalogVersion: string): LauncherState {
  return {
    status: 'signedIn',
    portalUrl: 'https://portal.example.test',
    portalUrlForced: false,
    user: { name: 'Alice', email: null, initials: 'A', jobTitle: null },
    apps,
    appsProblem: null,
    notice: null,
    catalogVersion,
  };
}

describe('catalog delta', () => {
  it('an unchanged catalog is no change at all, and applies to the same apps', () => {
    const apps = [withIcon('a'), app('b')];
    const delta = catalogDeltaFrom('v1', apps, structuredClone(apps));
    expect(delta).toEqual({ base: 'v1', order: null, changed: [] });
    expect(applyCatalogDelta(apps, delta)).toEqual(apps);
  });

  it('renamed, added, removed and moved apps: only the changed apps travel, and the popup rebuilds the catalog exactly', () => {
    const before = [withIcon('a'), withIcon('b'), app('c'), withIcon('d')];
    const after = [withIcon('d'), { ...withIcon('a'), name: 'Renamed' }, app('e'), withIcon('b')];
    const delta = catalogDeltaFrom('v1', before, after);
    expect(delta.changed.map((changed) => changed.id)).toEqual(['a', 'e']);
    expect(delta.order).toEqual(['d', 'a', 'e', 'b']);
    expect(applyCatalogDelta(before, delta)).toEqual(after);
  });

  it('a delta that keeps an app the popup does not hold does not apply (the popup asks for the whole catalog)', () => {
    const delta = catalogDeltaFrom('v1', [app('a'), app('b')], [app('b'), app('a')]);
    expect(applyCatalogDelta([app('a')], delta)).toBeNull();
  });
});

describe('catalog memory (background)', () => {
  it('answers whole until it knows the version the popup names; then a delta without the icons of unchanged apps, valid on the wire', () => {
    const memory = createCatalogMemory();
    const v1 = Array.from({ length: 50 }, (_, index) => withIcon(`app${index}`));
    const v2 = [...v1.slice(1), app('new')];
    // A worker that has not read v1 yet cannot describe a change from it.
    expect(memory.answerForPage(signedIn(v2, 'v2'), 'v1').apps).toEqual(v2);

    const fresh = createCatalogMemory();
    const same = fresh.answerForPage(signedIn(v1, 'v1'), 'v1');
    expect(same.apps).toBeNull();
    expect(same.catalogDelta).toEqual({ base: 'v1', order: null, changed: [] });

    const changed = fresh.answerForPage(signedIn(v2, 'v2'), 'v1');
    expect(changed.apps).toBeNull();
    expect(changed.catalogDelta?.changed).toEqual([app('new')]);
    expect(JSON.stringify(changed)).not.toContain(ICON);
    expect(applyCatalogDelta(v1, changed.catalogDelta as NonNullable<LauncherState['catalogDelta']>)).toEqual(
      v2,
    );
    // What leaves the background is validated (A5): the delta form passes the response schema.
    expect(protocol.getState.response.parse(changed)).toEqual(changed);
    expect(protocol.getState.request.parse({ refresh: true, catalogVersion: 'v1' })).toEqual({
      refresh: true,
      catalogVersion: 'v1',
    });
  });

  it('a page that holds the current version gets "nothing changed" at once, even from a memory that never saw it', () => {
    const apps = [app('a'), app('b')];
    const answer = createCatalogMemory().answerForPage(signedIn(apps, 'v1'), 'v1');
    expect(answer.apps).toBeNull();
    expect(answer.catalogDelta).toEqual({ base: 'v1', order: null, changed: [] });
  });

  it('a page that names no version, or a state without apps, gets the state as it is', () => {
    const memory = createCatalogMemory();
    const state = signedIn([app('a')], 'v1');
    expect(memory.answerForPage(state, undefined)).toBe(state);
    const signedOut: LauncherState = { ...state, status: 'signedOut', apps: null, catalogVersion: undefined };
    expect(memory.answerForPage(signedOut, 'v1')).toBe(signedOut);
  });

  it('a state the launcher answered without apps for the version the page holds says "nothing changed", valid on the wire', () => {
    const memory = createCatalogMemory();
    const held: LauncherState = { ...signedIn([], 'v1'), apps: null };
    const answer = memory.answerForPage(held, 'v1');
    expect(answer.catalogDelta).toEqual({ base: 'v1', order: null, changed: [] });
    expect(protocol.getState.response.parse(answer)).toEqual(answer);
    // Not for another version: the page's catalog would be taken for this one.
    expect(memory.answerForPage(held, 'v0')).toBe(held);
  });
});
