import { describe, expect, it } from 'vitest';
import type { PortalApp } from '../../contract/schemas.ts';
import { testApp } from '../portal/__tests__/apps.ts';
import { createSearchIndex, SEARCH_SCORES, type SearchResult, typoBudget } from './search.ts';

const fakeApp = (name: string, extra: Partial<PortalApp> = {}): PortalApp =>
  testApp(extra.id ?? name, { name, ...extra });

const names = (results: readonly SearchResult[]) => results.map((result) => result.app.name);

/** The highlighted parts of a field, as text, for readable expectations. */
function marked(result: SearchResult | undefined, field: 'name' | 'category' | 'description'): string[] {
  if (!result) throw new Error('no result');
  const text = (field === 'name' ? result.app.name : result.app[field]) ?? '';
  return result.highlights[field].map(([start, end]) => text.slice(start, end));
}

const catalog = [
  fakeApp('Team Wiki', { category: 'Knowledge', description: 'Internal documentation for every team' }),
  fakeApp('Wiki'),
  fakeApp('Wikipedia Mirror'),
  fakeApp('Slack', { category: 'Communication', description: 'Team messaging and calls' }),
  fakeApp('GitHub', { category: 'Engineering', description: 'Code hosting and reviews' }),
  fakeApp('Confluence', { category: 'Knowledge', description: 'Wiki pages and meeting notes' }),
  fakeApp('Outlook', { category: 'Mail', description: 'Company e-mail and calendar' }),
  fakeApp('Gmail', { category: 'Communication', description: 'Personal mailbox' }),
  fakeApp('Expensify', { category: 'Finance', description: 'Travel and expense reports' }),
  fakeApp('Workday', { category: 'Human Resources', description: 'Payroll, time off and benefits' }),
];

describe('createSearchIndex / search: ranking', () => {
  const index = createSearchIndex(catalog);

  it.each([
    // query, expected order (names), why
    [
      'wiki',
      ['Wiki', 'Wikipedia Mirror', 'Team Wiki', 'Confluence'],
      'exact, then name prefix, then word start, then description',
    ],
    ['Wiki', ['Wiki', 'Wikipedia Mirror', 'Team Wiki', 'Confluence'], 'case does not matter'],
    ['tw', ['Team Wiki'], 'initials of consecutive words'],
    ['gh', ['GitHub'], 'initials of camel-case parts'],
    ['hub', ['GitHub'], 'a camel-case part is a word start'],
    ['team', ['Team Wiki', 'Slack'], 'name prefix before a description word start'],
    ['mail', ['Outlook', 'Gmail'], 'category word start before a name substring'],
    ['pedia', ['Wikipedia Mirror'], 'substring inside a word'],
    ['payroll', ['Workday'], 'description word start'],
    ['hr', ['Workday'], 'initials in the category'],
    ['team wiki', ['Team Wiki'], 'whole query equal to the name'],
    ['wiki team', ['Team Wiki'], 'multi-word: every term must match, in any order'],
    ['wiki slack', [], 'multi-word: every term must match'],
    ['zzz', [], 'no match'],
  ])('%s → %j (%s)', (query, expected) => {
    expect(names(index.search(query))).toEqual(expected);
  });

  it('scores follow the documented tiers', () => {
    const score = (query: string, name: string) =>
      index.search(query).find((r) => r.app.name === name)?.score;
    expect(score('wiki', 'Wiki')).toBe(SEARCH_SCORES.exactName);
    expect(score('wiki', 'Wikipedia Mirror')).toBe(SEARCH_SCORES.namePrefix);
    expect(score('wiki', 'Team Wiki')).toBe(SEARCH_SCORES.wordStart[0]);
    expect(score('wiki', 'Confluence')).toBe(SEARCH_SCORES.wordStart[2]);
    expect(score('mail', 'Outlook')).toBe(SEARCH_SCORES.wordStart[1]);
    expect(score('mail', 'Gmail')).toBe(SEARCH_SCORES.wordStart[2]); // "mailbox" in its description
    expect(score('pedia', 'Wikipedia Mirror')).toBe(SEARCH_SCORES.substring[0]);
    expect(score('knowledge wiki', 'Team Wiki')).toBe(
      (SEARCH_SCORES.wordStart[1] + SEARCH_SCORES.wordStart[0]) / 2,
    );
    expect(score('slakc', 'Slack')).toBe(SEARCH_SCORES.typo1[0]);
    expect(score('confluance', 'Confluence')).toBe(SEARCH_SCORES.typo1[0]);
  });

  it('a one-letter query matches word starts only, not every name containing the letter', () => {
    expect(names(index.search('w'))).toEqual([
      'Wiki',
      'Wikipedia Mirror',
      'Workday',
      'Team Wiki',
      'Confluence',
    ]);
  });

  it('the empty query returns every app in catalog order', () => {
    for (const query of ['', '   ', '-- ,']) {
      const results = index.search(query);
      expect(results.map((r) => r.app)).toEqual(catalog);
      expect(results.every((r) => r.score === 0 && r.highlights.name.length === 0)).toBe(true);
    }
  });

  it('ties are broken by name, in collation order, whatever the catalog order', () => {
    const apps = [
      'zeta Tools',
      'Alpha Tools',
      'Émile Tools',
      'beta Tools',
      'App 10 Tools',
      'App 9 Tools',
    ].map((n) => fakeApp(n));
    const tied = createSearchIndex(apps, { locales: 'en' }).search('tools');
    expect(new Set(tied.map((r) => r.score)).size).toBe(1);
    expect(names(tied)).toEqual([
      'Alpha Tools',
      'App 9 Tools',
      'App 10 Tools',
      'beta Tools',
      'Émile Tools',
      'zeta Tools',
    ]);
  });

  it('apps with the same name keep their catalog order', () => {
    const twins = [fakeApp('Jira', { id: 'b' }), fakeApp('Jira', { id: 'a' }), fakeApp('Jira', { id: 'c' })];
    expect(
      createSearchIndex(twins)
        .search('jira')
        .map((r) => r.app.id),
    ).toEqual(['b', 'a', 'c']);
  });
});

