/**
 * Launcher search on MiniSearch 7.2 (inverted index on a radix tree, prefix
 * and Levenshtein-fuzzy term lookup), with the thin layer of ours from
 * layer.ts: our folding feeds it pre-folded words (camel-case parts
 * included), and our tiers replace its BM25 score so that the order and
 * scores can be held to utils/catalog/search.test.ts. What MiniSearch does
 * not do (substrings inside a word, initials across words, edits measured
 * against a word prefix, Damerau transpositions) is deliberately not bolted
 * on here: adding it would be re-writing our engine around the library.
 * Evaluation code for bench/search.ts; same API as utils/catalog/search.ts.
 */
import MiniSearch from 'minisearch';
import type { PortalApp } from '../../contract/schemas.ts';
import { queryTerms } from '../../utils/catalog/normalize.ts';
import {
  SEARCH_SCORES,
  type SearchIndex,
  type SearchIndexOptions,
  typoBudget,
} from '../../utils/catalog/search.ts';
import { everyApp, type FoldedRange, foldApps, nameCollator, rank, words } from './layer.ts';

const FIELDS = ['name', 'category', 'description'] as const;

export function createSearchIndex(apps: readonly PortalApp[], options: SearchIndexOptions = {}): SearchIndex {
  const entries = foldApps(apps);
  const fieldWords = entries.map((entry) => entry.fields.map(words));
  const collator = nameCollator(options);
  const mini = new MiniSearch<{ id: number }>({
    fields: [...FIELDS],
    extractField: (doc, field) => {
      if (field === 'id') return doc.id as unknown as string;
      const f = FIELDS.indexOf(field as (typeof FIELDS)[number]);
      return (fieldWords[doc.id]?.[f] ?? []).map((w) => w.word).join(' ');
    },
    processTerm: (term) => term,
    searchOptions: {
      prefix: true,
      fuzzy: (term) => typoBudget(term.length),
      combineWith: 'AND',
    },
  });
  mini.addAll(entries.map((entry) => ({ id: entry.index })));
  const all = everyApp(entries);

  function search(query: string) {
    const terms = queryTerms(String(query).slice(0, 256));
    if (terms.length === 0) return all.slice();
    const key = terms.join(' ');
    const hits = mini.search(key).map((hit) => {
      const entry = entries[hit.id as number] as (typeof entries)[number];
      const ranges: FoldedRange[] = [];
      if (entry.nameKey.startsWith(key)) {
        // Each name token the query covers, the last one possibly in part.
        let left = key.length;
        for (const token of entry.nameTokens) {
          if (left <= 0) break;
          ranges.push({ field: 0, from: token.at, to: token.at + Math.min(token.word.length, left) });
          left -= token.word.length + 1;
        }
        return {
          entry,
          score: entry.nameKey === key ? SEARCH_SCORES.exactName : SEARCH_SCORES.namePrefix,
          ranges,
        };
      }
      let sum = 0;
      for (const term of terms) {
        let best = 0;
        let bestRange: FoldedRange | null = null;
        for (const [docTerm, fields] of Object.entries(hit.match)) {
          const prefix = docTerm.startsWith(term);
          // A fuzzy hit of this term, not a prefix hit of another one.
          if (!prefix && terms.some((other) => docTerm.startsWith(other))) continue;
          for (const name of fields) {
            const f = FIELDS.indexOf(name as (typeof FIELDS)[number]);
            const score = (prefix ? SEARCH_SCORES.wordStart : SEARCH_SCORES.typo1)[f] as number;
            if (score <= best) continue;
            const w = fieldWords[entry.index]?.[f]?.find((x) => x.word === docTerm);
            best = score;
            bestRange = w
              ? { field: f, from: w.at, to: w.at + (prefix ? term.length : w.word.length) }
              : null;
          }
        }
        sum += best;
        if (bestRange) ranges.push(bestRange);
      }
      return { entry, score: sum / terms.length, ranges };
    });
    return rank(hits, collator);
  }
  return { size: entries.length, search };
}
