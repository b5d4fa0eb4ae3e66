/**
 * Text folding for launcher search: case-, diacritic- and width-insensitive,
 * with a map from every folded code unit back to the original string so that
 * highlights can point into what the user actually sees.
 *
 * Pure and framework-free. `foldText` never throws; any string is accepted.
 * Home-made with search.ts (its header says why no library was taken): the
 * candidates fold Latin letters only (uFuzzy's `latinize`) or leave folding to
 * us (MiniSearch's `processTerm`), and neither maps folded text back to the
 * original for highlights.
 */

/** Combining marks, removed after decomposition (é → e, ñ → n, İ → i). */
const MARKS = /\p{M}/gu;
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const UPPER = /^\p{Lu}$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{N}$/u;

/**
 * Letters that carry their "diacritic" in the base glyph, so Unicode
 * decomposition does not separate it; folded by hand so that "Łódź" is found
 * by "lodz" and "Straße" by "strasse".
 */
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŧ: 't',
  ς: 'σ',
};

/** What an original code point is, for word-boundary detection. */
const CharKind = { Separator: 0, Lower: 1, Upper: 2, Digit: 3 } as const;
type CharKind = (typeof CharKind)[keyof typeof CharKind];

interface FoldedChar {
  readonly text: string;
  /** Per folded code unit: 1 if it is a letter or digit. */
  readonly word: readonly number[];
  readonly kind: CharKind;
}

// Memo per code point: folding is pure, and the set of code points a catalog
// uses is small, so a module-wide cache makes index building cheap.
const foldCache = new Map<number, FoldedChar>();

function foldCodePoint(cp: number, ch: string): FoldedChar {
  const cached = foldCache.get(cp);
  if (cached) return cached;
  // Compatibility decomposition (NFKD) only for letters and digits: it folds
  // fullwidth Latin typed through CJK input methods and ligatures (ﬁ → fi),
  // while symbols such as ™ keep their canonical (NFD) form and stay
  // separators instead of growing letters into the word before them.
  const kind: CharKind = UPPER.test(ch)
    ? CharKind.Upper
    : LETTER.test(ch)
      ? CharKind.Lower
      : DIGIT.test(ch)
        ? CharKind.Digit
        : CharKind.Separator;
  const form = kind === CharKind.Separator ? 'NFD' : 'NFKD';
  let text = ch.normalize(form).replace(MARKS, '').toLowerCase().normalize('NFD').replace(MARKS, '');
  text = Array.from(text, (c) => EXTRA_FOLDS[c] ?? c).join('');
  const word: number[] = [];
  for (const c of text) {
    const isWord = WORD_CHAR.test(c) ? 1 : 0;
    for (let u = 0; u < c.length; u++) word.push(isWord);
  }
  const folded: FoldedChar = { text, word, kind };
  foldCache.set(cp, folded);
  return folded;
}

/** A string folded for matching, with the way back to the original. */
export interface FoldedText {
  /** The original string. */
  readonly original: string;
  /** Lower-case, marks stripped, compatibility forms folded. */
  readonly folded: string;
  /**
   * For each code unit of `folded`: where its source character starts in
   * `original`; null when folding kept positions (ASCII text), so position k
   * maps to k.
   */
  readonly start: Int32Array | null;
  /** For each code unit of `folded`: where its source character (with any combining marks) ends; null as for `start`. */
  readonly end: Int32Array | null;
  /** For each code unit of `folded`: 1 when it is a letter or digit. */
  readonly isWord: ArrayLike<number>;
  /**
   * For each code unit of `folded`: 1 when a word starts there — after a
   * separator, or at a case or letter/digit change inside a token ("GitHub",
   * "Office365"), 2 when it starts a whole token (after a separator).
   */
  readonly wordStart: ArrayLike<number>;
}

/**
 * Folds `text` for search: NFD/NFKD, combining marks stripped, lower-cased,
 * a few base-glyph diacritics folded, each folded code unit mapped back to
 * its original range. Hangul syllables decompose into jamo, which makes a
 * syllable still being composed by an input method a prefix of the finished
 * one.
 *
 * @see https://www.unicode.org/reports/tr15/ Unicode Normalization Forms (UAX #15)
 * @see https://www.unicode.org/reports/tr44/#General_Category_Values General categories (M, L, N)
 */
export function foldText(text: string): FoldedText {
  return NON_ASCII.test(text) ? foldUnicode(text) : foldAscii(text);
}

const NON_ASCII = /\P{ASCII}/u;

