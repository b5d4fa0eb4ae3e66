/**
 * The signed-in launcher: search as you type (ranked, highlighted), the app
 * grid or list with keyboard movement, favorites (pin, unpin, Alt+Arrow to
 * reorder), recently used apps, category sections, MFA markers, and the
 * offline notice (C3). It renders what it is given and reports what the
 * person does (launch, pin, move, layout); the popup passes that on to the
 * background, which owns the stored preferences. Nothing here imports zod or
 * the message protocol, which keeps the popup bundle small.
 *
 * Keyboard (WAI-ARIA APG layout grid, one tab stop for all tiles):
 * - typing anywhere goes to the search field; Escape clears it;
 * - Enter in the search field opens the first (selected) result;
 * - Down from the search field enters the tiles; arrows, Home and End move
 *   between tiles (mirrored in right-to-left languages); Up from the first
 *   row returns to the search field;
 * - Alt+Arrow on a favorite moves it earlier or later.
 *
 * @see https://www.w3.org/WAI/ARIA/apg/patterns/grid/#keyboardinteraction-forlayoutgrids
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PortalApp } from '../../contract/schemas.ts';
import { createSearchIndex, type SearchHighlights, type SearchIndex } from '../../utils/catalog/search.ts';
import { t, uiDirection, uiLocale } from '../../utils/i18n.ts';
import { AppItem, type PinState } from './app-item.tsx';
import { favoriteMove, moveTileFocus, useTypeToSearch } from './launcher-keys.ts';
import { type LauncherLayout, LauncherToolbar } from './launcher-toolbar.tsx';
import { mfaState } from './mfa-state.ts';
import { useProgressiveSections } from './progressive-tiles.ts';
import { buildSections, type LauncherSection } from './sections.ts';
import './launcher.css';

export interface LauncherViewProps {
  apps: readonly PortalApp[];
  /** The person's favorites, in their order. */
  favorites: readonly string[];
  /** Recently launched app ids, newest first. */
  recents: readonly string[];
  view: LauncherLayout;
  /** Policy `pinnedApps`, in policy order. */
  adminPinned: readonly string[];
  /** Epoch seconds of the session's last second factor, or null. */
  mfaAuthTime: number | null;
  defaultMfaMaxAgeSeconds: number;
  appMfaMaxAge?: Readonly<Record<string, number>>;
  /** The portal did not answer (why, in a sentence), so the apps are the cached ones (C3); null when online. */
  offline: string | null;
  busyAppId: string | null;
  onLaunch(app: PortalApp): void;
  /** Opens the app's `detailsUrl` (the popup opens it in a new tab). */
  onOpenDetails(app: PortalApp): void;
  onRetry(): void;
  /** Pins or unpins; rejects with an error whose message the view shows (e.g. admin-pinned). */
  onTogglePin(app: PortalApp, pinned: boolean): Promise<void>;
  /** Moves a favorite to `toIndex` among the favorites. */
  onMoveFavorite(app: PortalApp, toIndex: number): Promise<void>;
  onViewChange(view: LauncherLayout): void;
}

interface Shown {
  readonly sections: readonly LauncherSection[];
  readonly highlights: ReadonlyMap<string, SearchHighlights> | null;
}

function sectionTitle(section: LauncherSection): string {
  switch (section.kind) {
    case 'pinned':
      return t('sectionPinned');
    case 'favorites':
      return t('sectionFavorites');
    case 'recents':
      return t('sectionRecents');
    case 'category':
      return section.category ?? '';
    case 'other':
      return t('sectionOther');
    default:
      return t('sectionAll');
  }
}

