import { describe, expect, it } from 'vitest';
import {
  emptyRecents,
  forgetRecent,
  MAX_RECENTS,
  migrateRecents,
  recentsStateSchema,
  recordLaunch,
} from './recents.ts';

describe('recordLaunch', () => {
  it('keeps the last 5 distinct launches, newest first', () => {
    let state = emptyRecents();
    for (const id of ['a', 'b', 'c', 'a', 'd', 'e', 'f', 'b']) state = recordLaunch(state, id);
    expect(state.ids).toEqual(['b', 'f', 'e', 'd', 'a']);
    expect(state.ids).toHaveLength(MAX_RECENTS);
    expect(recentsStateSchema.safeParse(state).success).toBe(true);
  });

  it('launching the newest again changes nothing', () => {
    const state = recordLaunch(emptyRecents(), 'a');
    expect(recordLaunch(state, 'a')).toBe(state);
  });

  it('ignores an id the portal could never have sent', () => {
    const state = recordLaunch(emptyRecents(), 'a');
    expect(recordLaunch(state, '')).toBe(state);
    expect(recordLaunch(state, 'x'.repeat(101))).toBe(state);
  });

  it('forgetRecent removes one app', () => {
    expect(forgetRecent({ version: 1, ids: ['a', 'b', 'c'] }, 'b').ids).toEqual(['a', 'c']);
  });
});

describe('migrateRecents (C8: stored data from an older version or garbage)', () => {
  it.each([
    ['a current state passes through', { version: 1, ids: ['a', 'b'] }, ['a', 'b']],
    ['version 0: a bare array, newest first', ['c', 'b', 'a'], ['c', 'b', 'a']],
    ['too many: the newest 5 stay', ['a', 'b', 'c', 'd', 'e', 'f', 'g'], ['a', 'b', 'c', 'd', 'e']],
    ['duplicates and junk dropped', { version: 1, ids: ['a', 'a', 3, false, 'b'] }, ['a', '3', 'b']],
    ['garbage', 'recent', []],
    ['null', null, []],
  ])('%s', (_, stored, expected) => {
    const migrated = migrateRecents(stored);
    expect(migrated).toEqual({ version: 1, ids: expected });
    expect(recentsStateSchema.safeParse(migrated).success).toBe(true);
  });
});
