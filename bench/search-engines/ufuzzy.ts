/**
 * Launcher search on uFuzzy 1.0 (a regex filter over one string per app,
 * out-of-order terms, one substitution/transposition/insertion/deletion per
 * term in its SingleError mode), with the thin layer of ours from layer.ts:
 * our folding builds the haystack (name, category, description of an app in
 * one string, so terms may match in different fields), our tiers replace its
 * sort so that the order and scores can be held to
 * utils/catalog/search.test.ts, and uFuzzy's ranges become highlights. What
 * uFuzzy does not do (initials across words, two edits in long terms) is
 * deliberately not bolted on. Evaluation code for bench/search.ts; same API
 * as utils/catalog/search.ts.
 */
import uFuzzy from '@leeoniya/ufuzzy';
import type { PortalApp } from '../../contract/schemas.ts';
import { queryTerms } from '../../utils/catalog/normalize.ts';
import {
  SEARCH_SCORES,
  type SearchIndex,
  type SearchIndexOptions,
  typoBudget,
} from '../../utils/catalog/search.ts';
import { everyApp, type FoldedRange, foldApps, nameCollator, rank } from './layer.ts';

/** As in utils/catalog/search.ts: there a single character is a word or a syllable. */
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

/** Joins the fields of one app: not a letter or digit, and matched by uFuzzy's `.` between terms. */
const SEPARATOR = '\u001f';

export function createSearchIndex(apps: readonly PortalApp[], options: SearchIndexOptions = {}): SearchIndex {
  const entries = foldApps(apps);
  const haystack = entries.map((entry) => entry.fields.map((f) => f.folded).join(SEPARATOR));
  const collator = nameCollator(options);
  const fuzzy = new uFuzzy({
    unicode: true,
    interSplit: '[^\\p{L}\\p{N}]+',
    intraSplit: null,
    intraBound: null,
    intraChars: '[\\p{L}\\p{N}]',
    intraMode: 1,
    intraRules: (term) => {
      const allowed = typoBudget(term.length) > 0 ? 1 : 0;
      return {
        intraSlice: [0, Number.POSITIVE_INFINITY],
        intraIns: allowed,
        intraSub: allowed,
        intraTrn: allowed,
        intraDel: allowed,
      };
    },
  });
  const all = everyApp(entries);

  function search(query: string) {
    const terms = queryTerms(String(query).slice(0, 256));
    if (terms.length === 0) return all.slice();
    const key = terms.join(' ');
    const [, info, order] = fuzzy.search(haystack, key, terms.length > 1, Number.POSITIVE_INFINITY);
    if (!info || !order) return [];
    const hits = [];
    for (const o of order) {
      const entry = entries[info.idx[o] as number] as (typeof entries)[number];
      const found = (info.ranges[o] ?? []).map((at, r, list) =>
        r % 2 ? -1 : toField(entry.fields, at, list[r + 1] as number),
      );
      const ranges = found.filter((x): x is FoldedRange => x !== -1);
      if (entry.nameKey.startsWith(key)) {
        hits.push({
          entry,
          score: entry.nameKey === key ? SEARCH_SCORES.exactName : SEARCH_SCORES.namePrefix,
          ranges,
        });
        continue;
      }
      let sum = 0;
      for (const term of terms) {
        const exact = ranges.find((x) => entry.fields[x.field]?.folded.slice(x.from, x.to) === term);
        if (exact) {
          const start = entry.fields[exact.field]?.wordStart[exact.from];
          sum += (start ? SEARCH_SCORES.wordStart : SEARCH_SCORES.substring)[exact.field] as number;
        } else {
          sum += SEARCH_SCORES.typo1[ranges[0]?.field ?? 0] as number;
        }
      }
      // The spec: a one-letter term matches word starts only (except in scripts written without spaces).
      if (
        terms.some((t) => t.length === 1 && !UNSPACED_SCRIPT.test(t)) &&
        !ranges.some((x) => entry.fields[x.field]?.wordStart[x.from])
      )
        continue;
      hits.push({ entry, score: sum / terms.length, ranges });
    }
    return rank(hits, collator);
  }
  return { size: entries.length, search };
}

/** A haystack range as a range in one field (fields are joined by one separator). */
function toField(fields: readonly { folded: string }[], from: number, to: number): FoldedRange {
  let offset = 0;
  for (let f = 0; f < fields.length; f++) {
    const length = (fields[f] as { folded: string }).folded.length;
    if (from <= offset + length)
      return { field: f, from: from - offset, to: Math.min(to, offset + length) - offset };
    offset += length + 1;
  }
  return { field: 2, from: from - offset, to: to - offset };
}
