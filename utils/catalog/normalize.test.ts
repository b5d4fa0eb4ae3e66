import { describe, expect, it } from 'vitest';
import { foldText, queryTerms } from './normalize.ts';

describe('foldText', () => {
  it.each([
    ['Café', 'cafe'],
    ['Cafe\u0301', 'cafe'],
    ['STRASSE Straße', 'strasse strasse'],
    ['Łódź', 'lodz'],
    ['İstanbul', 'istanbul'],
    ['Ｆｕｌｌ', 'full'],
    ['ﬁle', 'file'],
    ['ΣΟΦΟΣ σοφος', 'σοφοσ σοφοσ'],
    ['Acme™', 'acme™'],
  ])('%j folds to %j', (text, expected) => {
    expect(foldText(text).folded).toBe(expected);
  });

  it('maps every folded code unit back to its original character, combining marks included', () => {
    const text = 'Cafe\u0301 ß 🚀x';
    const folded = foldText(text);
    expect(folded.folded).toBe('cafe ss 🚀x');
    const back = Array.from(folded.folded, (_, k) => text.slice(folded.start?.[k], folded.end?.[k]));
    expect(back.slice(0, 4)).toEqual(['C', 'a', 'f', 'e\u0301']);
    expect(back.slice(5, 7)).toEqual(['ß', 'ß']);
  });

  it('keeps positions as they are for ASCII text', () => {
    expect(foldText('Team Wiki')).toMatchObject({ folded: 'team wiki', start: null, end: null });
  });

  it('marks token starts (2) and camel-case or digit word starts (1)', () => {
    const { wordStart } = foldText('GitHub Office365 x');
    expect(Array.from(wordStart)).toEqual([2, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
  });
});

describe('queryTerms', () => {
  it.each([
    ['Team Wiki', ['team', 'wiki']],
    ['  team-wiki ', ['team', 'wiki']],
    ['Node.js', ['node', 'js']],
    ['CAFÉ', ['cafe']],
    ['', []],
    ['!!!', []],
  ])('%j → %j', (query, expected) => {
    expect(queryTerms(query)).toEqual(expected);
  });
});
