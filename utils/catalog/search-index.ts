/**
 * Launcher search, building the index: everything that depends only on the
 * catalog, computed once (folded fields and their words, a vocabulary sorted
 * in code-unit order, the common prefix of neighbouring words, and an
 * inverted index from word to uses laid out by word id).
 */
import type { PortalApp } from '../../contract/schemas.ts';
import { foldText } from './normalize.ts';
import {
  CATEGORY,
  DESCRIPTION,
  FIELD_COUNT,
  type FieldIndex,
  type IndexedApp,
  NAME,
} from './search-model.ts';

/** A catalog's index: the apps' folded fields, the sorted vocabulary and its postings. */
export interface CatalogIndex {
  readonly indexed: readonly IndexedApp[];
  /** Every distinct word (a word start to its token end), in code-unit order; ids are positions here. */
  readonly sortedVocab: readonly string[];
  /** Per word id: the length of the prefix it shares with the word before it. */
  readonly sharedPrefix: Uint16Array;
  /** Per word id: where its uses start in the posting arrays (one more entry at the end). */
  readonly postingStart: Int32Array;
  /** Per use: the app, the field and the word's index in that field. */
  readonly postingApp: Int32Array;
  readonly postingField: Uint8Array;
  readonly postingWord: Int32Array;
}

/** Indexes a catalog; never throws. */
export function buildCatalogIndex(apps: readonly PortalApp[]): CatalogIndex {
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
  return { indexed, sortedVocab, sharedPrefix, postingStart, postingApp, postingField, postingWord };
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
export function prefixRange(sorted: readonly string[], term: string): [number, number] {
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
