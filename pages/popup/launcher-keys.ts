/**
 * The launcher view's keyboard rules (./launcher-view.tsx), apart from its
 * rendering (WAI-ARIA APG layout grid, one tab stop for all tiles):
 * - {@link useTypeToSearch}: typing anywhere in the popup goes to the search
 *   field, even when it does not have focus;
 * - {@link favoriteMove}: where Alt+Arrow moves a favorite (Down and the
 *   reading direction's "next" move it later; mirrored right to left);
 * - {@link moveTileFocus}: arrows, Home and End between tiles; Up from the
 *   first row returns to the search field.
 *
 * @see https://www.w3.org/WAI/ARIA/apg/patterns/grid/#keyboardinteraction-forlayoutgrids
 */
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import { isGridKey, moveSelection } from '../../utils/catalog/grid-navigation.ts';

/** Whether a key press is text the person is typing (not a shortcut, not navigation). */
function isTypedCharacter(event: KeyboardEvent): boolean {
  return event.key.length === 1 && event.key !== ' ' && !event.ctrlKey && !event.metaKey && !event.altKey;
}

/** Sends characters typed outside any field to the search field (`onType`), then focuses it. */
export function useTypeToSearch(
  searchRef: RefObject<HTMLInputElement | null>,
  onType: (character: string) => void,
): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const input = searchRef.current;
      if (!input || event.defaultPrevented || !isTypedCharacter(event)) return;
      const target = event.target as HTMLElement | null;
      if (target === input || target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      event.preventDefault();
      onType(event.key);
      input.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * The index an Alt+Arrow press moves the favorite at `from` to among `count`
 * favorites, or null when the key does not move it (not an arrow, or already
 * at that end).
 */
export function favoriteMove(key: string, from: number, count: number, rtl: boolean): number | null {
  if (!key.startsWith('Arrow')) return null;
  const forward = key === 'ArrowDown' || (key === 'ArrowRight' && !rtl) || (key === 'ArrowLeft' && rtl);
  const to = Math.max(0, Math.min(count - 1, from + (forward ? 1 : -1)));
  return to === from ? null : to;
}

/**
 * Moves focus between the `tiles` for a grid key pressed on `target` (the
 * number of columns is read from the list's CSS grid), or to `search` when Up
 * is pressed in the first row. Returns false when the key is not one it handles.
 */
export function moveTileFocus(
  event: KeyboardEvent,
  target: HTMLElement,
  tiles: HTMLButtonElement[],
  options: { list: boolean; rtl: boolean; search: HTMLInputElement | null },
): boolean {
  if (event.altKey || event.ctrlKey || event.metaKey || !isGridKey(event.key)) return false;
  event.preventDefault();
  const current = tiles.indexOf(target as HTMLButtonElement);
  const list = target.closest('ul');
  const columns =
    options.list || !list
      ? 1
      : getComputedStyle(list).gridTemplateColumns.split(' ').filter(Boolean).length || 1;
  const next = moveSelection(current, event.key, { count: tiles.length, columns, rtl: options.rtl });
  if (event.key === 'ArrowUp' && next === current) options.search?.focus();
  else tiles[next]?.focus();
  return true;
}
