import { describe, expect, it } from 'vitest';
import { menuFocusAfterKey } from './menu-keys.ts';

const items = ['Profile', 'Security settings', 'Sign out'];

describe('menuFocusAfterKey (APG menu keyboard)', () => {
  it('Down and Up move to the next and previous item and wrap around', () => {
    expect(menuFocusAfterKey('ArrowDown', 0, items)).toBe(1);
    expect(menuFocusAfterKey('ArrowDown', 2, items)).toBe(0);
    expect(menuFocusAfterKey('ArrowUp', 0, items)).toBe(2);
    expect(menuFocusAfterKey('ArrowUp', 2, items)).toBe(1);
  });

  it('Home and End jump to the first and last item', () => {
    expect(menuFocusAfterKey('Home', 2, items)).toBe(0);
    expect(menuFocusAfterKey('End', 0, items)).toBe(2);
  });

  it('a character moves to the next item starting with it, case-insensitively, wrapping', () => {
    expect(menuFocusAfterKey('s', 0, items)).toBe(1);
    expect(menuFocusAfterKey('S', 1, items)).toBe(2);
    expect(menuFocusAfterKey('s', 2, items)).toBe(1);
    expect(menuFocusAfterKey('x', 0, items)).toBeNull();
  });

  it('leaves Tab, Escape, Space, Enter and the arrows across to the caller', () => {
    for (const key of ['Tab', 'Escape', ' ', 'Enter', 'ArrowLeft', 'ArrowRight']) {
      expect(menuFocusAfterKey(key, 0, items)).toBeNull();
    }
    expect(menuFocusAfterKey('ArrowDown', 0, [])).toBeNull();
  });
});
