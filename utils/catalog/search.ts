/**
 * Launcher search over the assigned apps: ranked, typo-tolerant,
 * case- and diacritic-insensitive, with highlight ranges into the original
 * strings for the popup to mark.
 *
 * Contract: `createSearchIndex` takes the catalog once (a new catalog needs a
 * new index) and never throws for any `PortalApp[]`; `search` never throws for
 * any string. Results are read-only and may be shared between calls; a
 * result's `highlights` are computed when first read (a popup reads them for
 * the few dozen hits it shows, not for thousands), so copy them explicitly
 * rather than spreading a result.
 *
 * Cost model: everything that depends only on the catalog (folded text,
 * word boundaries, a sorted vocabulary of words, the collation order of names)
 * is computed when the index is built. A keystroke that extends the previous
 * query only re-checks the apps that matched it, because every rule below is
 * monotone while the query grows (see `canNarrow`).
 */
import type { PortalApp } from '../../contract/schemas.ts';
import { foldText, queryTerms } from './normalize.ts';

/** A `[start, end)` range of UTF-16 code units in the original string. */
export type HighlightRange = readonly [start: number, end: number];

/** Where a result matched, per searched field, as ranges into the app's own strings. */
export interface SearchHighlights {
  readonly name: readonly HighlightRange[];
  readonly description: readonly HighlightRange[];
  readonly category: readonly HighlightRange[];
}

/** One search hit. */
export interface SearchResult {
  readonly app: PortalApp;
  /** 0–100; higher ranks first (see {@link SEARCH_SCORES}). 0 for the empty query. */
  readonly score: number;
  readonly highlights: SearchHighlights;
}

/** A catalog prepared for searching. */
export interface SearchIndex {
  /** Number of apps indexed. */
  readonly size: number;
  /**
   * The apps matching every term of `query` (terms are the runs of letters
   * and digits, folded), best first, ties by name, then catalog order. An
   * empty (or punctuation-only) query returns every app in catalog order.
   *
   * A term matches a word start, initials or starts of consecutive words in
   * the name or category, a substring (2+ characters: any single letter is
   * inside most names, except in scripts written without spaces), or the
   * start of a word within {@link typoBudget} edits, so that a word still
   * being typed with a slip in it keeps matching.
   */
  search(query: string): SearchResult[];
}

/** Options for {@link createSearchIndex}. */
export interface SearchIndexOptions {
  /** Locale(s) for the name tie-break (`Intl.Collator`); default: the runtime's. */
  readonly locales?: string | readonly string[];
}

/**
 * The score of a term match, by tier and field. Tiers come first (a word
 * start in a description outranks a substring in a name); within a tier the
 * name beats the category, which beats the description. A multi-word query
 * scores the mean of its terms, unless the whole query is the name (exact) or
 * begins it (prefix).
 */
export const SEARCH_SCORES = {
  exactName: 100,
  namePrefix: 90,
  /** [name, category, description]: a term begins a word, or the initials/starts of consecutive words ("tw" → Team Wiki). */
  wordStart: [80, 78, 76],
  /** [name, category, description]: a term (2+ characters) inside a word. */
  substring: [60, 58, 56],
  /** [name, category, description]: one edit away from the start of a word (terms of 4+ characters). */
  typo1: [40, 38, 36],
  /** [name, category, description]: two edits away (terms of 8+ characters). */
  typo2: [30, 28, 26],
} as const;

const FIELD_COUNT = 3;
const NAME = 0;
const CATEGORY = 1;
const DESCRIPTION = 2;

/** Longer queries are cut: no app name or description is longer, and it bounds the work. */
const MAX_QUERY_LENGTH = 256;
/** Typo tolerance is for typing, not for pasted paragraphs; it also bounds the edit-distance tables. */
const MAX_TYPO_TERM_LENGTH = 32;
const NO_TYPO = 255;
/** "No match in any field" in per-app byte arrays. */
const NO_FIELD = 255;
/** Each plan holds a few bytes per app; a few dozen cover backspacing and retyping. */
const PLAN_CACHE_LIMIT = 64;
/** Sort keys pack the name rank below the score; ranks stay below this. */
const RANK_SPAN = 2 ** 24;

