/**
 * The thin layer of ours that the library candidates for launcher search
 * (bench/search-engines/minisearch.ts, ufuzzy.ts) get on top of them, so
 * that they can be held to the same spec (utils/catalog/search.test.ts) and
 * bench (bench/search.ts) as utils/catalog/search.ts: folding with our
 * normalize.ts, the tier scores, the name tie-break and highlight ranges
 * mapped back to the original strings. Evaluation code only: the popup does
 * not load it (see the header of utils/catalog/search.ts for the outcome).
 *
 * To hold a candidate to the spec, run the spec against it from a copy:
 *   sed "s#import { createSearchIndex, SEARCH_SCORES#import { createSearchIndex } from '../../bench/search-engines/ufuzzy.ts';\nimport { SEARCH_SCORES#" \
 *     utils/catalog/search.test.ts > utils/catalog/zz-ufuzzy.test.ts
 *   npx vitest run --project unit utils/catalog/zz-ufuzzy.test.ts; rm utils/catalog/zz-ufuzzy.test.ts
 */
import type { PortalApp } from '../../contract/schemas.ts';
import { type FoldedText, foldText } from '../../utils/catalog/normalize.ts';
import type {
  HighlightRange,
  SearchHighlights,
  SearchIndexOptions,
  SearchResult,
} from '../../utils/catalog/search.ts';

/** One app's searched fields, folded: name, category, description. */
export interface FoldedApp {
  readonly app: PortalApp;
  readonly index: number;
  readonly fields: readonly [FoldedText, FoldedText, FoldedText];
  /** The name's tokens joined by single spaces, compared with the whole query. */
  readonly nameKey: string;
  /** The name's tokens with their folded positions. */
  readonly nameTokens: ReadonlyArray<{ at: number; word: string }>;
}

export function foldApps(apps: readonly PortalApp[]): FoldedApp[] {
  return apps.map((app, index) => {
    const fields = [
      foldText(app.name),
      foldText(app.category ?? ''),
      foldText(app.description ?? ''),
    ] as const;
    const nameTokens = words(fields[0]).filter((w) => fields[0].wordStart[w.at] === 2);
    return { app, index, fields, nameKey: nameTokens.map((w) => w.word).join(' '), nameTokens };
  });
}

/** The words of a field, camel-case and digit parts included ("GitHub" → github, hub), with their positions. */
export function words(field: FoldedText): Array<{ at: number; word: string }> {
  const out: Array<{ at: number; word: string }> = [];
  for (let k = 0; k < field.folded.length; k++) {
    if (!field.wordStart[k]) continue;
    let end = k;
    while (end < field.folded.length && field.isWord[end]) end++;
    out.push({ at: k, word: field.folded.slice(k, end) });
  }
  return out;
}

/** A match in folded positions of one field (0 name, 1 category, 2 description). */
export interface FoldedRange {
  readonly field: number;
  readonly from: number;
  readonly to: number;
}

const KEYS = ['name', 'category', 'description'] as const;

/** Folded ranges back to ranges into the original strings, sorted and merged per field. */
export function highlightsOf(entry: FoldedApp, ranges: readonly FoldedRange[]): SearchHighlights {
  const per: HighlightRange[][] = [[], [], []];
  for (const { field, from, to } of ranges) {
    if (to <= from) continue;
    const f = entry.fields[field] as FoldedText;
    per[field]?.push([f.start ? (f.start[from] as number) : from, f.end ? (f.end[to - 1] as number) : to]);
  }
  const merged = per.map((list) => {
    list.sort((a, b) => a[0] - b[0]);
    const out: [number, number][] = [];
    for (const [a, b] of list) {
      const last = out[out.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else out.push([a, b]);
    }
    return out as readonly HighlightRange[];
  });
  return Object.fromEntries(KEYS.map((key, f) => [key, merged[f]])) as unknown as SearchHighlights;
}

/** Best first, ties by name (collation order), then catalog order: the spec's order. */
export function rank(
  hits: Array<{ entry: FoldedApp; score: number; ranges: FoldedRange[] }>,
  collator: Intl.Collator,
): SearchResult[] {
  hits.sort(
    (a, b) =>
      b.score - a.score ||
      collator.compare(a.entry.app.name, b.entry.app.name) ||
      a.entry.index - b.entry.index,
  );
  return hits.map(({ entry, score, ranges }) => ({
    app: entry.app,
    score,
    get highlights() {
      return highlightsOf(entry, ranges);
    },
  }));
}

/** The name collator for {@link rank}, made once per index. */
export function nameCollator(options: SearchIndexOptions): Intl.Collator {
  return new Intl.Collator(options.locales as string | string[] | undefined, { numeric: true });
}

/** Every app with score 0 and no highlights: the answer to the empty query. */
export function everyApp(entries: readonly FoldedApp[]): SearchResult[] {
  const none: SearchHighlights = { name: [], category: [], description: [] };
  return entries.map((entry) => ({ app: entry.app, score: 0, highlights: none }));
}
