/**
 * The languages of the portal's own pages and how one is chosen: from the
 * browser's `Accept-Language` (RFC 9110 §12.5.4, Koa's negotiation), English
 * when nothing matches. Pages carry `lang`/`dir` and `Content-Language`.
 */
import { ar } from './ar.ts';
import { de } from './de.ts';
import { type Catalog, en } from './en.ts';

export type { Catalog } from './en.ts';

/** Languages of the portal pages, the default first. */
export const PAGE_LOCALES = ['en', 'de', 'ar'] as const;
/** One of {@link PAGE_LOCALES}. */
export type PageLocale = (typeof PAGE_LOCALES)[number];

const CATALOGS: Record<PageLocale, Catalog> = { en, de, ar };
const RTL: ReadonlySet<PageLocale> = new Set(['ar']);

/** A page's language: its tag, writing direction and texts. */
export interface PageTexts {
  lang: PageLocale;
  dir: 'ltr' | 'rtl';
  t: Catalog;
}

/** The texts of `locale`. */
export function pageTexts(locale: PageLocale = 'en'): PageTexts {
  return { lang: locale, dir: RTL.has(locale) ? 'rtl' : 'ltr', t: CATALOGS[locale] };
}

/** What {@link negotiatePage} needs of a Koa context. */
export interface AcceptsLanguages {
  acceptsLanguages(...languages: string[]): string | false;
  set(field: string, value: string): void;
  vary(field: string): void;
}

/** The language of {@link PAGE_LOCALES} this request's `Accept-Language` prefers; English when none. */
export function chooseLocale(request: Pick<AcceptsLanguages, 'acceptsLanguages'>): PageLocale {
  const chosen = request.acceptsLanguages(...PAGE_LOCALES);
  return (PAGE_LOCALES as readonly string[]).includes(chosen || '') ? (chosen as PageLocale) : 'en';
}

/**
 * The texts for this request's `Accept-Language`, and `Content-Language` and
 * `Vary` set on its answer (RFC 9110 §8.5, §12.5.5).
 */
export function negotiatePage(koa: AcceptsLanguages): PageTexts {
  const locale = chooseLocale(koa);
  koa.set('Content-Language', locale);
  koa.vary('Accept-Language');
  return pageTexts(locale);
}