function asciiKind(code: number): CharKind {
  if (code >= 97 && code <= 122) return CharKind.Lower;
  if (code >= 65 && code <= 90) return CharKind.Upper;
  if (code >= 48 && code <= 57) return CharKind.Digit;
  return CharKind.Separator;
}

/**
 * Where a word starts: 2 after a separator (a token), 1 at a case change
 * ("GitHub") or a letter/digit change ("Office365") inside a token, else 0.
 */
function boundary(kind: CharKind, prevKind: CharKind): number {
  if (kind === CharKind.Separator) return 0;
  if (prevKind === CharKind.Separator) return 2;
  if (kind === CharKind.Upper && prevKind === CharKind.Lower) return 1;
  if ((kind === CharKind.Digit) !== (prevKind === CharKind.Digit)) return 1;
  return 0;
}

// Most catalog text is ASCII: one code unit in, one out, positions kept, and
// only small plain arrays (typed arrays per field would keep the garbage
// collector busy while an index of thousands of apps is built).
function foldAscii(text: string): FoldedText {
  const n = text.length;
  const isWord: number[] = [];
  const wordStart: number[] = [];
  let prevKind: CharKind = CharKind.Separator;
  for (let i = 0; i < n; i++) {
    const kind = asciiKind(text.charCodeAt(i));
    isWord.push(kind === CharKind.Separator ? 0 : 1);
    wordStart.push(boundary(kind, prevKind));
    prevKind = kind;
  }
  return { original: text, folded: text.toLowerCase(), start: null, end: null, isWord, wordStart };
}

function foldUnicode(text: string): FoldedText {
  let capacity = text.length + 16;
  let start = new Int32Array(capacity);
  let end = new Int32Array(capacity);
  let isWord = new Uint8Array(capacity);
  let wordStart = new Uint8Array(capacity);
  const parts: string[] = [];
  let n = 0;
  let prevKind: CharKind = CharKind.Separator;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const len = cp > 0xffff ? 2 : 1;
    let kind: CharKind;
    let out: string;
    let outWord: readonly number[] | null = null;
    if (cp < 128) {
      kind = asciiKind(cp);
      out = kind === CharKind.Upper ? String.fromCharCode(cp + 32) : (text[i] as string);
    } else {
      const folded = foldCodePoint(cp, text.slice(i, i + len));
      kind = folded.kind;
      out = folded.text;
      outWord = folded.word;
    }
    if (out.length === 0) {
      // A stripped combining mark: it belongs to the character before it, so
      // a highlight of that character must include it (never split a grapheme).
      if (n > 0) {
        const owner = start[n - 1] as number;
        for (let k = n - 1; k >= 0 && start[k] === owner; k--) end[k] = i + len;
      }
      i += len;
      continue;
    }
    if (n + out.length > capacity) {
      capacity = (n + out.length) * 2;
      start = grow(start, new Int32Array(capacity));
      end = grow(end, new Int32Array(capacity));
      isWord = grow(isWord, new Uint8Array(capacity));
      wordStart = grow(wordStart, new Uint8Array(capacity));
    }
    const edge = boundary(kind, prevKind);
    for (let u = 0; u < out.length; u++) {
      start[n] = i;
      end[n] = i + len;
      isWord[n] = outWord ? (outWord[u] as number) : kind === CharKind.Separator ? 0 : 1;
      wordStart[n] = u === 0 ? edge : 0;
      n++;
    }
    parts.push(out);
    prevKind = kind;
    i += len;
  }
  // Folding can turn a letter into a separator or the reverse (rare
  // compatibility forms); token starts follow the folded text.
  for (let k = 0; k < n; k++) {
    if (!isWord[k]) wordStart[k] = 0;
    else if (k === 0 || !isWord[k - 1]) wordStart[k] = 2;
  }
  return {
    original: text,
    folded: parts.join(''),
    start: start.slice(0, n),
    end: end.slice(0, n),
    isWord: isWord.slice(0, n),
    wordStart: wordStart.slice(0, n),
  };
}

function grow<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Splits a query into folded search terms (runs of letters and digits), so
 * "Team-Wiki", "team wiki" and "TEAM  WIKI" ask the same thing.
 */
export function queryTerms(query: string): string[] {
  const { folded, isWord } = foldText(query);
  const terms: string[] = [];
  let from = -1;
  for (let k = 0; k <= folded.length; k++) {
    const w = k < folded.length && isWord[k] === 1;
    if (w && from < 0) from = k;
    else if (!w && from >= 0) {
      terms.push(folded.slice(from, k));
      from = -1;
    }
  }
  return terms;
}