/**
 * Scripts written without spaces between words: a single character there is
 * a meaningful query (a word or a syllable), so it may match inside a word.
 */
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

interface FieldIndex {
  readonly original: string;
  readonly folded: string;
  /** Folded → original positions (see `FoldedText`); null: unchanged. */
  readonly start: Int32Array | null;
  readonly end: Int32Array | null;
  // Plain arrays, not typed ones: a few words per field, and thousands of
  // small typed arrays would make building the index mostly garbage collection.
  /** Folded positions where a word (token or camel-case/digit part) starts, ascending. */
  readonly wordStart: readonly number[];
  /** End of the token each word start belongs to. */
  readonly wordEnd: readonly number[];
  /** 1 when the word start is a token start (after a separator). */
  readonly wordIsToken: readonly number[];
  /** Vocabulary id of `folded.slice(wordStart, wordEnd)`; ids follow sorted order once built. */
  readonly wordId: number[];
}

interface IndexedApp {
  readonly index: number;
  readonly app: PortalApp;
  readonly fields: readonly [FieldIndex, FieldIndex, FieldIndex];
  /** The name's tokens joined by single spaces, to compare with the whole query. */
  readonly nameKey: string;
  /** The three folded fields joined by line breaks: one `indexOf` rules most apps in or out. */
  readonly combined: string;
}

/** Everything about one query term that does not depend on the app, computed once per term. */
interface TermPlan {
  readonly text: string;
  readonly substring: boolean;
  /** For terms of 2+ characters: the `prefixField` of the term's first character. */
  readonly firstLetter: Uint8Array | null;
  /** Per app: the first field with a word beginning with the term (NO_FIELD if none)… */
  readonly prefixField: Uint8Array;
  /** …and the index of that word in the field. */
  readonly prefixWord: Int32Array;
  /** Per app: best typo as `(distance - 1) * 3 + field` (NO_FIELD if none)… */
  readonly typoCode: Uint8Array | null;
  /** …the index of that word in its field… */
  readonly typoWord: Int32Array | null;
  /** …and per vocabulary id, the length of the word prefix it is closest to. */
  readonly typoLength: Uint8Array | null;
  /** The apps with a typo match, ascending. */
  readonly typoApps: Int32Array | null;
}

interface TermMatch {
  readonly score: number;
  readonly field: number;
  /** Flat `[start, end, start, end, …]` in folded positions of `field`. */
  readonly ranges: readonly number[];
}

/**
 * How many edits a term may be away from a word: none below 4 characters
 * (too many short words are one edit apart), 1 from 4, 2 from 8.
 */
export function typoBudget(termLength: number): number {
  if (termLength > MAX_TYPO_TERM_LENGTH) return 0;
  return termLength >= 8 ? 2 : termLength >= 4 ? 1 : 0;
}

const EMPTY_HIGHLIGHTS: SearchHighlights = Object.freeze({
  name: Object.freeze([]),
  description: Object.freeze([]),
  category: Object.freeze([]),
}) as SearchHighlights;

/**
 * Builds the search index for a catalog.
 *
 * @see https://en.wikipedia.org/wiki/Damerau%E2%80%93Levenshtein_distance#Optimal_string_alignment_distance Typos use the optimal string alignment distance
 * @see https://www.unicode.org/reports/tr15/ Folding uses Unicode normalization (UAX #15)
 */