export function LauncherView(props: LauncherViewProps) {
  const { apps, adminPinned, favorites, recents, view } = props;
  const [query, setQuery] = useState('');
  const [activeId, setActiveId] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const searchRef = useRef<HTMLInputElement>(null);
  const tilesRef = useRef<HTMLDivElement>(null);
  const focusAfterRender = useRef<string | null>(null);

  // The MFA markers count down; a coarse tick keeps "N min left" honest.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);

  // Typing anywhere in the popup searches (the search field may not have focus).
  useTypeToSearch(searchRef, (character) => setQuery((previous) => previous + character));

  // The search index (about 100 ms for 1,000 apps) is built after the first paint, or at the first
  // keystroke if that comes sooner: it must not delay showing the apps.
  const indexRef = useRef<{ apps: readonly PortalApp[]; index: SearchIndex } | null>(null);
  const searchIndex = (): SearchIndex => {
    if (indexRef.current?.apps !== apps) {
      indexRef.current = { apps, index: createSearchIndex(apps, { locales: uiLocale() }) };
    }
    return indexRef.current.index;
  };
  // Once per catalog (searchIndex() is keyed by `apps`): each batch of tiles renders the view again,
  // which must not put it off.
  useEffect(() => {
    const timer = setTimeout(searchIndex, 200);
    return () => clearTimeout(timer);
  }, [apps]);
  const trimmed = query.trim();
  // searchIndex() is keyed by `apps`, the dependency that matters.
  const results = useMemo(() => (trimmed ? searchIndex().search(trimmed) : null), [apps, trimmed]);

  const shown: Shown = useMemo(() => {
    if (results) {
      const highlights = new Map<string, SearchHighlights>();
      for (const result of results.slice(0, 200)) highlights.set(result.app.id, result.highlights);
      const section: LauncherSection = {
        id: 'results',
        kind: 'all',
        category: null,
        apps: results.slice(0, 200).map((result) => result.app),
      };
      return { sections: section.apps.length ? [section] : [], highlights };
    }
    return {
      sections: buildSections({ apps, favorites, recents, adminPinned }),
      highlights: null,
    };
  }, [results, apps, favorites, recents, adminPinned]);

  // Progressive rendering: the first screen now, the rest in short tasks (./progressive-tiles.ts).
  const rendered = useProgressiveSections(shown.sections, trimmed);

  const visibleIds = useMemo(() => shown.sections.flatMap((s) => s.apps.map((a) => a.id)), [shown]);
  const tabbableId = activeId && visibleIds.includes(activeId) ? activeId : (visibleIds[0] ?? null);

  useEffect(() => {
    const id = focusAfterRender.current;
    if (!id) return;
    focusAfterRender.current = null;
    tilesRef.current?.querySelector<HTMLButtonElement>(`button[data-app-id="${CSS.escape(id)}"]`)?.focus();
  });

  const rtl = uiDirection() === 'rtl';

  function report(error: unknown) {
    setProblem(error instanceof Error && error.message ? error.message : t('genericError'));
  }

  function launch(app: PortalApp) {
    setProblem(null);
    props.onLaunch(app);
  }

  function pinStateOf(app: PortalApp): PinState {
    if (adminPinned.includes(app.id)) return 'admin';
    return favorites.includes(app.id) ? 'favorite' : 'none';
  }

  function togglePin(app: PortalApp) {
    setProblem(null);
    props.onTogglePin(app, pinStateOf(app) !== 'favorite').catch(report);
  }

  // The tiles' callbacks stay the same functions from render to render, calling the latest
  // handlers: a tile renders again only when its props change (./app-item.tsx).
  const latest = useRef({ launch, togglePin, openDetails: props.onOpenDetails });
  latest.current = { launch, togglePin, openDetails: props.onOpenDetails };
  const tileCallbacks = useMemo(
    () => ({
      onLaunch: (app: PortalApp) => latest.current.launch(app),
      onTogglePin: (app: PortalApp) => latest.current.togglePin(app),
      onOpenDetails: (app: PortalApp) => latest.current.openDetails(app),
      onFocusTile: (app: PortalApp) => setActiveId(app.id),
    }),
    [],
  );

  function tiles(): HTMLButtonElement[] {
    return Array.from(tilesRef.current?.querySelectorAll<HTMLButtonElement>('button[data-app-id]') ?? []);
  }

  function onSearchKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape' && query) {
      // Without this the browser may close the popup on the first Escape.
      event.preventDefault();
      setQuery('');
    } else if (event.key === 'Enter') {
      const first = results?.[0]?.app;
      if (first) {
        event.preventDefault();
        launch(first);
      }
    } else if (event.key === 'ArrowDown') {
      const first = tiles()[0];
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  }

  function onTilesKeyDown(event: KeyboardEvent) {
    const target = event.target as HTMLElement;
    const id = target.getAttribute('data-app-id');
    if (event.key === 'Escape') {
      event.preventDefault();
      setQuery('');
      searchRef.current?.focus();
      return;
    }
    if (!id) return;
    if (event.altKey && !trimmed && favorites.includes(id) && event.key.startsWith('Arrow')) {
      event.preventDefault();
      const to = favoriteMove(event.key, favorites.indexOf(id), favorites.length, rtl);
      const app = apps.find((candidate) => candidate.id === id);
      if (to === null || !app) return;
      setProblem(null);
      props
        .onMoveFavorite(app, to)
        .then(() => {
          // Reordering moves the element, and moving a focused element drops its focus.
          focusAfterRender.current = id;
          setAnnouncement(t('movedFavorite', app.name, to + 1));
        })
        .catch(report);
      return;
    }
    moveTileFocus(event, target, tiles(), { list: view === 'list', rtl, search: searchRef.current });
  }

  const status = results
    ? results.length > 0
      ? t('searchResults', results.length)
      : t('searchNone', trimmed)
    : announcement;

  return (
    <div class={`launcher launcher-${view}`}>
      <LauncherToolbar
        searchRef={searchRef}
        query={query}
        view={view}
        onQuery={setQuery}
        onSearchKeyDown={onSearchKeyDown}
        onViewChange={props.onViewChange}
      />
      {props.offline !== null ? (
        // What happened (the background's words) and what it means for launching (C3).
        <div class="launcher-offline" role="alert" data-testid="offline-notice">
          <p>{props.offline}</p>
          <p>
            {t('offlineNotice')}{' '}
            <button type="button" class="link" onClick={props.onRetry}>
              {t('retry')}
            </button>
          </p>
        </div>
      ) : null}
      {problem ? (
        <p class="status status-error" role="alert">
          {problem}
        </p>
      ) : null}
      <p class="visually-hidden" role="status" aria-live="polite" data-testid="launcher-announcement">
        {status}
      </p>
      {/* Key handling is delegated from the tiles (buttons) inside. */}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the buttons inside are the interactive elements */}
      <div id="launcher-tiles" class="launcher-tiles" ref={tilesRef} onKeyDown={onTilesKeyDown}>
        {apps.length === 0 ? (
          <p class="panel muted">{t('noApps')}</p>
        ) : results && results.length === 0 ? (
          <p class="panel muted" data-testid="no-results">
            {t('searchNone', trimmed)}
          </p>
        ) : (
          rendered.map((section) => (
            <section key={section.id} class="launcher-section" aria-labelledby={`heading-${section.id}`}>
              <h2 id={`heading-${section.id}`} class="launcher-heading" dir="auto">
                {results ? t('searchResults', results.length) : sectionTitle(section)}
              </h2>
              {section.kind === 'favorites' && section.apps.length > 1 ? (
                <p class="visually-hidden" id="favorites-hint">
                  {t('favoritesHint')}
                </p>
              ) : null}
              <ul
                class={`apps launcher-list launcher-list-${view}`}
                aria-labelledby={`heading-${section.id}`}
              >
                {section.apps.map((app, position) => (
                  <AppItem
                    key={app.id}
                    app={app}
                    view={view}
                    highlights={shown.highlights?.get(app.id) ?? null}
                    mfa={mfaState(app, {
                      mfaAuthTime: props.mfaAuthTime,
                      now,
                      defaultMaxAgeSeconds: props.defaultMfaMaxAgeSeconds,
                      appMaxAge: props.appMfaMaxAge,
                    })}
                    pin={pinStateOf(app)}
                    tabbable={app.id === tabbableId}
                    busy={props.busyAppId === app.id}
                    selected={results !== null && position === 0}
                    {...tileCallbacks}
                  />
                ))}
              </ul>
            </section>
          ))
        )}
      </div>
    </div>
  );
}
