/**
 * Splits a string into plain and highlighted parts for the search results'
 * `<mark>` elements, from the `[start, end)` ranges utils/catalog/search
 * returns. Ranges may arrive unsorted, overlapping or out of bounds; they are
 * clamped and merged, so the parts always rebuild the original string.
 */
import type { HighlightRange } from '../../utils/catalog/search.ts';

/** One run of text, highlighted or not. */
export interface TextSegment {
  readonly text: string;
  readonly marked: boolean;
}

/** The parts of `text`, in order; joining their `text` gives `text` back. */
export function highlightSegments(text: string, ranges: readonly HighlightRange[]): TextSegment[] {
  const clean = ranges
    .map(([start, end]) => [
      Math.max(0, Math.min(start, text.length)),
      Math.max(0, Math.min(end, text.length)),
    ])
    .filter(([start, end]) => (end as number) > (start as number))
    .sort((a, b) => (a[0] as number) - (b[0] as number)) as [number, number][];
  const segments: TextSegment[] = [];
  let at = 0;
  for (const [start, end] of clean) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    if (from > at) segments.push({ text: text.slice(at, from), marked: false });
    const last = segments[segments.length - 1];
    // Touching ranges become one mark, so a screen reader reads one word, not letters.
    if (last?.marked && from === at)
      segments[segments.length - 1] = { text: last.text + text.slice(from, end), marked: true };
    else segments.push({ text: text.slice(from, end), marked: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), marked: false });
  return segments;
}