export function createSearchIndex(apps: readonly PortalApp[], options: SearchIndexOptions = {}): SearchIndex {
  const vocabIds = new Map<string, number>();
  const vocab: string[] = [];
  const indexed: IndexedApp[] = apps.map((app, index) => {
    const fields = [
      indexField(app.name, vocabIds, vocab),
      indexField(app.category ?? '', vocabIds, vocab),
      indexField(app.description ?? '', vocabIds, vocab),
    ] as const;
    const name = fields[NAME];
    const tokens: string[] = [];
    for (let w = 0; w < name.wordStart.length; w++) {
      if (name.wordIsToken[w]) tokens.push(name.folded.slice(name.wordStart[w], name.wordEnd[w]));
    }
    const combined = `${fields[NAME].folded}\n${fields[CATEGORY].folded}\n${fields[DESCRIPTION].folded}`;
    return { index, app, fields, nameKey: tokens.join(' '), combined };
  });
  const appCount = indexed.length;

  // Vocabulary ids in code-unit order: "words starting with t" is then one
  // contiguous id range found by binary search, and the typo scan can share
  // the edit-distance rows of a common prefix, like a walk down a trie.
  const order = vocab
    .map((_, i) => i)
    .sort((a, b) => compareCodeUnits(vocab[a] as string, vocab[b] as string));
  const remap = new Int32Array(vocab.length);
  const sortedVocab: string[] = new Array(vocab.length);
  order.forEach((oldId, newId) => {
    remap[oldId] = newId;
    sortedVocab[newId] = vocab[oldId] as string;
  });
  for (const entry of indexed) {
    for (const field of entry.fields) {
      for (let w = 0; w < field.wordId.length; w++)
        field.wordId[w] = remap[field.wordId[w] as number] as number;
    }
  }
  const sharedPrefix = new Uint16Array(sortedVocab.length);
  for (let i = 1; i < sortedVocab.length; i++) {
    sharedPrefix[i] = commonPrefixLength(sortedVocab[i - 1] as string, sortedVocab[i] as string);
  }

  // Inverted index (word id → every use: app, field, word index), laid out by
  // word id so that the uses of a prefix's whole id range are one contiguous
  // run: a term's word-start hits cost the number of uses, not apps × words.
  const postingStart = new Int32Array(sortedVocab.length + 1);
  for (const entry of indexed) {
    for (const field of entry.fields) for (const id of field.wordId) postingStart[id + 1]++;
  }
  for (let id = 0; id < sortedVocab.length; id++) {
    postingStart[id + 1] = (postingStart[id + 1] as number) + (postingStart[id] as number);
  }
  const postingCount = postingStart[sortedVocab.length] as number;
  const postingApp = new Int32Array(postingCount);
  const postingField = new Uint8Array(postingCount);
  const postingWord = new Int32Array(postingCount);
  const fill = postingStart.slice(0, sortedVocab.length);
  for (const entry of indexed) {
    for (let f = 0; f < FIELD_COUNT; f++) {
      const ids = (entry.fields[f] as FieldIndex).wordId;
      for (let w = 0; w < ids.length; w++) {
        const id = ids[w] as number;
        const p = fill[id] as number;
        fill[id] = p + 1;
        postingApp[p] = entry.index;
        postingField[p] = f;
        postingWord[p] = w;
      }
    }
  }

  // Name order for ties, computed once: comparing with Intl.Collator on every
  // keystroke would dominate the cost of a broad query.
  const collator = new Intl.Collator(options.locales as string | string[] | undefined, { numeric: true });
  const byName = indexed
    .map((_, i) => i)
    .sort((a, b) => collator.compare(apps[a]?.name ?? '', apps[b]?.name ?? '') || a - b);
  const rankToApp = Int32Array.from(byName);
  const rank = new Int32Array(appCount);
  byName.forEach((appIndex, r) => {
    rank[appIndex] = r;
  });

  const allResults: readonly SearchResult[] = indexed.map((entry) =>
    Object.freeze({ app: entry.app, score: 0, highlights: EMPTY_HIGHLIGHTS }),
  );

  const plans = new Map<string, TermPlan>();
  function planFor(term: string): TermPlan {
    let plan = plans.get(term);
    if (plan) return plan;
    if (plans.size >= PLAN_CACHE_LIMIT) plans.clear();

    const [lo, hi] = prefixRange(sortedVocab, term);
    const prefixField = new Uint8Array(appCount).fill(NO_FIELD);
    const prefixWord = new Int32Array(appCount);
    for (let p = postingStart[lo] as number, end = postingStart[hi] as number; p < end; p++) {
      const app = postingApp[p] as number;
      const field = postingField[p] as number;
      const word = postingWord[p] as number;
      const known = prefixField[app] as number;
      if (field < known || (field === known && word < (prefixWord[app] as number))) {
        prefixField[app] = field;
        prefixWord[app] = word;
      }
    }

    const budget = typoBudget(term.length);
    let typoCode: Uint8Array | null = null;
    let typoWord: Int32Array | null = null;
    let typoLength: Uint8Array | null = null;
    if (budget > 0) {
      const typo = typoScan(sortedVocab, sharedPrefix, term, budget);
      typoCode = new Uint8Array(appCount).fill(NO_FIELD);
      typoWord = new Int32Array(appCount);
      typoLength = typo.length;
      for (let id = 0; id < sortedVocab.length; id++) {
        const distance = typo.distance[id] as number;
        // Distance 0 is a word start, already found above.
        if (distance === NO_TYPO || distance === 0) continue;
        for (let p = postingStart[id] as number, end = postingStart[id + 1] as number; p < end; p++) {
          const app = postingApp[p] as number;
          const code = (distance - 1) * FIELD_COUNT + (postingField[p] as number);
          if (code < (typoCode[app] as number)) {
            typoCode[app] = code;
            typoWord[app] = postingWord[p] as number;
          }
        }
      }
    }
    // Covering a term with word starts needs a name or category word that
    // begins with its first character: the plan of that character says which
    // apps have one (a name hit is exact; a category hit may hide behind one).
    const first = term.length >= 2 ? planFor(term.slice(0, 1)) : null;
    let typoApps: Int32Array | null = null;
    if (typoCode) {
      const list: number[] = [];
      for (let app = 0; app < appCount; app++) if (typoCode[app] !== NO_FIELD) list.push(app);
      typoApps = Int32Array.from(list);
    }
    plan = {
      text: term,
      substring: term.length >= 2 || UNSPACED_SCRIPT.test(term),
      firstLetter: first ? first.prefixField : null,
      prefixField,
      prefixWord,
      typoCode,
      typoWord,
      typoLength,
      typoApps,
    };
    plans.set(term, plan);
    return plan;
  }

  let previous: { terms: readonly string[]; matched: Int32Array } | null = null;
  const slotOfApp = new Int32Array(appCount);

  function search(query: string): SearchResult[] {
    const terms = queryTerms(String(query).slice(0, MAX_QUERY_LENGTH));
    if (terms.length === 0) {
      previous = null;
      return allResults.slice();
    }
    const termPlans = terms.map(planFor);
    const key = terms.join(' ');
    const narrowing = previous ? canNarrow(previous.terms, terms) : 'no';
    let candidates: Int32Array | null = null;
    if (previous && narrowing === 'yes') candidates = previous.matched;
    if (previous && narrowing === 'with-typos') {
      const grown = termPlans[previous.terms.length - 1] as TermPlan;
      candidates = mergeAscending(previous.matched, grown.typoApps ?? new Int32Array(0));
    }
    const total = candidates ? candidates.length : appCount;

    // Scoring allocates nothing per app: where a term matched is worked out
    // again, for one app, only when a result's `highlights` is read.
    const matchedApps: number[] = [];
    const scores: number[] = [];
    for (let c = 0; c < total; c++) {
      const appIndex = candidates ? (candidates[c] as number) : c;
      const score = scoreApp(indexed[appIndex] as IndexedApp, termPlans, key, null);
      if (score > 0) {
        matchedApps.push(appIndex);
        scores.push(score);
      }
    }
    previous = { terms, matched: Int32Array.from(matchedApps) };

    // One numeric key per hit (score, then name rank, which is unique), so the
    // sort is a typed-array sort with no comparator calls.
    const n = matchedApps.length;
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const appIndex = matchedApps[i] as number;
      const quantized = Math.round((100 - (scores[i] as number)) * 1000);
      keys[i] = quantized * RANK_SPAN + (rank[appIndex] as number);
      slotOfApp[appIndex] = i;
    }
    keys.sort();
    const context: HitContext = { plans: termPlans, key };
    const results: SearchResult[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const appIndex = rankToApp[(keys[i] as number) % RANK_SPAN] as number;
      const score = scores[slotOfApp[appIndex] as number] as number;
      results[i] = new Hit(indexed[appIndex] as IndexedApp, score, context);
    }
    return results;
  }

  return { size: appCount, search };
}

