/**
 * The launcher popup: first run (portal address), signed out (Sign in),
 * signed in (apps + profile). It renders state and sends messages; it never
 * fetches the portal or sees a token (A5).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { AppTile } from '../../components/app-tile.tsx';
import { ProfileCard } from '../../components/profile-card.tsx';
import { type LauncherState, MessageError, sendMessage } from '../../utils/messaging.ts';

type Status = { kind: 'info' | 'error'; text: string } | null;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong. Try again.';
}

/** The host permission pattern for a typed portal address, or null when it is not a usable URL. */
function originPattern(input: string): string | null {
  try {
    const url = new URL(input.includes('://') ? input : `https://${input}`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.protocol}//${url.hostname}/*`;
  } catch {
    return null;
  }
}

export function Popup() {
  const [state, setState] = useState<LauncherState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async (refresh: boolean) => {
    try {
      const next = await sendMessage(browser.runtime, 'getState', { refresh });
      setState(next);
      setLoadError(null);
      if (next.notice) {
        setStatus({ kind: next.notice.outcome === 'failed' ? 'error' : 'info', text: next.notice.message });
        void sendMessage(browser.runtime, 'dismissNotice', {}).catch(() => undefined);
      }
    } catch (error) {
      setLoadError(errorText(error));
    }
  }, []);

  useEffect(() => {
    void load(true);
  }, [load]);

  async function signIn() {
    setBusy('signIn');
    setStatus({ kind: 'info', text: 'Finish signing in in the portal tab that opened.' });
    try {
      setState(await sendMessage(browser.runtime, 'signIn', {}));
      setStatus(null);
    } catch (error) {
      if (error instanceof MessageError && error.code === 'background_unavailable') {
        // The worker restarted mid sign-in; the saved flow still completes (C1). Watch for the result.
        for (let i = 0; i < 120; i++) {
          await new Promise((resolve) => setTimeout(resolve, 2000));
          const next = await sendMessage(browser.runtime, 'getState', {}).catch(() => null);
          if (next && next.status !== 'signedOut') {
            setState(next);
            setStatus(null);
            break;
          }
        }
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
      setStatus({ kind: 'info', text: 'You are signed out.' });
    } catch (error) {
      setStatus({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(null);
    }
  }

  async function launch(appId: string) {
    const name = state?.apps?.find((app) => app.id === appId)?.name ?? 'the app';
    setBusy(appId);
    setStatus({ kind: 'info', text: `Opening ${name}…` });
    try {
      await sendMessage(browser.runtime, 'launchApp', { appId });
      setStatus({ kind: 'info', text: `Opened ${name}.` });
    } catch (error) {
      if (error instanceof MessageError && error.code === 'cancelled') {
        setStatus({ kind: 'info', text: `Opening ${name} was cancelled.` });
      } else if (error instanceof MessageError && error.code === 'background_unavailable') {
        // The worker restarted while waiting; the saved step-up still opens the app (C1).
        setStatus({ kind: 'info', text: `Finish verifying in the portal tab; ${name} opens there.` });
      } else if (error instanceof MessageError && error.code === 'signed_out') {
        await load(false);
        setStatus({ kind: 'error', text: errorText(error) });
      } else {
        setStatus({ kind: 'error', text: errorText(error) });
      }
      // Shown here already: do not show it again on the next open. (Not after a worker restart:
      // there is no notice then, and the message would only wake the worker.)
      if (!(error instanceof MessageError && error.code === 'background_unavailable')) {
        void sendMessage(browser.runtime, 'dismissNotice', {}).catch(() => undefined);
      }
    } finally {
      setBusy(null);
    }
  }

  function savePortal(event: Event) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('portal') as HTMLInputElement;
    const portalUrl = input.value.trim();
    const pattern = originPattern(portalUrl);
    // Must be called inside the click (user gesture). The answer is not awaited:
    // portals that allow the extension origin (CORS) work without it.
    if (pattern) void browser.permissions.request({ origins: [pattern] }).catch(() => false);
    setBusy('portal');
    void sendMessage(browser.runtime, 'setPortalUrl', { portalUrl })
      .then((next) => {
        setState(next);
        setStatus(null);
      })
      .catch((error: unknown) => setStatus({ kind: 'error', text: errorText(error) }))
      .finally(() => setBusy(null));
  }

  return (
    <div class="popup">
      <header class="bar">
        <h1>Portal Launcher</h1>
      </header>
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
          <p>Portal Launcher could not load: {loadError}</p>
          <button type="button" onClick={() => void load(true)}>
            Try again
          </button>
        </section>
      ) : !state ? (
        <p class="panel muted" role="status" aria-busy="true">
          Loading…
        </p>
      ) : state.status === 'unconfigured' ? (
        state.portalUrlForced ? (
          <section class="panel">
            <p>Your administrator has not set up the portal address yet. Contact your administrator.</p>
          </section>
        ) : (
          <form class="panel" onSubmit={savePortal} data-testid="first-run">
            <h2>Connect to your company portal</h2>
            <label for="portal">Portal address</label>
            <input
              id="portal"
              name="portal"
              type="url"
              inputMode="url"
              required
              placeholder="https://portal.example.com"
              autoComplete="url"
            />
            <p class="muted">Your IT department can tell you the address.</p>
            <button type="submit" disabled={busy === 'portal'}>
              Continue
            </button>
          </form>
        )
      ) : state.status === 'signedOut' ? (
        <section class="panel">
          <h2>Sign in to see your apps</h2>
          <p class="muted">
            You will sign in on {state.portalUrl ? new URL(state.portalUrl).host : 'your portal'}.
          </p>
          <button type="button" onClick={() => void signIn()} disabled={busy === 'signIn'}>
            Sign in
          </button>
        </section>
      ) : (
        <>
          {state.appsProblem ? (
            <p class="status status-error" role="alert">
              {state.appsProblem.message}{' '}
              <button type="button" class="link" onClick={() => void load(true)}>
                Retry
              </button>
            </p>
          ) : null}
          {state.apps && state.apps.length === 0 ? (
            <p class="panel muted">No apps are assigned to you yet. Ask your administrator to assign some.</p>
          ) : state.apps ? (
            <ul class="apps" aria-label="Your apps">
              {state.apps.map((app) => (
                <AppTile key={app.id} app={app} busy={busy === app.id} onLaunch={(id) => void launch(id)} />
              ))}
            </ul>
          ) : null}
          {state.user ? (
            <ProfileCard
              name={state.user.name}
              email={state.user.email}
              initials={state.user.initials}
              busy={busy === 'signOut'}
              onSignOut={() => void signOut()}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
