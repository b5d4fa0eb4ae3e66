/**
 * The whole launcher popup: first run (portal address), signed out (Sign
 * in), signed in (search, apps, favorites, profile). It renders state and
 * sends messages; it never fetches the portal or sees a token (A5).
 *
 * Instant paint: the first frame shows the first-screen snapshot read
 * synchronously from `localStorage` (./popup-state.ts, same person only,
 * issue 15); once it is painted the popup reads the non-secret snapshot and
 * IndexedDB catalog cache itself (utils/catalog/popup-snapshot.ts, same person
 * only), while the background answers from the same cache (`getState` without
 * refresh, no network); then fresh data comes from the portal. When the
 * portal does not answer, the cached apps stay with an offline notice (C3). Each question names the catalog the popup holds, and the answer carries only
 * what changed from it (utils/catalog/catalog-delta.ts), so the catalog's icons stay off the channel.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { useSignInPermission } from '../../components/use-sign-in-permission.ts';
import type { PortalApp } from '../../contract/schemas.ts';
import { readCachedLauncherState, watchBackgroundState } from '../../utils/catalog/popup-snapshot.ts';
import { contrastRatio } from '../../utils/catalog/tile.ts';
import { applyDocumentLocale, chooseLanguage, t } from '../../utils/i18n.ts';
import type { LauncherPrefsWire, LauncherState, MessageRequest } from '../../utils/messaging.ts';
import { MessageError, sendMessage } from '../../utils/messaging-client.ts';
import { AccountCard } from './account-card.tsx';
import { hasErrorMessage, localizedError } from './error-messages.ts';
import { LauncherView } from './launcher-view.tsx';
import {
  afterFirstPaint,
  type HeldCatalog,
  heldCatalogOf,
  initialLauncherState,
  mergeAnswer,
  rememberFirstScreen,
  resolveAnswer,
} from './popup-state.ts';
import { errorText, PortalForm } from './portal-form.tsx';
import { PushPrompts } from './push-prompts.tsx';

type Status = { kind: 'info' | 'error'; text: string } | null;

const DEFAULT_BRAND = 'Portal Launcher';
const DEFAULT_STEP_UP_MAX_AGE_SECONDS = 300;
const NO_PREFS: LauncherPrefsWire = { favorites: [], recents: [], view: 'grid' };

function hostOf(url: string | null): string | null {
  try {
    return url ? new URL(url).host : null;
  } catch {
    return null;
  }
}

/** The brand colour as a header background only when white text on it stays readable (WCAG AA). */
function brandStyle(color: string | null | undefined): Record<string, string> | undefined {
  if (!color) return undefined;
  try {
    return contrastRatio(color, '#ffffff') >= 4.5
      ? { background: color, color: '#ffffff' }
      : { borderTop: `4px solid ${color}` };
  } catch {
    return undefined;
  }
}

