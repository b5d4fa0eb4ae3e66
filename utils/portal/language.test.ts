import { describe, expect, it } from 'vitest';
import { acceptLanguage, languageTagSchema, parseContentLanguage, sameLanguage } from './language.ts';

describe('language negotiation', () => {
  it('Accept-Language asks for the UI language, its primary language, then English', () => {
    expect(acceptLanguage('de')).toBe('de, en;q=0.5');
    expect(acceptLanguage('de-AT')).toBe('de-AT, de;q=0.9, en;q=0.5');
    // `@@ui_locale` spells regions with an underscore.
    expect(acceptLanguage('ar_EG')).toBe('ar-EG, ar;q=0.9, en;q=0.5');
    expect(acceptLanguage('en')).toBe('en');
    expect(acceptLanguage('en-US')).toBe('en-US, en;q=0.9');
  });

  it('C8: a UI language that is not a language tag asks for English, never puts it in the header', () => {
    for (const bad of ['', 'de\r\nX-Evil: 1', 'd', 'de--AT', '*', `de-${'a'.repeat(40)}`]) {
      expect(acceptLanguage(bad), JSON.stringify(bad)).toBe('en');
    }
  });

  it('Content-Language gives the first valid tag; absent or malformed is unknown', () => {
    expect(parseContentLanguage('en')).toBe('en');
    expect(parseContentLanguage(' de-AT ')).toBe('de-AT');
    expect(parseContentLanguage('de, en')).toBe('de');
    expect(parseContentLanguage(null)).toBeUndefined();
    expect(parseContentLanguage(undefined)).toBeUndefined();
    expect(parseContentLanguage('')).toBeUndefined();
    expect(parseContentLanguage('english please')).toBeUndefined();
    expect(parseContentLanguage('x'.repeat(36))).toBeUndefined();
  });

  it('languages compare by primary subtag, ignoring case and region', () => {
    expect(sameLanguage('de-AT', 'de')).toBe(true);
    expect(sameLanguage('DE', 'de-ch')).toBe(true);
    expect(sameLanguage('en', 'en-US')).toBe(true);
    expect(sameLanguage('de-AT', 'en')).toBe(false);
    expect(sameLanguage('ar', 'en')).toBe(false);
  });

  it('the tag schema is bounded to 35 characters and the RFC 5646 shape', () => {
    expect(languageTagSchema.safeParse('zh-Hant-TW').success).toBe(true);
    expect(languageTagSchema.safeParse('en_US').success).toBe(false);
    expect(languageTagSchema.safeParse(`en-${'abcdefgh-'.repeat(4)}x`).success).toBe(false);
  });
});
