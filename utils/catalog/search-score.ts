/**
 * Launcher search, scoring one app: the tiers of SEARCH_SCORES tried from
 * strongest to weakest per term, initials and word starts across
 * consecutive words, and the highlight ranges of a match mapped back to the
 * original strings.
 */
import {
  CATEGORY,
  DESCRIPTION,
  EMPTY_HIGHLIGHTS,
  FIELD_COUNT,
  type FieldIndex,
  type HighlightRange,
  type IndexedApp,
  NAME,
  NO_FIELD,
  SEARCH_SCORES,
  type SearchHighlights,
  type TermMatch,
  type TermPlan,
} from './search-model.ts';

/**
 * The app's score for the query (0: no match). With `out`, also collects
 * where each term matched.
 */
export function scoreApp(
  entry: IndexedApp,
  plans: readonly TermPlan[],
  key: string,
  out: TermMatch[] | null,
): number {
  // The whole query against the whole name first: it outranks any mix of term
  // matches, and implies that every term matches.
  if (entry.nameKey.startsWith(key)) {
    const exact = entry.nameKey.length === key.length;
    out?.push(phraseMatch(entry.fields[NAME], key.length, exact));
    return exact ? SEARCH_SCORES.exactName : SEARCH_SCORES.namePrefix;
  }
  let sum = 0;
  for (const plan of plans) {
    const score = scoreTerm(entry, plan, out);
    if (score === 0) return 0;
    sum += score;
  }
  return sum / plans.length;
}

/**
 * The best match of one term in one app, trying tiers from strongest to
 * weakest; 0 when it does not match. With `out`, pushes where it matched.
 */
function scoreTerm(entry: IndexedApp, plan: TermPlan, out: TermMatch[] | null): number {
  const term = plan.text;
  const app = entry.index;
  const prefixField = plan.prefixField[app] as number;
  // Initials and word starts across consecutive words only where words are
  // few and chosen (names, categories); in prose they match by accident.
  const initials = plan.firstLetter !== null && (plan.firstLetter[app] as number) <= CATEGORY;
  for (let f = NAME; f <= DESCRIPTION; f++) {
    const field = entry.fields[f] as FieldIndex;
    if (prefixField === f) {
      const score = SEARCH_SCORES.wordStart[f] as number;
      if (out) {
        const at = field.wordStart[plan.prefixWord[app] as number] as number;
        out.push({ score, field: f, ranges: [at, at + term.length] });
      }
      return score;
    }
    if (initials && f !== DESCRIPTION && field.wordStart.length >= 2) {
      const ranges = matchWordStarts(field, term);
      if (ranges) {
        const score = SEARCH_SCORES.wordStart[f] as number;
        out?.push({ score, field: f, ranges });
        return score;
      }
    }
  }
  if (plan.substring && entry.combined.indexOf(term) >= 0) {
    for (let f = NAME; f <= DESCRIPTION; f++) {
      const at = (entry.fields[f] as FieldIndex).folded.indexOf(term);
      if (at >= 0) {
        const score = SEARCH_SCORES.substring[f] as number;
        out?.push({ score, field: f, ranges: [at, at + term.length] });
        return score;
      }
    }
  }
  const code = plan.typoCode ? (plan.typoCode[app] as number) : NO_FIELD;
  if (code === NO_FIELD) return 0;
  const f = code % FIELD_COUNT;
  const score = (code < FIELD_COUNT ? SEARCH_SCORES.typo1 : SEARCH_SCORES.typo2)[f] as number;
  if (out && plan.typoWord && plan.typoLength) {
    const field = entry.fields[f] as FieldIndex;
    const word = plan.typoWord[app] as number;
    const at = field.wordStart[word] as number;
    out.push({
      score,
      field: f,
      ranges: [at, at + (plan.typoLength[field.wordId[word] as number] as number)],
    });
  }
  return score;
}

/**
 * Covers `term` with pieces that each begin one of consecutive words:
 * "tw" → **T**eam **W**iki, "gh" → **G**it**H**ub, "teawi" → **Tea**m **Wi**ki.
 * Longer pieces are tried first; failures are memoised so repetitive names
 * cannot make it exponential.
 */
