/**
 * The security centre (options page): a left navigation of sections, each a
 * component, shown per the policy's `optionsSections`. It renders state and
 * sends messages; the background does the portal calls and holds the tokens
 * (A5). Signed out, it says so and offers Sign in.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { AccountProblem } from '../../utils/account/errors.ts';
import type { SettingsView } from '../../utils/account/protocol.ts';
import { type LauncherState, sendMessage } from '../../utils/messaging.ts';
import { callAccount, problemOf } from './account-client.ts';
import { DownloadsSection } from './downloads-section.tsx';
import { MfaSection } from './mfa-section.tsx';
import { PasswordSection } from './password-section.tsx';
import { ProfileSection } from './profile-section.tsx';
import { SessionsSection } from './sessions-section.tsx';
import { AboutSection, SettingsSection } from './settings-section.tsx';
import { SshKeysSection } from './ssh-keys-section.tsx';
import { type Notice, StatusLine } from './ui.tsx';

/** Section ids, as the policy names them (utils/policy OPTIONS_SECTIONS), with their nav labels. */
export const SECTIONS = [
  { id: 'profile', label: 'Profile', needsSession: true },
  { id: 'password', label: 'Password', needsSession: true },
  { id: 'mfa', label: 'Multi-factor authentication', needsSession: true },
  { id: 'ssh-keys', label: 'SSH keys', needsSession: true },
  { id: 'downloads', label: 'Downloads', needsSession: true },
  { id: 'sessions', label: 'Sessions & devices', needsSession: true },
  { id: 'settings', label: 'Settings & about', needsSession: false },
] as const;
type SectionId = (typeof SECTIONS)[number]['id'];

/** The sections to show, in the policy's order; Settings always stays reachable when nothing else is. */
export function visibleSections(optionsSections: readonly string[]): (typeof SECTIONS)[number][] {
  const shown = optionsSections
    .map((id) => SECTIONS.find((section) => section.id === id))
    .filter((section): section is (typeof SECTIONS)[number] => section !== undefined);
  return shown.length > 0 ? shown : SECTIONS.filter((section) => section.id === 'settings');
}

function sectionFromHash(): string {
  return decodeURIComponent(location.hash.replace(/^#/, ''));
}

/** Applies the theme setting: `system` follows prefers-color-scheme (CSS), the others force it. */
function applyTheme(theme: SettingsView['theme']): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export function OptionsApp() {
  const [state, setState] = useState<LauncherState | null>(null);
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [loadProblem, setLoadProblem] = useState<AccountProblem | null>(null);
  const [hash, setHash] = useState(sectionFromHash());
  const [notice, setNotice] = useState<Notice>(null);
  const [signingIn, setSigningIn] = useState(false);

  const load = useCallback(async () => {
    try {
      const [launcher, view] = await Promise.all([
        sendMessage(browser.runtime, 'getState', {}),
        callAccount('getSettings', {}),
      ]);
      setState(launcher);
      setSettings(view);
      setLoadProblem(null);
    } catch (error) {
      setLoadProblem(problemOf(error));
    }
  }, []);

  useEffect(() => {
    void load();
    const onHash = () => setHash(sectionFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [load]);

  useEffect(() => {
    if (settings) applyTheme(settings.theme);
  }, [settings]);

  const sections = settings ? visibleSections(settings.optionsSections) : [];
  const current = sections.find((section) => section.id === hash) ?? sections[0];

  useEffect(() => {
    // Focus the new section's heading after navigation, so keyboard and screen reader users land on it.
    if (!current || !hash) return;
    const heading = document.getElementById(`${current.id === 'settings' ? 'settings' : current.id}-title`);
    heading?.focus();
  }, [current?.id, hash]);

  /** A section found the session gone: show the signed-out state. */
  const onProblem = useCallback((problem: AccountProblem) => {
    if (problem.code === 'signed_out') {
      setState((previous) => (previous ? { ...previous, status: 'signedOut', user: null } : previous));
      setNotice({ kind: 'error', text: problem.message });
    }
  }, []);

  async function signIn() {
    setSigningIn(true);
    setNotice({
      kind: 'info',
      text: 'Finish signing in in the portal tab that opened. This page updates by itself.',
    });
    try {
      setState(await sendMessage(browser.runtime, 'signIn', {}));
      setNotice({ kind: 'success', text: 'You are signed in.' });
    } catch (error) {
      setNotice({ kind: 'error', text: problemOf(error).message });
    } finally {
      setSigningIn(false);
    }
  }

  if (loadProblem) {
    return (
      <main class="page">
        <div class="load-error" role="alert">
          <p>The security centre could not load. {loadProblem.message}</p>
          <button type="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!state || !settings || !current) {
    return (
      <main class="page">
        <p class="muted" role="status" aria-busy="true">
          Loading…
        </p>
      </main>
    );
  }

  const signedIn = state.status === 'signedIn';
  return (
    <div class="layout">
      <a class="skip-link" href="#content">
        Skip to content
      </a>
      <nav class="sidebar" aria-label="Security centre">
        <p class="brand">{settings.brandName}</p>
        {state.user ? (
          <p class="muted who" data-testid="who">
            {state.user.name}
            {state.user.email ? <span class="small"> {state.user.email}</span> : null}
          </p>
        ) : null}
        <ul>
          {sections.map((section) => (
            <li key={section.id}>
              <a
                href={`#${section.id}`}
                aria-current={section.id === current.id ? 'page' : undefined}
                data-nav={section.id}
              >
                {section.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="content" class="page" tabIndex={-1}>
        <h1 class="visually-hidden">Security centre</h1>
        <StatusLine notice={notice} />
        {current.needsSession && !signedIn ? (
          <section class="section signed-out" aria-labelledby="signed-out-title" data-testid="signed-out">
            <h2 id="signed-out-title" tabIndex={-1}>
              {state.status === 'unconfigured' ? 'Connect to your portal first' : 'You are signed out'}
            </h2>
            {state.status === 'unconfigured' ? (
              <p>
                Portal Launcher does not know your company portal yet.{' '}
                <a href="#settings">Enter the portal address in Settings</a>.
              </p>
            ) : (
              <>
                <p>Sign in to your company portal to see and change your {current.label.toLowerCase()}.</p>
                <button type="button" onClick={() => void signIn()} disabled={signingIn}>
                  {signingIn ? 'Waiting for sign-in…' : 'Sign in'}
                </button>
              </>
            )}
          </section>
        ) : current.id === 'profile' ? (
          <ProfileSection onProblem={onProblem} />
        ) : current.id === 'password' ? (
          <PasswordSection email={state.user?.email ?? null} onProblem={onProblem} />
        ) : current.id === 'mfa' ? (
          <MfaSection onProblem={onProblem} />
        ) : current.id === 'ssh-keys' ? (
          <SshKeysSection onProblem={onProblem} />
        ) : current.id === 'downloads' ? (
          <DownloadsSection onProblem={onProblem} />
        ) : current.id === 'sessions' ? (
          <SessionsSection onProblem={onProblem} />
        ) : (
          <>
            <SettingsSection view={settings} onChange={setSettings} onProblem={onProblem} />
            <AboutSection view={settings} />
          </>
        )}
      </main>
    </div>
  );
}

export type { SectionId };
