/**
 * Where focus goes in an open menu for a key press (WAI-ARIA APG menu
 * pattern): Down and Up move and wrap, Home and End jump, a printed
 * character moves to the next item that starts with it. Pure, so the rules
 * are unit-tested without a DOM.
 *
 * @see https://www.w3.org/WAI/ARIA/apg/patterns/menu-button/
 * @see https://www.w3.org/WAI/ARIA/apg/patterns/menubar/#keyboardinteraction
 */

/**
 * The index to focus after `key` among `labels` (the items' visible text),
 * with focus now on `current`; null when the key does not move focus in a menu.
 */
export function menuFocusAfterKey(key: string, current: number, labels: readonly string[]): number | null {
  const count = labels.length;
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return (current + 1) % count;
    case 'ArrowUp':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      break;
  }
  if (key.length !== 1 || key === ' ') return null;
  const wanted = key.toLocaleLowerCase();
  for (let step = 1; step <= count; step += 1) {
    const index = (current + step) % count;
    if ((labels[index] ?? '').trim().toLocaleLowerCase().startsWith(wanted)) return index;
  }
  return null;
}
