/**
 * Launcher search, typo tolerance: the edit distance from a query term to
 * the closest prefix of every vocabulary word, in one pass over the sorted
 * vocabulary.
 */
import { NO_TYPO } from './search-model.ts';

/**
 * For every vocabulary word, the smallest optimal-string-alignment distance
 * between `term` and any prefix of the word (so "conflue" is one edit from
 * "confluence" while the user is still typing), when it is within `budget`.
 *
 * Words are visited in sorted order and the dynamic-programming rows of the
 * prefix a word shares with the previous one are reused; once every cell of a
 * row exceeds the budget, all words sharing that prefix are skipped.
 */
export function typoScan(
  sorted: readonly string[],
  sharedPrefix: Uint16Array,
  term: string,
  budget: number,
): { distance: Uint8Array; length: Uint8Array } {
  const m = term.length;
  const width = m + 1;
  const maxDepth = m + budget + 1;
  const rows = new Int32Array((maxDepth + 1) * width);
  for (let i = 0; i <= m; i++) rows[i] = i;
  const distance = new Uint8Array(sorted.length).fill(NO_TYPO);
  const length = new Uint8Array(sorted.length);
  const termCodes = new Uint16Array(m);
  for (let i = 0; i < m; i++) termCodes[i] = term.charCodeAt(i);
  const wordCodes = new Uint16Array(maxDepth + 1);

  // Rows 0..valid belong to the previous word's path; a dead prefix of
  // length `dead` rules out every following word that shares it.
  let valid = 0;
  let dead = Number.POSITIVE_INFINITY;
  // What the words sharing a dead prefix inherit: the best prefix on it.
  let deadBest = NO_TYPO;
  let deadLength = 0;
  for (let v = 0; v < sorted.length; v++) {
    const word = sorted[v] as string;
    const shared = sharedPrefix[v] as number;
    if (shared >= dead) {
      if (deadBest <= budget) {
        distance[v] = deadBest;
        length[v] = deadLength;
      }
      continue;
    }
    dead = Number.POSITIVE_INFINITY;
    let depth = Math.min(valid, shared);
    for (let j = 0; j < depth; j++) wordCodes[j] = word.charCodeAt(j);
    let best = NO_TYPO;
    let bestLength = 0;
    // Rows already known on the shared path may hold the best prefix.
    for (let j = 1; j <= depth; j++) {
      const d = rows[j * width + m] as number;
      if (d < best || (d === best && j <= m)) {
        best = d;
        bestLength = j;
      }
    }
    const limit = Math.min(word.length, maxDepth);
    while (depth < limit) {
      const j = depth + 1;
      const c = word.charCodeAt(j - 1);
      wordCodes[j - 1] = c;
      const row = j * width;
      const up = row - width;
      rows[row] = j;
      let rowMin = j;
      for (let i = 1; i <= m; i++) {
        const t = termCodes[i - 1] as number;
        let cell = Math.min((rows[up + i] as number) + 1, (rows[row + i - 1] as number) + 1);
        const diagonal = (rows[up + i - 1] as number) + (t === c ? 0 : 1);
        if (diagonal < cell) cell = diagonal;
        if (
          i > 1 &&
          j > 1 &&
          t === wordCodes[j - 2] &&
          termCodes[i - 2] === c &&
          (rows[row - 2 * width + i - 2] as number) + 1 < cell
        ) {
          cell = (rows[row - 2 * width + i - 2] as number) + 1;
        }
        rows[row + i] = cell;
        if (cell < rowMin) rowMin = cell;
      }
      depth = j;
      const d = rows[row + m] as number;
      // On a tie prefer the prefix as long as the term: it makes the better highlight.
      if (d < best || (d === best && j <= m)) {
        best = d;
        bestLength = j;
      }
      if (rowMin > budget) {
        dead = j;
        deadBest = best;
        deadLength = bestLength;
        break;
      }
    }
    valid = depth;
    if (best <= budget) {
      distance[v] = best;
      length[v] = bestLength;
    }
  }
  return { distance, length };
}