/** The Settings theme, as on the options page: `system` follows prefers-color-scheme (CSS). */
function applyTheme(theme: 'system' | 'light' | 'dark' | undefined): void {
  if (!theme || theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/** How long a popup showing its first screen waits for the background before painting its cache. */
const ANSWER_GRACE_MS = 100;

/** The first-screen snapshot, with its theme applied before the first frame. */
function firstScreen(): LauncherState | null {
  const state = initialLauncherState();
  if (state) applyTheme(state.launcher?.theme);
  return state;
}

export function LauncherPopup() {
  const [state, setState] = useState<LauncherState | null>(firstScreen);
  // Whether the background has answered: from then on its answers are the only source.
  const answered = useRef(false);
  // The same, for rendering: sign-in requests are asked for once the launcher's state is in (below).
  const [backgroundAnswered, setBackgroundAnswered] = useState(false);
  // The whole catalog the popup holds: the background then answers only what changed (issue 15).
  // A first screen that holds a whole (small) catalog names it at once.
  const held = useRef<HeldCatalog | null>(heldCatalogOf(state));
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [editingPortal, setEditingPortal] = useState(false);

  // With a first screen to paint, started once it is painted: its storage and IndexedDB calls cost
  // the first frame about as much as the tiles (Chromium trace, bench/popup.ts). Without one, at once
  // (during the first render, not in an effect: effects run only after the first frame).
  const [early] = useState(() =>
    state ? afterFirstPaint().then(readCachedLauncherState) : readCachedLauncherState(),
  );

  const load = useCallback(async (refresh: boolean) => {
    if (refresh) setRefreshing(true);
    try {
      // The first question names the catalog read from the cache (read since the first render).
      const base = held.current ?? heldCatalogOf(await early);
      // Timeline marks (bench/popup.ts): the first question to the background and its first answer.
      const once = (name: string) => performance.getEntriesByName(name).length || performance.mark(name);
      once('portal-launcher:ask');
      const answer = await sendMessage(browser.runtime, 'getState', {
        refresh,
        ...(base ? { catalogVersion: base.version } : {}),
      });
      once('portal-launcher:background-answer');
      // A change that does not fit the catalog held (rare): ask for the whole one.
      const next =
        resolveAnswer(answer, base) ?? (await sendMessage(browser.runtime, 'getState', { refresh: false }));
      held.current = heldCatalogOf(next) ?? held.current;
      // A language chosen in the settings replaces the browser's before anything is shown in it.
      await chooseLanguage(next.launcher?.language ?? null);
      applyDocumentLocale(document);
      applyTheme(next.launcher?.theme);
      answered.current = true;
      setBackgroundAnswered(true);
      // The same catalog again (the usual refresh): keep what is shown, render nothing again.
      setState((current) => mergeAnswer(current, next));
      setLoadError(null);
      if (next.notice) {
        const { outcome, appName, code, params } = next.notice;
        // "opened": a Try again in the step-up tab opened the app this popup had said was not opened.
        setStatus({
          kind: outcome === 'failed' ? 'error' : 'info',
          text:
            outcome === 'opened'
              ? t('opened', appName)
              : outcome === 'cancelled'
                ? t('openCancelled', appName)
                : code && hasErrorMessage(code)
                  ? t('openFailedBecause', appName, localizedError(code, null, params))
                  : t('openFailed', appName),
        });
        void sendMessage(browser.runtime, 'dismissNotice', {}).catch(() => undefined);
      }
    } catch (error) {
      // A failed cached read is followed by the network read; only that one's failure is shown.
      if (refresh) setLoadError(errorText(error));
    } finally {
      if (refresh) setRefreshing(false);
    }
  }, []);

  useEffect(() => {
    // The background's cached answer (no network), then fresh from the portal.
    const answer = load(false);
    void answer.then(() => load(true));
    // Paint from the catalog cache unless the background answered first (it is the authority). With
    // a first screen shown, its answer (usually within a few ms) is given a moment: the catalog then
    // renders once, not twice, and the answer is not held behind that render (issue 15).
    const shown = state !== null;
    void early.then(async (cached) => {
      // Timeline marks for bench/popup.ts (cheap; visible in the browser's performance tools too).
      performance.mark('portal-launcher:cache-read');
      if (!cached) return;
      await chooseLanguage(cached.launcher?.language ?? null);
      applyDocumentLocale(document);
      if (shown) await Promise.race([answer, new Promise((done) => setTimeout(done, ANSWER_GRACE_MS))]);
      if (answered.current) return;
      applyTheme(cached.launcher?.theme);
      // The whole catalog the first screen already shows (same version): nothing renders again.
      setState((current) => mergeAnswer(current, cached));
    });
  }, [early, load]);

  // The next popup's first screen, once this one's frame is out (./popup-state.ts).
  useEffect(() => {
    const timer = setTimeout(() => rememberFirstScreen(state), 300);
    return () => clearTimeout(timer);
  }, [state]);

  // A policy that arrives while the popup is open (Chromium applies it seconds after start), or an
  // identity change that signed the user out: the background says so, the popup asks again.
  useEffect(() => watchBackgroundState(() => void load(false)), [load]);

  // A provider without CORS (its address from policy, so never typed into the form that asks):
  // Sign in asks for its host permission first (issue 16). Checked ahead; asked inside the click.
  const signedOutAt = state?.status === 'signedOut' ? state.portalUrl : null;
  const askPermission = useSignInPermission(signedOutAt);

  async function signIn() {
    const asked = askPermission();
    setBusy('signIn');
    setStatus({ kind: 'info', text: t('signInWaiting') });
    try {
      await asked;
      setState(await sendMessage(browser.runtime, 'signIn', {}));
      setStatus(null);
    } catch (error) {
      if (error instanceof MessageError && error.code === 'background_unavailable') {
        // The worker restarted mid sign-in; the saved flow still completes (C1). Pick up the result.
        await load(true);
      } else {
        setStatus({ kind: 'error', text: errorText(error) });
      }
    } finally {
      setBusy(null);
    }
  }

  async function signOut() {
    setBusy('signOut');
    try {
      setState(await sendMessage(browser.runtime, 'signOut', {}));
      setStatus({ kind: 'info', text: t('signedOut') });
    } catch (error) {
      setStatus({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(null);
    }
  }

  async function launch(app: PortalApp) {
    setBusy(app.id);
    setStatus({ kind: 'info', text: t('opening', app.name) });
    try {
      await sendMessage(browser.runtime, 'launchApp', { appId: app.id });
      setStatus({ kind: 'info', text: t('opened', app.name) });
      // The background recorded the launch in the recents; show them.
      void load(false);
    } catch (error) {
      if (error instanceof MessageError && error.code === 'cancelled') {
        setStatus({ kind: 'info', text: t('openCancelled', app.name) });
      } else if (error instanceof MessageError && error.code === 'background_unavailable') {
        // The worker restarted while waiting; the saved step-up still opens the app (C1).
        setStatus({ kind: 'info', text: t('openInStepUpTab', app.name) });
      } else if (error instanceof MessageError && error.code === 'signed_out') {
        await load(false);
        setStatus({ kind: 'error', text: errorText(error) });
      } else {
        setStatus({ kind: 'error', text: errorText(error) });
      }
    } finally {
      setBusy(null);
    }
  }

  function portalSaved(next: LauncherState) {
    setState(next);
    setEditingPortal(false);
    setStatus(null);
  }

  /** Sends a preferences change; the background stores it per issuer + subject and answers the result. */
  async function changePrefs(change: MessageRequest<'changePrefs'>): Promise<void> {
    // The view shows the error's message: make it the localized one.
    const prefs = await sendMessage(browser.runtime, 'changePrefs', change).catch((error: unknown) => {
      throw new Error(errorText(error), { cause: error });
    });
    setState((current) =>
      current?.launcher ? { ...current, launcher: { ...current.launcher, prefs } } : current,
    );
  }

  function openSettings() {
    void browser.runtime.openOptionsPage().then(() => window.close());
  }

  /** Opens a page in a new tab and closes the popup (the tab now has the person's attention). */
  function openTab(url: string) {
    void browser.tabs.create({ url }).then(() => window.close());
  }

  const extras = state?.launcher;
  const prefs = extras?.prefs ?? NO_PREFS;
  const problemText = state?.appsProblem
    ? localizedError(state.appsProblem.code, state.appsProblem.message)
    : null;
  const offline = state?.appsProblem?.code === 'network' && state.apps !== null ? problemText : null;

  return (
    <div class="popup">
      <header class="bar" style={brandStyle(extras?.brandColor)}>
        <h1 dir="auto">{extras?.brandName || DEFAULT_BRAND}</h1>
      </header>
      <main class="popup-main">
        {status ? (
          <p
            class={`status status-${status.kind}`}
            role={status.kind === 'error' ? 'alert' : 'status'}
            data-testid="status"
          >
            {status.text}
          </p>
        ) : null}
        {loadError ? (
          <section class="panel" role="alert">
            <p>{t('loadFailed', loadError)}</p>
            <button type="button" onClick={() => void load(true)}>
              {t('tryAgain')}
            </button>
          </section>
        ) : !state ? (
          <p class="panel muted" role="status" aria-busy="true">
            {t('loading')}
          </p>
        ) : state.status === 'unconfigured' ? (
          state.portalUrlForced ? (
            <section class="panel">
              <p>{t(state.portalUrlRefused ? 'unconfiguredRefused' : 'unconfiguredForced')}</p>
            </section>
          ) : (
            <PortalForm current={null} onSaved={portalSaved} />
          )
        ) : state.status === 'signedOut' && editingPortal && !state.portalUrlForced ? (
          <PortalForm
            current={state.portalUrl}
            onSaved={portalSaved}
            onCancel={() => setEditingPortal(false)}
          />
        ) : state.status === 'signedOut' ? (
          <section class="panel" aria-labelledby="sign-in-title">
            <h2 id="sign-in-title">{t('signInTitle')}</h2>
            {state.sessionEnded ? (
              <p class="status status-info" role="status" data-testid="session-ended">
                {t('sessionEnded')}
              </p>
            ) : null}
            <p class="muted">{t('signInWhere', hostOf(state.portalUrl) ?? '—')}</p>
            <div class="panel-actions">
              <button type="button" onClick={() => void signIn()} disabled={busy === 'signIn'}>
                {t('signIn')}
              </button>
              {state.portalUrlForced ? null : (
                <button type="button" class="secondary" onClick={() => setEditingPortal(true)}>
                  {t('changePortal')}
                </button>
              )}
            </div>
          </section>
        ) : (
          <>
            {/* Sign-in requests first (issue 13; none in provider-only mode), asked for once the state
                is in: asked first, they delayed a woken worker's answer to it (issue 15). */}
            {!backgroundAnswered || state.capabilities?.portalApi === false ? null : (
              <PushPrompts onOpenPage={(page) => openTab(browser.runtime.getURL(page as '/options.html'))} />
            )}
            {state.appsProblem && offline === null ? (
              <p class="status status-error" role="alert">
                {problemText}{' '}
                <button type="button" class="link" onClick={() => void load(true)}>
                  {t('retry')}
                </button>
              </p>
            ) : null}
            {state.apps ? (
              <LauncherView
                apps={state.apps}
                favorites={prefs.favorites}
                recents={prefs.recents}
                view={prefs.view}
                adminPinned={extras?.pinnedApps ?? []}
                mfaAuthTime={extras?.mfaAuthTime ?? null}
                defaultMfaMaxAgeSeconds={extras?.stepUpMaxAgeSeconds ?? DEFAULT_STEP_UP_MAX_AGE_SECONDS}
                appMfaMaxAge={extras?.appStepUpMaxAge}
                offline={offline}
                busyAppId={busy}
                onLaunch={(app) => void launch(app)}
                onOpenDetails={(app) => app.detailsUrl && openTab(app.detailsUrl)}
                onRetry={() => void load(true)}
                onTogglePin={(app, pinned) =>
                  changePrefs({ action: pinned ? 'pin' : 'unpin', appId: app.id })
                }
                onMoveFavorite={(app, toIndex) => changePrefs({ action: 'move', appId: app.id, toIndex })}
                onViewChange={(view) => void changePrefs({ action: 'view', view }).catch(() => undefined)}
              />
            ) : null}
          </>
        )}
        {refreshing && state?.status === 'signedIn' ? (
          <span class="visually-hidden">{t('loading')}</span>
        ) : null}
      </main>
      {state?.status === 'signedIn' && state.user ? (
        <AccountCard
          name={state.user.name}
          email={state.user.email}
          jobTitle={state.user.jobTitle ?? null}
          initials={state.user.initials}
          busy={busy === 'signOut'}
          onOpenProfile={() => openTab(browser.runtime.getURL('/options.html#profile'))}
          onOpenSettings={openSettings}
          onSignOut={() => void signOut()}
        />
      ) : null}
    </div>
  );
}
