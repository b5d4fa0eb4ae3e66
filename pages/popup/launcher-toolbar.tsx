/**
 * The launcher's toolbar: the search field (typing anywhere in the popup
 * lands here, see ./launcher-view.tsx) and the grid/list switch. Renders
 * what it is given; the view owns the query and the key handling.
 */
import type { Ref } from 'preact';
import { t } from '../../utils/i18n.ts';

/** How the launcher lays out apps. */
export type LauncherLayout = 'grid' | 'list';

const SEARCH_ID = 'launcher-search';

export interface LauncherToolbarProps {
  searchRef: Ref<HTMLInputElement>;
  query: string;
  view: LauncherLayout;
  onQuery(query: string): void;
  onSearchKeyDown(event: KeyboardEvent): void;
  onViewChange(view: LauncherLayout): void;
}

export function LauncherToolbar({
  searchRef,
  query,
  view,
  onQuery,
  onSearchKeyDown,
  onViewChange,
}: LauncherToolbarProps) {
  return (
    <div class="launcher-toolbar">
      <label class="visually-hidden" for={SEARCH_ID}>
        {t('searchLabel')}
      </label>
      <input
        ref={searchRef}
        id={SEARCH_ID}
        class="launcher-search"
        type="search"
        autoComplete="off"
        spellcheck={false}
        placeholder={t('searchLabel')}
        aria-describedby="launcher-search-hint"
        aria-controls="launcher-tiles"
        value={query}
        onInput={(event) => onQuery((event.currentTarget as HTMLInputElement).value)}
        onKeyDown={onSearchKeyDown}
        // biome-ignore lint/a11y/noAutofocus: the popup exists to find an app; the search is its first field.
        autoFocus
      />
      <span id="launcher-search-hint" class="visually-hidden">
        {t('searchHint')}
      </span>
      <fieldset class="launcher-views">
        <legend class="visually-hidden">{t('viewLabel')}</legend>
        {(['grid', 'list'] as const).map((option) => (
          <button
            key={option}
            type="button"
            class="launcher-view-button"
            aria-pressed={view === option}
            title={option === 'grid' ? t('viewGrid') : t('viewList')}
            onClick={() => onViewChange(option)}
          >
            <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
              {option === 'grid' ? (
                <path d="M2 2h5v5H2zm7 0h5v5H9zM2 9h5v5H2zm7 0h5v5H9z" fill="currentColor" />
              ) : (
                <path d="M2 3h12v2H2zm0 4h12v2H2zm0 4h12v2H2z" fill="currentColor" />
              )}
            </svg>
            <span class="visually-hidden">{option === 'grid' ? t('viewGrid') : t('viewList')}</span>
          </button>
        ))}
      </fieldset>
    </div>
  );
}
