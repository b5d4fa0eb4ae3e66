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
 * monotone while the query grows (see `canNarrow`). The parts: search-model.ts
 * (types, scores), search-index.ts (building), search-typo.ts (edit distance
 * to word prefixes), search-score.ts (tiers, initials, highlights).
 *
 * Why this engine is home-made (libraries evaluated 2026-12, Node 20.20):
 * MiniSearch 7.2.0 and uFuzzy 1.0.8 were each given a thin layer of ours
 * (our folding in, our tiers, name tie-break and highlight mapping out:
 * bench/search-engines/) and held to this module's spec,
 * utils/catalog/search.test.ts (88 tests), and to bench/search.ts, in the
 * same runs as this engine.
 * - MiniSearch: 25 of 88 tests fail. It has no substring match ("pedia" in
 *   Wikipedia, "ポ" in 社内ポータル), no initials ("tw" → Team Wiki, "gh" →
 *   GitHub, "hr" → Human Resources), counts a transposition as two edits
 *   ("slakc", "stakc", "cnoflunece") and measures edits against whole words,
 *   not the prefix being typed ("paryol", "payrol", "portla", "sales forc").
 * - uFuzzy: 12 of 88 fail. No initials (5 tests), one edit per term at most
 *   ("cnoflunece", "documnets" need two), it reports the first occurrence of a
 *   term rather than the best (one-letter word starts, tier scores, the
 *   "pedia" highlight), and the keystroke-replay test timed out (> 5 s, ours
 *   2.4 s) because it has no index to reuse.
 * - Speed, 5,000 apps, per keystroke with each query's index build counted in
 *   its first keystroke (bench/search.ts --rounds 2; the machine was shared,
 *   load average ~17 on 2 cores, so only the ratios mean much): median / p99
 *   ours 0.77 / 890 ms, MiniSearch 12.2 / 2,168 ms, uFuzzy 78.8 / 798 ms
 *   (uFuzzy has to rank every match to give ranges for tiers and highlights).
 *   Only ours meets the 1 ms median.
 * - Size (bundled, minified, gzipped, layer included): ours 4.6 KB,
 *   MiniSearch 7.8 KB, uFuzzy 5.8 KB; both would fit the popup's 30 KB
 *   (it is 20.5 KB with ours), so size did not decide.
 * Making either pass would mean re-writing initials, substrings, prefix edit
 * distance and keystroke narrowing around it: this module, plus a library.
 */
import type { PortalApp } from '../../contract/schemas.ts';
import { queryTerms } from './normalize.ts';
import { buildCatalogIndex, prefixRange } from './search-index.ts';
import {
  EMPTY_HIGHLIGHTS,
  FIELD_COUNT,
  type IndexedApp,
  NO_FIELD,
  NO_TYPO,
  type SearchHighlights,
  type SearchIndex,
  type SearchIndexOptions,
  type SearchResult,
  type TermMatch,
  type TermPlan,
  typoBudget,
} from './search-model.ts';
import { buildHighlights, scoreApp } from './search-score.ts';
import { typoScan } from './search-typo.ts';

export {
  type HighlightRange,
  SEARCH_SCORES,
  type SearchHighlights,
  type SearchIndex,
  type SearchIndexOptions,
  type SearchResult,
  typoBudget,
} from './search-model.ts';

/** Longer queries are cut: no app name or description is longer, and it bounds the work. */
const MAX_QUERY_LENGTH = 256;
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

/**
 * Builds the search index for a catalog.
 *
 * @see https://en.wikipedia.org/wiki/Damerau%E2%80%93Levenshtein_distance#Optimal_string_alignment_distance Typos use the optimal string alignment distance
 * @see https://www.unicode.org/reports/tr15/ Folding uses Unicode normalization (UAX #15)
 */
export function createSearchIndex(apps: readonly PortalApp[], options: SearchIndexOptions = {}): SearchIndex {
  const { indexed, sortedVocab, sharedPrefix, postingStart, postingApp, postingField, postingWord } =
    buildCatalogIndex(apps);
  const appCount = indexed.length;

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
