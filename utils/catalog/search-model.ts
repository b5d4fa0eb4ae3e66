/**
 * Launcher search, the shared model: the public types and scores that
 * utils/catalog/search.ts re-exports, and the internal shape of an indexed
 * catalog that its parts (search-index.ts, search-typo.ts, search-score.ts)
 * share. See search.ts for the contract and why the engine is our own.
 */
import type { PortalApp } from '../../contract/schemas.ts';

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

/** Options for `createSearchIndex`. */
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

/** The searched fields, in tier order within a tier: name, category, description. */
export const FIELD_COUNT = 3;
/** Field number of the name. */
export const NAME = 0;
/** Field number of the category. */
export const CATEGORY = 1;
/** Field number of the description. */
export const DESCRIPTION = 2;

/** Typo tolerance is for typing, not for pasted paragraphs; it also bounds the edit-distance tables. */
export const MAX_TYPO_TERM_LENGTH = 32;
/** "Not within the typo budget" in per-word byte arrays. */
export const NO_TYPO = 255;
/** "No match in any field" in per-app byte arrays. */
export const NO_FIELD = 255;

/** One searched field of one app, folded, with its words. */
export interface FieldIndex {
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

/** One app as the index holds it. */
export interface IndexedApp {
  readonly index: number;
  readonly app: PortalApp;
  readonly fields: readonly [FieldIndex, FieldIndex, FieldIndex];
  /** The name's tokens joined by single spaces, to compare with the whole query. */
  readonly nameKey: string;
  /** The three folded fields joined by line breaks: one `indexOf` rules most apps in or out. */
  readonly combined: string;
}

/** Everything about one query term that does not depend on the app, computed once per term. */
export interface TermPlan {
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

/** Where one term matched one app, for highlights. */
export interface TermMatch {
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

/** The highlights of a result that marks nothing (the empty query). */
export const EMPTY_HIGHLIGHTS: SearchHighlights = Object.freeze({
  name: Object.freeze([]),
  description: Object.freeze([]),
  category: Object.freeze([]),
}) as SearchHighlights;
