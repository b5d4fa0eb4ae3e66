/**
 * HTTP content negotiation of the language of the portal's words.
 *
 * Contract: the background says which language the person reads in every
 * portal API request (`Accept-Language`, {@link acceptLanguage}); the portal
 * says which language its answer is in (`Content-Language`, read with
 * {@link parseContentLanguage}). The options page compares that with its own
 * language ({@link sameLanguage}) to decide whether it shows the portal's
 * words or its own. Pure functions over strings: nothing here throws.
 *
 * Both headers are CORS-safelisted (Fetch standard), so they cross from the
 * portal to the extension's origin without a preflight or `Expose-Headers`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.4 RFC 9110 §12.5.4 (Accept-Language)
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.5 RFC 9110 §8.5 (Content-Language)
 * @see https://www.rfc-editor.org/rfc/rfc5646#section-2.1 RFC 5646 §2.1 (language tag syntax)
 */
import * as z from 'zod/mini';
import { lazy } from '../../contract/lazy.ts';

/**
 * A BCP 47 language tag, checked for shape only (RFC 5646 §2.1: a 2–8 letter
 * primary subtag, then subtags of 1–8 letters or digits), at most 35
 * characters (the length RFC 5646 §4.4.1 says every implementation must
 * accept). Enough to compare primary subtags; no registry lookup. Built on
 * first use, not when the background starts (contract/lazy.ts).
 */
export const languageTagSchema = lazy(() =>
  z.string().check(z.maxLength(35), z.regex(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/, 'Not a language tag.')),
);

/** `tag` as a valid language tag, or null (`de_AT` from `@@ui_locale` becomes `de-AT`). */
function normalizeTag(tag: string): string | null {
  const parsed = languageTagSchema.safeParse(tag.trim().replaceAll('_', '-'));
  return parsed.success ? parsed.data : null;
}

/** The primary language subtag, lower case (`de-AT` → `de`). */
export function primaryLanguage(tag: string): string {
  return (tag.split('-')[0] ?? tag).toLowerCase();
}

/**
 * Whether two language tags name the same language, by primary subtag
 * (`de-AT` and `de` do; `en` and `de` do not): a person reading Austrian
 * German reads the portal's standard German as their own.
 */
export function sameLanguage(a: string, b: string): boolean {
  return primaryLanguage(a) === primaryLanguage(b);
}

/**
 * The `Accept-Language` value for a UI locale: the locale itself, its primary
 * language when the locale is regional, then English as the last resort
 * (the language the extension falls back to too), with falling quality
 * values (RFC 9110 §12.4.2). `de` → `de, en;q=0.5`; `de-AT` →
 * `de-AT, de;q=0.9, en;q=0.5`; `en` → `en`. A locale that is not a language
 * tag asks for English only.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.4 RFC 9110 §12.5.4
 */
export function acceptLanguage(locale: string): string {
  const tag = normalizeTag(locale);
  if (!tag) return 'en';
  const ranges = [tag];
  if (tag.includes('-')) ranges.push(`${primaryLanguage(tag)};q=0.9`);
  if (primaryLanguage(tag) !== 'en') ranges.push('en;q=0.5');
  return ranges.join(', ');
}

/**
 * The language of an answer from its `Content-Language` header, or
 * `undefined` when absent or not a language tag (unknown). The header is a
 * list (RFC 9110 §8.5: content for several audiences); the first tag names
 * the answer's language here, since a problem's few sentences are in one.
 */
export function parseContentLanguage(header: string | null | undefined): string | undefined {
  const first = header?.split(',')[0];
  return first ? (normalizeTag(first) ?? undefined) : undefined;
}