describe('search: typos', () => {
  const index = createSearchIndex([
    fakeApp('Slack'),
    fakeApp('Confluence'),
    fakeApp('Salesforce'),
    fakeApp('Zoom'),
    fakeApp('Documentation Portal'),
  ]);

  it.each([
    ['slakc', 'Slack', 'transposition (Damerau)'],
    ['slcak', 'Slack', 'transposition in the middle'],
    ['slack', 'Slack', 'no typo'],
    ['sllack', 'Slack', 'insertion'],
    ['slak', 'Slack', 'deletion, while still typing'],
    ['xlack', 'Slack', 'substitution of the first letter'],
    ['conflence', 'Confluence', 'deletion'],
    ['confluance', 'Confluence', 'substitution'],
    ['cnoflunece', 'Confluence', 'two transpositions (10 letters: 2 allowed)'],
    ['salesforse', 'Salesforce', 'substitution near the end'],
    ['sales forc', 'Salesforce', 'each term on its own'],
    ['documantation', 'Documentation Portal', 'typo in the first word'],
    ['portla', 'Documentation Portal', 'typo in a later word'],
  ])('%s finds %s (%s)', (query, expected) => {
    expect(names(index.search(query))).toContain(expected);
  });

  it.each([
    ['zom', 'under 4 characters no typo is allowed'],
    ['slxkc', 'two edits at 5 characters'],
    ['xnoflunce', 'three edits at 9 characters'],
    ['zoomzoom', 'the term is longer than any prefix by more than the budget'],
  ])('%s finds nothing (%s)', (query) => {
    expect(index.search(query)).toEqual([]);
  });

  it('the typo budget is 0 below 4 characters, 1 from 4, 2 from 8', () => {
    expect([1, 3, 4, 7, 8, 20].map(typoBudget)).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('an exact match outranks a typo match', () => {
    const apps = createSearchIndex([fakeApp('Mall Directory'), fakeApp('Mail')]);
    expect(names(apps.search('mail'))).toEqual(['Mail', 'Mall Directory']);
  });
});

describe('search: typo matching agrees with a plain edit-distance computation', () => {
  /** Optimal string alignment distance from `a` to the closest prefix of `b`, computed the slow, obvious way. */
  function prefixDistance(a: string, b: string): number {
    let best = Number.POSITIVE_INFINITY;
    for (let end = 0; end <= b.length; end++) best = Math.min(best, osa(a, b.slice(0, end)));
    return best;
  }
  function osa(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const row = d[i] as number[];
        const up = d[i - 1] as number[];
        row[j] = Math.min(
          (up[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
        }
      }
    }
    return (d[a.length] as number[])[b.length] as number;
  }

  // Many words sharing prefixes, so the shared-row and pruning shortcuts are exercised.
  const words = [
    'pay',
    'payroll',
    'payrollpay',
    'payrolls',
    'payment',
    'paypal',
    'parole',
    'parallel',
    'slack',
    'slacker',
    'stack',
    'confluence',
    'conference',
    'confidence',
    'documentation',
    'documents',
    'docusign',
    'zoom',
    'zoominfo',
    'room',
  ];
  const index = createSearchIndex(words.map((word) => fakeApp(word)));

  it.each([
    'paryol',
    'paryoll',
    'payrol',
    'paymnet',
    'slakc',
    'stakc',
    'confernece',
    'confidnece',
    'documnets',
    'zomo',
    'romo',
    'docsuign',
  ])('%s matches exactly the words within its typo budget (or containing it)', (term) => {
    const expected = words.filter(
      (word) => word.includes(term) || prefixDistance(term, word) <= typoBudget(term.length),
    );
    expect(names(index.search(term)).sort()).toEqual(expected.sort());
  });
});

describe('search: case, diacritics and scripts', () => {
  const apps = [
    fakeApp('Café Menu'),
    fakeApp('Straße Planner'),
    fakeApp('Łódź Office'),
    fakeApp('ÉCOLE Portal'),
    fakeApp('Cafe\u0301 Decomposed'), // "Café" typed with a combining accent
    fakeApp('İstanbul Hub'),
    fakeApp('Ｆｕｌｌｗｉｄｔｈ Docs'),
    fakeApp('שירות לקוחות', { description: 'מערכת פניות' }),
    fakeApp('بوابة الموظفين'),
    fakeApp('社内ポータル'),
    fakeApp('한국어 위키'),
    fakeApp('Ελληνικά Έγγραφα'),
  ];
  const index = createSearchIndex(apps);

  it.each([
    // Equal scores: "Café D…" sorts before "Café M…" however the accent was typed.
    ['cafe', ['Cafe\u0301 Decomposed', 'Café Menu']],
    ['CAFÉ', ['Cafe\u0301 Decomposed', 'Café Menu']],
    ['strasse', ['Straße Planner']],
    ['lodz', ['Łódź Office']],
    ['ecole', ['ÉCOLE Portal']],
    ['istanbul', ['İstanbul Hub']],
    ['fullwidth', ['Ｆｕｌｌｗｉｄｔｈ Docs']],
    ['לקוחות', ['שירות לקוחות']],
    ['פניות', ['שירות לקוחות']],
    ['الموظفين', ['بوابة الموظفين']],
    ['ポータル', ['社内ポータル']],
    ['社', ['社内ポータル']],
    ['ポ', ['社内ポータル']],
    ['위키', ['한국어 위키']],
    ['εγγραφα', ['Ελληνικά Έγγραφα']],
  ])('%s finds %j', (query, expected) => {
    expect(names(index.search(query))).toEqual(expected);
  });

  it('a Hangul syllable still being composed is a prefix of the finished one', () => {
    // An input method shows 한 → 한구 → 한국 while "한국" is typed: in jamo each
    // step is a prefix of the next, so results do not flicker away.
    for (const typed of ['한', '한구', '한국', '한국어'])
      expect(names(index.search(typed)), typed).toEqual(['한국어 위키']);
    for (const other of ['한나', '독일']) expect(names(index.search(other)), other).toEqual([]);
  });
});

describe('search: highlights point into the original strings', () => {
  it.each([
    ['Team Wiki', {}, 'tw', 'name', ['T', 'W']],
    ['Team Wiki', {}, 'team wi', 'name', ['Team', 'Wi']],
    ['Team Wiki', {}, 'wiki', 'name', ['Wiki']],
    ['GitHub', {}, 'gh', 'name', ['G', 'H']],
    ['Café Menu', {}, 'cafe', 'name', ['Café']],
    ['Cafe\u0301 Menu', {}, 'cafe', 'name', ['Cafe\u0301']], // the combining accent stays with its letter
    ['Cafe\u0301 Menu', {}, 'caf', 'name', ['Caf']],
    ['Straße', {}, 'strass', 'name', ['Straß']], // "ß" folds to "ss": half of it highlights all of it
    ['Łódź Office', {}, 'lodz off', 'name', ['Łódź', 'Off']],
    ['İstanbul', {}, 'ist', 'name', ['İst']],
    ['Ｆｕｌｌ Docs', {}, 'full', 'name', ['Ｆｕｌｌ']],
    ['Slack', {}, 'slakc', 'name', ['Slack']],
    ['Confluence', {}, 'conflue', 'name', ['Conflue']],
    ['Portal 🚀 Launch', {}, 'launch', 'name', ['Launch']],
    ['Wikipedia', {}, 'pedia', 'name', ['pedia']],
    ['Outlook', { category: 'E-Mail' }, 'mail', 'category', ['Mail']],
    [
      'Expensify',
      { description: 'Travel and expense reports' },
      'reports travel',
      'description',
      ['Travel', 'reports'],
    ],
    ['שירות לקוחות', {}, 'לקוחות', 'name', ['לקוחות']],
  ] as const)('%s %j: %s highlights %s %j', (name, extra, query, field, expected) => {
    const [result] = createSearchIndex([fakeApp(name, extra)]).search(query);
    expect(marked(result, field)).toEqual(expected);
  });

  it('ranges are sorted, merged and never overlap', () => {
    const [result] = createSearchIndex([fakeApp('Alpha Beta')]).search('alp alpha al beta');
    expect(result?.highlights.name).toEqual([
      [0, 5],
      [6, 10],
    ]);
  });

  it('a term matched in one field leaves the other fields unmarked', () => {
    const [result] = createSearchIndex([fakeApp('Payroll', { description: 'Payroll for staff' })]).search(
      'payroll',
    );
    expect(result?.highlights.description).toEqual([]);
    expect(marked(result, 'name')).toEqual(['Payroll']);
  });
});

describe('search: typing one keystroke at a time', () => {
  /** A deterministic catalog with shared words, so narrowing has work to do. */
  function randomCatalog(count: number, seed: number): PortalApp[] {
    let state = seed;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const words = [
      'team',
      'wiki',
      'slack',
      'pay',
      'payroll',
      'café',
      'straße',
      'hub',
      'GitHub',
      'docs',
      'tea',
      'wik',
    ];
    const pick = () => words[Math.floor(random() * words.length)] as string;
    return Array.from({ length: count }, (_, i) =>
      fakeApp(`${pick()} ${pick()}${random() < 0.3 ? pick() : ''}`, {
        id: `app-${i}`,
        category: random() < 0.5 ? pick() : null,
        description: random() < 0.7 ? `${pick()} ${pick()} ${pick()}` : null,
      }),
    );
  }

  const snapshot = (results: readonly SearchResult[]) =>
    results.map((r) => [
      r.app.id,
      r.score,
      r.highlights.name,
      r.highlights.category,
      r.highlights.description,
    ]);

  it('an index reused across keystrokes answers exactly like a fresh index', () => {
    const apps = randomCatalog(300, 7);
    const reused = createSearchIndex(apps);
    const queries = [
      'team wiki',
      'payroll',
      'paryoll',
      'githbu docs',
      'cafe straße',
      'wik',
      'tw',
      'tea wi',
      'xx',
    ];
    for (const query of queries) {
      reused.search('');
      for (let length = 1; length <= query.length; length++) {
        const typed = query.slice(0, length);
        expect(snapshot(reused.search(typed)), typed).toEqual(
          snapshot(createSearchIndex(apps).search(typed)),
        );
      }
      // Backspacing and retyping, too.
      for (const typed of [query.slice(0, -2), query, `${query}x`, query]) {
        expect(snapshot(reused.search(typed)), typed).toEqual(
          snapshot(createSearchIndex(apps).search(typed)),
        );
      }
    }
    // Dozens of fresh 300-app indexes: about 2.5 s alone, more on a loaded 2-core machine.
  }, 30_000);

  it('never throws for odd input', () => {
    const index = createSearchIndex(randomCatalog(20, 3));
    for (const query of ['\u0000', '\uD800', '🚀', 'a'.repeat(5000), '(', '.*', '\\', '\u0301', 'ﷺ']) {
      expect(() => index.search(query)).not.toThrow();
    }
    expect(createSearchIndex([]).search('anything')).toEqual([]);
  });
});