interface HitContext {
  readonly plans: readonly TermPlan[];
  readonly key: string;
}

/** A hit whose highlights are built on first read. */
class Hit implements SearchResult {
  readonly app: PortalApp;
  readonly score: number;
  readonly #entry: IndexedApp;
  readonly #context: HitContext;
  #highlights: SearchHighlights | undefined;

  constructor(entry: IndexedApp, score: number, context: HitContext) {
    this.app = entry.app;
    this.score = score;
    this.#entry = entry;
    this.#context = context;
  }

  get highlights(): SearchHighlights {
    if (!this.#highlights) {
      const matches: TermMatch[] = [];
      scoreApp(this.#entry, this.#context.plans, this.#context.key, matches);
      this.#highlights = buildHighlights(this.#entry, matches);
    }
    return this.#highlights;
  }
}

/**
 * The app's score for the query (0: no match). With `out`, also collects
 * where each term matched.
 */
function scoreApp(
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

/**
 * Whether the hits for `terms` are among the hits for `before`, so only those
 * need checking: earlier terms unchanged and the last one grown (or new terms
 * added). Growing a 1-character term enables substrings, so everything is
 * checked again; growing past 4 or 8 characters raises the typo budget, so
 * the apps reachable with the new budget are checked too.
 */
function canNarrow(before: readonly string[], terms: readonly string[]): Narrowing {
  if (before.length === 0 || terms.length < before.length) return 'no';
  const last = before.length - 1;
  for (let i = 0; i < last; i++) if (before[i] !== terms[i]) return 'no';
  const was = before[last] as string;
  const now = terms[last] as string;
  if (was === now) return 'yes';
  if (!now.startsWith(was) || was.length < 2) return 'no';
  return typoBudget(now.length) <= typoBudget(was.length) ? 'yes' : 'with-typos';
}

/**
 * `yes`: only the previous hits can match. `with-typos`: so can the apps the
 * grown last term reaches with its larger typo budget (every other rule is
 * monotone). `no`: check every app.
 */
type Narrowing = 'yes' | 'with-typos' | 'no';

/** The ascending union of two ascending lists of app indexes. */
function mergeAscending(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const y = j < b.length ? (b[j] as number) : Number.POSITIVE_INFINITY;
    const next = Math.min(x, y);
    if (x === next) i++;
    if (y === next) j++;
    out[n++] = next;
  }
  return out.subarray(0, n);
}

function indexField(text: string, vocabIds: Map<string, number>, vocab: string[]): FieldIndex {
  const folded = foldText(text);
  const starts: number[] = [];
  const ends: number[] = [];
  const isToken: number[] = [];
  const ids: number[] = [];
  let tokenEnd = 0;
  for (let k = 0; k < folded.folded.length; k++) {
    const kind = folded.wordStart[k];
    if (!kind) continue;
    if (kind === 2 || k >= tokenEnd) {
      tokenEnd = k;
      while (tokenEnd < folded.folded.length && folded.isWord[tokenEnd]) tokenEnd++;
    }
    const word = folded.folded.slice(k, tokenEnd);
    let id = vocabIds.get(word);
    if (id === undefined) {
      id = vocab.length;
      vocab.push(word);
      vocabIds.set(word, id);
    }
    starts.push(k);
    ends.push(tokenEnd);
    isToken.push(kind === 2 ? 1 : 0);
    ids.push(id);
  }
  return {
    original: text,
    folded: folded.folded,
    start: folded.start,
    end: folded.end,
    wordStart: starts,
    wordEnd: ends,
    wordIsToken: isToken,
    wordId: ids,
  };
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

function buildHighlights(entry: IndexedApp, matches: readonly TermMatch[]): SearchHighlights {
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

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length, 0xffff);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** `[lo, hi)`: the ids of the sorted vocabulary that begin with `term`. */
function prefixRange(sorted: readonly string[], term: string): [number, number] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < term) lo = mid + 1;
    else hi = mid;
  }
  const from = lo;
  hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string).startsWith(term)) lo = mid + 1;
    else hi = mid;
  }
  return [from, lo];
}

/**
 * For every vocabulary word, the smallest optimal-string-alignment distance
 * between `term` and any prefix of the word (so "conflue" is one edit from
 * "confluence" while the user is still typing), when it is within `budget`.
 *
 * Words are visited in sorted order and the dynamic-programming rows of the
 * prefix a word shares with the previous one are reused; once every cell of a
 * row exceeds the budget, all words sharing that prefix are skipped.
 */
function typoScan(
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
