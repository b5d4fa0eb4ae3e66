/**
 * The generated tile shown for an app without an icon: one or two initials
 * on a colour derived from the name, always readable as white text (WCAG AA).
 * Pure and deterministic: the same name gives the same tile everywhere.
 *
 * Initials are whole graphemes (`Intl.Segmenter`), with one home-made shortcut kept on purpose:
 * where the first two code points are plain (see PLAIN_CODE_POINTS) the first grapheme is the first
 * code point, so the popup's first frame does not pay for loading ICU's break rules (issue 15).
 */

/**
 * The grapheme segmenter, made at its first use. Measured (Chromium, a popup in a fresh renderer
 * process, which is how the popup opens after its worker stopped): constructing it costs about
 * 24 ms, when ICU loads its break rules; made at module load, that held back the first screen.
 */
let segmenter: Intl.Segmenter | undefined;

function graphemes(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return segmenter.segment(text);
}

/**
 * Code points that never join a neighbour into one grapheme cluster (UAX #29 gives them no rule
 * but "break everywhere", GB999): no Extend, SpacingMark, ZWJ, Prepend, Hangul, Regional_Indicator
 * or CR. Letters, digits and punctuation of Basic Latin through IPA and spacing modifiers, Greek,
 * Cyrillic, Hebrew and Arabic letters and digits, kana and CJK ideographs, fullwidth ASCII: what
 * nearly every app name starts with. tile.test.ts checks each of them against `Intl.Segmenter`.
 */
const PLAIN_CODE_POINTS =
  /[\u0020-\u007e\u00a0-\u02ff\u0370-\u0482\u048a-\u052f\u05d0-\u05ea\u0620-\u064a\u0660-\u066f\u0671-\u06d5\u3041-\u3096\u309b-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e]/;

/**
 * The first grapheme when the break after the first code point is certain without ICU (it and the
 * next one are plain, or it is the only one), else null.
 */
export function plainFirstGrapheme(text: string): string | null {
  const first = text[0];
  if (first === undefined || !PLAIN_CODE_POINTS.test(first)) return null;
  const next = text[1];
  return next === undefined || PLAIN_CODE_POINTS.test(next) ? first : null;
}

/** Letters, digits and the marks that belong to them: the parts of a word. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/**
 * Scripts whose one character is already a word or syllable: two of them
 * read as a (wrong) word, so the tile shows one.
 */
const SYLLABIC = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Yi}]/u;
/** Cursive scripts whose letters would join into a ligature if set side by side. */
const JOINING = /^[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}]/u;
const ZERO_WIDTH_NON_JOINER = '\u200c';

/**
 * Splits a token where a new word visibly begins inside it: "GitHub" → Git,
 * Hub; "1Password" → 1, Password.
 */
function subWords(token: string): string[] {
  return token.split(/(?<=\p{Ll})(?=\p{Lu})|(?<=\p{N})(?=\p{L})/u);
}

function firstGrapheme(text: string): string {
  const plain = plainFirstGrapheme(text);
  if (plain !== null) return plain;
  for (const { segment } of graphemes(text)) return segment;
  return '';
}

function upper(grapheme: string): string {
  const up = grapheme.toUpperCase();
  // "ß" → "SS" would be two letters for one: keep the original then.
  return up === grapheme || firstGrapheme(up) === up ? up : grapheme;
}

/**
 * One or two initials for an app's tile: the first letters of its first two
 * words ("Team Wiki" → "TW", "GitHub" → "GH"), one for a single word
 * ("Slack" → "S"). Emoji and punctuation are skipped unless the name has
 * nothing else; CJK names give one character; letters of cursive scripts
 * (Arabic) are kept apart with a zero-width non-joiner so they do not fuse.
 * The result is in logical order: render it with `dir="auto"`.
 *
 * @see https://www.unicode.org/reports/tr29/#Grapheme_Cluster_Boundaries Initials are whole grapheme clusters (UAX #29)
 */
export function appInitials(name: string): string {
  const text = String(name).normalize('NFC').trim();
  const words = (text.match(WORD) ?? []).flatMap(subWords).filter((word) => /[\p{L}\p{N}]/u.test(word));
  const first = words[0];
  if (first === undefined) {
    // Nothing but emoji or symbols: show the first one whole ("🚀").
    return firstGrapheme(text) || '?';
  }
  const a = upper(firstGrapheme(first));
  const second = words[1];
  if (second === undefined || SYLLABIC.test(a)) return a;
  const b = upper(firstGrapheme(second));
  if (SYLLABIC.test(b)) return a;
  return JOINING.test(a) && JOINING.test(b) ? `${a}${ZERO_WIDTH_NON_JOINER}${b}` : `${a}${b}`;
}

/** The contrast the tile must reach against white text: WCAG 2 AA for normal text. */
export const MIN_TILE_CONTRAST = 4.5;

/**
 * WCAG 2 relative luminance of a `#rrggbb` colour.
 *
 * @see https://www.w3.org/TR/WCAG22/#dfn-relative-luminance
 */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 to 21.
 *
 * @see https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio
 */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * A deterministic tile colour (`#rrggbb`) for an app name: hue, saturation
 * and a starting lightness come from a hash of the name (case and spacing do
 * not matter), then the lightness goes down until white text on it reaches
 * {@link MIN_TILE_CONTRAST}, checked on the rounded colour that is returned.
 *
 * @see https://www.w3.org/TR/WCAG22/#contrast-minimum WCAG 2.2 SC 1.4.3
 */
export function tileColor(name: string): string {
  const hash = fnv1a(String(name).normalize('NFC').trim().toLowerCase());
  const hue = hash % 360;
  const saturation = 0.45 + ((hash >>> 9) % 31) / 100;
  let lightness = 0.36 + ((hash >>> 17) % 14) / 100;
  let color = hslToHex(hue, saturation, lightness);
  while (contrastRatio(color, '#ffffff') < MIN_TILE_CONTRAST && lightness > 0) {
    lightness -= 0.01;
    color = hslToHex(hue, saturation, lightness);
  }
  return color;
}

/** FNV-1a, 32-bit: small, fast, and spreads similar names apart. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function hslToHex(hue: number, saturation: number, lightness: number): string {
  const l = Math.max(0, lightness);
  const a = saturation * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    const value = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

function parseHex(hex: string): [number, number, number] {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!match) throw new TypeError(`Not a #rrggbb colour: ${JSON.stringify(hex)}. Use six hex digits.`);
  return [
    Number.parseInt(match[1] as string, 16),
    Number.parseInt(match[2] as string, 16),
    Number.parseInt(match[3] as string, 16),
  ];
}
