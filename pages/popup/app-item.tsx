import { Component, type JSX } from 'preact';
import type { PortalApp } from '../../contract/schemas.ts';
import type { SearchHighlights } from '../../utils/catalog/search.ts';
import { t } from '../../utils/i18n.ts';
import { AppIcon } from './app-icon.tsx';
import type { MfaState } from './mfa-state.ts';
import { highlightSegments } from './segments.ts';

/** Pin state of a tile: the person's favorite, the administrator's pin (locked), or neither. */
export type PinState = 'none' | 'favorite' | 'admin';

export interface AppItemProps {
  app: PortalApp;
  view: 'grid' | 'list';
  highlights: SearchHighlights | null;
  mfa: MfaState;
  pin: PinState;
  /** The tile that takes Tab focus (roving tabindex: one tab stop for the whole grid). */
  tabbable: boolean;
  busy: boolean;
  /** Marked as the one Enter in the search field opens. */
  selected: boolean;
  onLaunch(app: PortalApp): void;
  onOpenDetails(app: PortalApp): void;
  onTogglePin(app: PortalApp): void;
  onFocusTile(app: PortalApp): void;
}

function Highlighted({ text, ranges }: { text: string; ranges: SearchHighlights['name'] | undefined }) {
  if (!ranges || ranges.length === 0) return <>{text}</>;
  return (
    <>
      {highlightSegments(text, ranges).map((segment, index) =>
        segment.marked ? <mark key={index}>{segment.text}</mark> : segment.text,
      )}
    </>
  );
}

function MfaMarker({ id, mfa }: { id: string; mfa: MfaState }): JSX.Element | null {
  if (mfa.kind === 'none') return null;
  return (
    <span id={id} class={`launcher-mfa launcher-mfa-${mfa.kind}`}>
      {mfa.kind === 'needed'
        ? t('mfaNeeded')
        : mfa.minutesLeft > 0
          ? t('mfaVerified', mfa.minutesLeft)
          : t('mfaVerifiedLastMinute')}
    </span>
  );
}

/** The small link mark of a bookmark (a plain link: it opens as it is, no sign-in); read as "Link". */
function BookmarkMark({ id }: { id: string }) {
  return (
    <span class="launcher-kind" title={t('appKindBookmark')}>
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
        <path
          d="M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 0 1 3.5 3.5l-1 1M9 11.5l-1 1A2.5 2.5 0 0 1 4.5 9l1-1"
          fill="none"
          stroke="currentColor"
          stroke-width="1.5"
          stroke-linecap="round"
        />
      </svg>
      <span id={id} class="visually-hidden">
        {t('appKindBookmark')}
      </span>
    </span>
  );
}

/**
 * One app: a launch button (name, icon, description in the list view, MFA
 * marker; its accessible name is the visible name and marker, WCAG 2.5.3)
 * and, beside it (never inside: no nested controls), the favorite toggle and,
 * when the app has a `detailsUrl`, a "Details" link (any kind of app). A bookmark shows a small
 * link mark (read as its description "Link"), ("Details about Payroll"
 * to screen readers). Admin-pinned apps show a lock instead of the toggle.
 * The toggle and link share the tile's roving tab stop: only the tabbable
 * tile's are in the Tab order; arrow keys move between tiles only.
 */
export class AppItem extends Component<AppItemProps> {
  // A tile renders again only when what it shows changed: the popup adds tiles in batches
  // (./progressive-tiles.ts) and re-rendered every earlier tile with each batch, ~5,500 tile
  // renders for 1,000 apps instead of 1,000 (issue 15).
  override shouldComponentUpdate(next: AppItemProps): boolean {
    return !sameAppItem(this.props, next);
  }

  override render(props: AppItemProps): JSX.Element {
    return appItem(props);
  }
}

/**
 * Whether a tile with props `a` shows the same as with props `b`: every prop the same (so a prop added
 * later is compared too; the callbacks must be stable), the MFA state by value (it is rebuilt on
 * every render).
 */
