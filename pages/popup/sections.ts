/**
 * The launcher's sections when nothing is searched: the administrator's
 * pinned apps, the person's favorites, recently used apps, then the rest,
 * grouped by the portal's categories when it provides any (in the order the
 * categories first appear in the catalog), else one "All apps" section.
 * Pure: built from utils/catalog/arrange, which places every app once.
 */

import type { PortalApp } from '../../contract/schemas.ts';
import { arrangeCatalog } from '../../utils/catalog/arrange.ts';

/** Which kind of section, for its heading and behaviour (only favorites reorder). */
export type SectionKind = 'pinned' | 'favorites' | 'recents' | 'category' | 'other' | 'all';

/** One headed group of app tiles. */
export interface LauncherSection {
  /** Stable and unique, for keys and element ids. */
  readonly id: string;
  readonly kind: SectionKind;
  /** The category's own name, for `category` sections. */
  readonly category: string | null;
  readonly apps: readonly PortalApp[];
}

/** Input of {@link buildSections}. */
export interface BuildSectionsInput {
  readonly apps: readonly PortalApp[];
  readonly favorites: readonly string[];
  readonly recents: readonly string[];
  readonly adminPinned: readonly string[];
}

/** The non-empty sections, in display order. */
export function buildSections(input: BuildSectionsInput): LauncherSection[] {
  const arranged = arrangeCatalog(input);
  const sections: LauncherSection[] = [];
  const add = (id: string, kind: SectionKind, apps: readonly PortalApp[], category: string | null = null) => {
    if (apps.length > 0) sections.push({ id, kind, category, apps });
  };
  add('pinned', 'pinned', arranged.pinned);
  add('favorites', 'favorites', arranged.favorites);
  add('recents', 'recents', arranged.recents);
  const hasCategories = arranged.rest.some((app) => app.category?.trim());
  if (!hasCategories) {
    add('all', 'all', arranged.rest);
    return sections;
  }
  const byCategory = new Map<string, PortalApp[]>();
  const uncategorized: PortalApp[] = [];
  for (const app of arranged.rest) {
    const category = app.category?.trim();
    if (!category) {
      uncategorized.push(app);
      continue;
    }
    const list = byCategory.get(category);
    if (list) list.push(app);
    else byCategory.set(category, [app]);
  }
  let index = 0;
  for (const [category, apps] of byCategory) add(`category-${index++}`, 'category', apps, category);
  add('other', 'other', uncategorized);
  return sections;
}
