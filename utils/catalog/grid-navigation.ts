/**
 * Arrow-key movement in the launcher's grid of app tiles (one tab stop, the
 * selection moves inside it), as a pure function of the current index.
 *
 * @see https://www.w3.org/WAI/ARIA/apg/patterns/grid/#keyboardinteraction-forlayoutgrids WAI-ARIA APG layout grid keys
 */

/** The keys the grid handles. */
export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End';

/** The grid's shape. */
export interface GridOptions {
  /** Number of tiles. */
  readonly count: number;
  /** Tiles per row (at least 1). */
  readonly columns: number;
  /** Right-to-left layout: the tile after the current one is on its left. */
  readonly rtl?: boolean;
}

/** True for the keys {@link moveSelection} handles, so a keydown handler knows to `preventDefault`. */
export function isGridKey(key: string): key is GridKey {
  return (
    key === 'ArrowLeft' ||
    key === 'ArrowRight' ||
    key === 'ArrowUp' ||
    key === 'ArrowDown' ||
    key === 'Home' ||
    key === 'End'
  );
}

/**
 * The index selected after `key`. Tiles flow in reading order, so the next
 * tile of the last one in a row is the first of the next row; movement stops
 * at the ends (no wrap). Up/Down move by a row and stay put when there is no
 * row; Down into a shorter last row lands on its last tile. Home/End go to
 * the first/last tile. With nothing selected (index out of range) any key
 * selects the first tile, End the last. An empty grid gives -1.
 */
export function moveSelection(
  index: number,
  key: GridKey,
  { count, columns, rtl = false }: GridOptions,
): number {
  const total = Math.max(0, Math.floor(count));
  if (total === 0) return -1;
  const last = total - 1;
  if (!Number.isInteger(index) || index < 0 || index > last) return key === 'End' ? last : 0;
  const perRow = Math.max(1, Math.floor(columns) || 1);
  switch (key) {
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'ArrowLeft':
    case 'ArrowRight': {
      const forward = (key === 'ArrowRight') !== rtl;
      return forward ? Math.min(index + 1, last) : Math.max(index - 1, 0);
    }
    case 'ArrowUp':
      return index - perRow >= 0 ? index - perRow : index;
    case 'ArrowDown': {
      const row = Math.floor(index / perRow);
      const lastRow = Math.floor(last / perRow);
      return row < lastRow ? Math.min(index + perRow, last) : index;
    }
    default:
      return index;
  }
}
