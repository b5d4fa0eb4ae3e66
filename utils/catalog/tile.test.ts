import { describe, expect, it } from 'vitest';
import { appInitials, contrastRatio, MIN_TILE_CONTRAST, plainFirstGrapheme, tileColor } from './tile.ts';

describe('appInitials', () => {
  it.each([
    ['Team Wiki', 'TW'],
    ['Slack', 'S'],
    ['GitHub', 'GH'],
    ['PagerDuty', 'PD'],
    ['1Password', '1P'],
    ['google workspace', 'GW'],
    ['  Jira   (Staging) ', 'JS'],
    ['AWS Console EU', 'AC'],
    ['école Portal', 'ÉP'],
    ['e\u0301cole', 'É'], // decomposed accent: NFC first, one letter
    ['Straße', 'S'],
    ['ßeta Tool', 'ßT'], // "ß" has no one-letter capital: kept as is
    ['🚀 Launch Pad', 'LP'], // emoji skipped when there are words
    ['🚀', '🚀'], // nothing else: the emoji whole
    ['👩‍💻👩‍💻', '👩‍💻'], // a ZWJ sequence is one grapheme
    ['---', '-'],
    ['', '?'],
    ['社内ポータル', '社'],
    ['社内 ポータル', '社'],
    ['한국어 위키', '한'],
    ['שירות לקוחות', 'של'],
    ['بوابة الموظفين', 'ب\u200cا'], // cursive letters kept apart
    ['कार्यालय पोर्टल', 'कापो'], // Devanagari: whole grapheme clusters
    ['Ελληνικά Έγγραφα', 'ΕΈ'],
  ])('%j → %j', (name, expected) => {
    expect(appInitials(name)).toBe(expected);
  });

  it('gives at most two graphemes for any name', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    for (const name of ['A B C D', 'x'.repeat(300), 'Über Äpfel Öl', '👨‍👩‍👧 family hub', 'ﷺ ﷻ']) {
      const initials = appInitials(name).replace('\u200c', '');
      expect(Array.from(segmenter.segment(initials)).length).toBeLessThanOrEqual(2);
    }
  });
});

describe('plainFirstGrapheme (the first grapheme without ICU where the break is certain)', () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const icuFirst = (text: string) => segmenter.segment(text).containing(0)?.segment ?? '';
  // Every BMP code point the fast path takes as plain (it answers for it followed by "a").
  const plain: string[] = [];
  for (let code = 0; code <= 0xffff; code++) {
    const char = String.fromCharCode(code);
    if (plainFirstGrapheme(`${char}a`) !== null) plain.push(char);
  }
  const samples = plain.filter((_, index) => index % 4999 === 0);

  it('takes the scripts app names start with', () => {
    for (const name of [
      'Slack',
      'Zeiterfassung',
      'Ärzte',
      'Ελληνικά',
      'Почта',
      'שירות',
      'بوابة',
      '経費',
      'ポータル',
      '１Ｐ',
    ])
      expect(plainFirstGrapheme(name)).toBe(name[0]);
    expect(plain.length).toBeGreaterThan(29_000);
  });

  it('agrees with Intl.Segmenter for every plain code point, before and after others', () => {
    const wrong: string[] = [];
    for (const char of plain)
      for (const other of samples)
        for (const text of [`${char}${other}`, `${other}${char}`, char])
          if (plainFirstGrapheme(text) !== icuFirst(text)) wrong.push(text);
    expect(wrong).toEqual([]);
  }, 30_000);

  it('leaves anything that may join its neighbour to ICU: marks, ZWJ, Hangul, flags, CR LF, astral', () => {
    for (const text of [
      'e\u0301cole',
      'a\u200dx',
      'a\u200cb',
      'ب\u064e',
      'か\u3099',
      '한국',
      '\u{1F1E9}\u{1F1EA}',
      '\r\n',
      '👩‍💻',
      '\u0600\u0661',
      'क\u094dष',
    ])
      expect(plainFirstGrapheme(text)).toBeNull();
    // Whatever follows a plain letter: either the fast path is sure and agrees, or it leaves it to ICU.
    for (let code = 0; code <= 0x10ffff; code += code < 0x10000 ? 1 : 37) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const text = `a${String.fromCodePoint(code)}`;
      const fast = plainFirstGrapheme(text);
      if (fast !== null) expect(fast).toBe(icuFirst(text));
    }
  });
});

/** WCAG 2 contrast, computed here independently of tile.ts. */
function wcagContrastWithWhite(hex: string): number {
  const channels = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255);
  const linear = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const luminance =
    0.2126 * (linear[0] as number) + 0.7152 * (linear[1] as number) + 0.0722 * (linear[2] as number);
  return 1.05 / (luminance + 0.05);
}

describe('tileColor', () => {
  const names = [
    ...Array.from({ length: 5000 }, (_, i) => `App ${i} ${String.fromCharCode(65 + (i % 26))}`),
    'Slack',
    'Team Wiki',
    'Yellow Pages',
    'Lime',
    'Sunflower',
    '社内ポータル',
    'שירות לקוחות',
    '🚀',
    '',
  ];

  it('WCAG AA: white text on every tile colour reaches 4.5:1 (5,000+ names)', () => {
    for (const name of names) {
      const color = tileColor(name);
      expect(color, name).toMatch(/^#[0-9a-f]{6}$/);
      expect(wcagContrastWithWhite(color), `${name} → ${color}`).toBeGreaterThanOrEqual(MIN_TILE_CONTRAST);
    }
  });

  it('is deterministic and ignores case and surrounding spaces', () => {
    expect(tileColor('Team Wiki')).toBe(tileColor('Team Wiki'));
    expect(tileColor('  team wiki ')).toBe(tileColor('Team Wiki'));
  });

  it('spreads names over many colours', () => {
    const distinct = new Set(names.slice(0, 1000).map(tileColor));
    expect(distinct.size).toBeGreaterThan(300);
  });

  it('contrastRatio matches the WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(() => contrastRatio('red', '#fff')).toThrow(/#rrggbb/);
  });
});