export function sameAppItem(a: AppItemProps, b: AppItemProps): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof AppItemProps)[]);
  for (const key of keys) if (key !== 'mfa' && a[key] !== b[key]) return false;
  if (a.mfa.kind !== b.mfa.kind) return false;
  return a.mfa.kind !== 'verified' || a.mfa.minutesLeft === (b.mfa as typeof a.mfa).minutesLeft;
}

function appItem(props: AppItemProps): JSX.Element {
  const { app, view, highlights, mfa, pin, tabbable, busy, selected } = props;
  const markerId = `mfa-${app.id}`;
  const pinLabel =
    pin === 'admin'
      ? t('adminPinnedApp')
      : pin === 'favorite'
        ? t('unpinApp', app.name)
        : t('pinApp', app.name);
  const descriptionId = `desc-${app.id}`;
  const kindId = `kind-${app.id}`;
  const describedBy = [
    app.kind === 'bookmark' ? kindId : null,
    mfa.kind !== 'none' ? markerId : null,
    view === 'list' && app.description ? descriptionId : null,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <li class={`launcher-item${selected ? ' is-selected' : ''}${app.detailsUrl ? ' has-details' : ''}`}>
      <button
        type="button"
        class="launcher-tile"
        data-app-id={app.id}
        aria-describedby={describedBy || undefined}
        aria-busy={busy}
        aria-disabled={busy}
        tabIndex={tabbable ? 0 : -1}
        title={view === 'grid' && app.description ? app.description : undefined}
        onClick={() => {
          if (!busy) props.onLaunch(app);
        }}
        onFocus={() => props.onFocusTile(app)}
      >
        <AppIcon app={app} size={view === 'grid' ? 40 : 32} />
        <span class="launcher-text">
          {/* elementtiming: the browser reports when each name is first painted (bench/popup.ts). */}
          <span class="launcher-name" dir="auto" elementtiming="app-name">
            <Highlighted text={app.name} ranges={highlights?.name} />
          </span>
          {view === 'list' && app.description ? (
            // Read as the description (aria-describedby), not as part of the button's name.
            <span id={descriptionId} class="launcher-description" dir="auto" aria-hidden="true">
              <Highlighted text={app.description} ranges={highlights?.description} />
            </span>
          ) : null}
          <MfaMarker id={markerId} mfa={mfa} />
        </span>
        {app.kind === 'bookmark' ? <BookmarkMark id={kindId} /> : null}
      </button>
      {app.detailsUrl ? (
        <a
          class="launcher-details"
          href={app.detailsUrl}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={t('appDetailsLabel', app.name)}
          title={t('appDetailsLabel', app.name)}
          tabIndex={tabbable ? 0 : -1}
          data-details-for={app.id}
          onClick={(event) => {
            // Through the tabs API, so the popup can close once the page opens.
            event.preventDefault();
            props.onOpenDetails(app);
          }}
        >
          {t('appDetails')}
        </a>
      ) : null}
      {pin === 'admin' ? (
        <span
          class="launcher-pin is-locked"
          role="img"
          aria-label={t('adminPinnedApp')}
          title={t('adminPinnedApp')}
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path d="M5 7V5a3 3 0 0 1 6 0v2h1v7H4V7zm1.5 0h3V5a1.5 1.5 0 0 0-3 0z" fill="currentColor" />
          </svg>
        </span>
      ) : (
        <button
          type="button"
          class={`launcher-pin${pin === 'favorite' ? ' is-on' : ''}`}
          aria-label={pinLabel}
          title={pinLabel}
          tabIndex={tabbable ? 0 : -1}
          onClick={() => props.onTogglePin(app)}
        >
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <path
              d="M8 1.5l1.9 4 4.4.5-3.3 3 .9 4.3L8 11.1l-3.9 2.2.9-4.3-3.3-3 4.4-.5z"
              fill={pin === 'favorite' ? 'currentColor' : 'none'}
              stroke="currentColor"
              stroke-width="1.3"
              stroke-linejoin="round"
            />
          </svg>
        </button>
      )}
    </li>
  );
}
