import { describe, expect, it } from 'vitest';
import { type GridKey, isGridKey, moveSelection } from './grid-navigation.ts';

// A 4-column grid of 10 tiles:
//  0  1  2  3
//  4  5  6  7
//  8  9
const grid = { count: 10, columns: 4 };

describe('moveSelection', () => {
  it.each<[number, GridKey, number, boolean]>([
    [5, 'ArrowRight', 6, false],
    [5, 'ArrowLeft', 4, false],
    [3, 'ArrowRight', 4, false], // reading order continues on the next row
    [4, 'ArrowLeft', 3, false],
    [9, 'ArrowRight', 9, false], // clamped at the end
    [0, 'ArrowLeft', 0, false], // clamped at the start
    [5, 'ArrowUp', 1, false],
    [1, 'ArrowUp', 1, false], // no row above
    [1, 'ArrowDown', 5, false],
    [6, 'ArrowDown', 9, false], // shorter last row: its last tile
    [5, 'ArrowDown', 9, false],
    [4, 'ArrowDown', 8, false],
    [9, 'ArrowDown', 9, false], // no row below
    [6, 'Home', 0, false],
    [2, 'End', 9, false],
    // Right-to-left: the next tile is on the left.
    [5, 'ArrowLeft', 6, true],
    [5, 'ArrowRight', 4, true],
    [9, 'ArrowLeft', 9, true],
    [0, 'ArrowRight', 0, true],
    [5, 'ArrowUp', 1, true],
    [5, 'ArrowDown', 9, true],
  ])('from %d, %s → %d (rtl: %s)', (from, key, expected, rtl) => {
    expect(moveSelection(from, key, { ...grid, rtl })).toBe(expected);
  });

  it.each<[number, GridKey, number]>([
    [-1, 'ArrowDown', 0],
    [-1, 'End', 9],
    [42, 'ArrowLeft', 0],
    [Number.NaN, 'Home', 0],
  ])('with nothing selected (%d), %s selects %d', (from, key, expected) => {
    expect(moveSelection(from, key, grid)).toBe(expected);
  });

  it('an empty grid has nothing to select', () => {
    expect(moveSelection(0, 'ArrowRight', { count: 0, columns: 4 })).toBe(-1);
  });

  it('a single column moves by one on Up/Down; nonsense column counts act as one column', () => {
    expect(moveSelection(2, 'ArrowDown', { count: 5, columns: 1 })).toBe(3);
    expect(moveSelection(2, 'ArrowUp', { count: 5, columns: 0 })).toBe(1);
    expect(moveSelection(2, 'ArrowUp', { count: 5, columns: Number.NaN })).toBe(1);
  });

  it('isGridKey tells the handled keys apart', () => {
    expect(['ArrowLeft', 'Home', 'End'].every(isGridKey)).toBe(true);
    expect(['Enter', 'Tab', 'a', 'PageDown'].some(isGridKey)).toBe(false);
  });
});