function matchWordStarts(field: FieldIndex, term: string): number[] | null {
  const first = term.charCodeAt(0);
  let state: CoverState | null = null;
  for (let w = 0; w < field.wordStart.length; w++) {
    if (field.folded.charCodeAt(field.wordStart[w] as number) !== first) continue;
    state ??= { field, term, failed: null, ranges: [] };
    state.ranges.length = 0;
    if (cover(state, w, 0)) return state.ranges;
  }
  return null;
}

interface CoverState {
  readonly field: FieldIndex;
  readonly term: string;
  failed: Uint8Array | null;
  readonly ranges: number[];
}

function cover(state: CoverState, w: number, offset: number): boolean {
  const { field, term } = state;
  const count = field.wordStart.length;
  if (offset === term.length) return true;
  if (w >= count) return false;
  const memo = w * (term.length + 1) + offset;
  if (state.failed?.[memo]) return false;
  const at = field.wordStart[w] as number;
  const stop = field.wordEnd[w] as number;
  let common = 0;
  while (
    offset + common < term.length &&
    at + common < stop &&
    field.folded.charCodeAt(at + common) === term.charCodeAt(offset + common)
  ) {
    common++;
  }
  for (let take = common; take >= 1; take--) {
    // The next piece begins at the next word start after this piece.
    let next = w + 1;
    while (next < count && (field.wordStart[next] as number) < at + take) next++;
    if (cover(state, next, offset + take)) {
      state.ranges.push(at, at + take);
      return true;
    }
  }
  state.failed ??= new Uint8Array(count * (term.length + 1));
  state.failed[memo] = 1;
  return false;
}

/** Highlight for a whole-query match of the name: each covered token, the last one possibly in part. */
function phraseMatch(name: FieldIndex, keyLength: number, exact: boolean): TermMatch {
  const ranges: number[] = [];
  let remaining = keyLength;
  for (let w = 0; w < name.wordStart.length && remaining > 0; w++) {
    if (!name.wordIsToken[w]) continue;
    const at = name.wordStart[w] as number;
    const length = (name.wordEnd[w] as number) - at;
    ranges.push(at, at + Math.min(length, remaining));
    remaining -= length + 1;
  }
  return { score: exact ? SEARCH_SCORES.exactName : SEARCH_SCORES.namePrefix, field: NAME, ranges };
}

const FIELD_KEYS = ['name', 'category', 'description'] as const;

/** The matches of one app as frozen, merged highlight ranges into its original strings. */
export function buildHighlights(entry: IndexedApp, matches: readonly TermMatch[]): SearchHighlights {
  const perField: number[][] = [[], [], []];
  for (const match of matches) {
    const field = entry.fields[match.field] as FieldIndex;
    const out = perField[match.field] as number[];
    for (let r = 0; r < match.ranges.length; r += 2) {
      const from = match.ranges[r] as number;
      const to = match.ranges[r + 1] as number;
      if (to <= from) continue;
      // Folded positions back to the original: a folded range may start or end
      // inside what one original character became ("ß" → "ss"), which then
      // counts whole.
      out.push(
        field.start ? (field.start[from] as number) : from,
        field.end ? (field.end[to - 1] as number) : to,
      );
    }
  }
  const highlights: Record<(typeof FIELD_KEYS)[number], readonly HighlightRange[]> = {
    name: EMPTY_HIGHLIGHTS.name,
    category: EMPTY_HIGHLIGHTS.category,
    description: EMPTY_HIGHLIGHTS.description,
  };
  perField.forEach((flat, f) => {
    if (flat.length) highlights[FIELD_KEYS[f] as (typeof FIELD_KEYS)[number]] = mergeRanges(flat);
  });
  return Object.freeze(highlights);
}

/** Sorts and merges overlapping or touching ranges. */
function mergeRanges(flat: readonly number[]): readonly HighlightRange[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as number, flat[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const pair of pairs) {
    const last = merged[merged.length - 1];
    if (last && pair[0] <= last[1]) last[1] = Math.max(last[1], pair[1]);
    else merged.push([pair[0], pair[1]]);
  }
  return Object.freeze(merged.map((range) => Object.freeze(range) as HighlightRange));
}
