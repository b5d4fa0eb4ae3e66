/**
 * The security centre (options page): a left navigation of sections, each a
 * component, shown per the policy's `optionsSections`. It renders state and
 * sends messages; the background does the portal calls and holds the tokens
 * (A5). Signed out, it says so and offers Sign in.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { AccountMenu } from '../../components/account-menu.tsx';
import { useSignInPermission } from '../../components/use-sign-in-permission.ts';
import type { AccountProblem } from '../../utils/account/errors.ts';
import type { SettingsView } from '../../utils/account/protocol.ts';
import { watchBackgroundState } from '../../utils/catalog/popup-snapshot.ts';
import { applyDocumentLocale, chooseLanguage, t } from '../../utils/i18n.ts';
import type { LauncherState } from '../../utils/messaging.ts';
import { sendMessage } from '../../utils/messaging-client.ts';
import { callAccount, problemOf } from './account-client.ts';
import { DownloadsSection } from './downloads-section.tsx';
import { type OptionsMessageKey, ot, problemText } from './i18n.ts';
import { MfaSection } from './mfa-section.tsx';
import { PasswordSection } from './password-section.tsx';
import { ProfileSection } from './profile-section.tsx';
import { SessionsSection } from './sessions-section.tsx';
import { AboutSection, SettingsSection } from './settings-section.tsx';
import { SshKeysSection } from './ssh-keys-section.tsx';
import { type Notice, StatusLine } from './ui.tsx';

/**
 * Section ids, as the policy names them (utils/policy OPTIONS_SECTIONS), with
 * their nav label and the signed-out sentence naming what signing in shows.
 */
export const SECTIONS = [
  { id: 'profile', label: 'options_navProfile', signedOut: 'options_signedOutProfile', needsSession: true },
  {
    id: 'password',
    label: 'options_navPassword',
    signedOut: 'options_signedOutPassword',
    needsSession: true,
  },
  { id: 'mfa', label: 'options_navMfa', signedOut: 'options_signedOutMfa', needsSession: true },
  { id: 'ssh-keys', label: 'options_navSshKeys', signedOut: 'options_signedOutSshKeys', needsSession: true },
  {
    id: 'downloads',
    label: 'options_navDownloads',
    signedOut: 'options_signedOutDownloads',
    needsSession: true,
  },
  {
    id: 'sessions',
    label: 'options_navSessions',
    signedOut: 'options_signedOutSessions',
    needsSession: true,
  },
  { id: 'settings', label: 'options_navSettings', signedOut: null, needsSession: false },
] as const satisfies readonly {
  id: string;
  label: OptionsMessageKey;
  signedOut: OptionsMessageKey | null;
  needsSession: boolean;
}[];
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
  const [signingOut, setSigningOut] = useState(false);

  const load = useCallback(async () => {
    try {
      const [launcher, view] = await Promise.all([
        sendMessage(browser.runtime, 'getState', {}),
        callAccount('getSettings', {}),
      ]);
      // The language chosen in Settings replaces the browser's before anything is shown in it.
      await chooseLanguage(view.language);
      applyDocumentLocale(document);
      document.title = ot('options_pageTitle');
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

  // The background changed the state on its own (a sign-in finished in its tab, the session ended,
  // a policy arrived): read it again.
  useEffect(() => watchBackgroundState(() => void load()), [load]);

  useEffect(() => {
    if (settings) applyTheme(settings.theme);
  }, [settings]);

  // Provider-only mode (no portal API): only the read-only profile and Settings & about can work.
  const providerOnly = state?.capabilities?.portalApi === false;
  const sections = settings
    ? visibleSections(
        settings.optionsSections.filter((id) => !providerOnly || id === 'profile' || id === 'settings'),
      )
    : [];
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
      setNotice({ kind: 'error', text: problemText(problem) });
    }
  }, []);

  /** Settings saved: a new language applies to the whole page at once. */
  const onSettingsChange = useCallback(async (view: SettingsView) => {
    await chooseLanguage(view.language);
    applyDocumentLocale(document);
    document.title = ot('options_pageTitle');
    setSettings(view);
  }, []);

  // A provider without CORS: Sign in asks for its host permission first (issue 16; as the popup).
  const signedOutAt = state?.status === 'signedOut' ? state.portalUrl : null;
  const askPermission = useSignInPermission(signedOutAt);

  async function signIn() {
    const asked = askPermission();
    setSigningIn(true);
    setNotice({ kind: 'info', text: ot('options_signInWaitingNotice') });
    try {
      await asked;
      setState(await sendMessage(browser.runtime, 'signIn', {}));
      setNotice({ kind: 'success', text: ot('options_signedInNotice') });
    } catch (error) {
      setNotice({ kind: 'error', text: problemText(problemOf(error)) });
    } finally {
      setSigningIn(false);
    }
  }

  /** Sign out from the account menu: the same flow as the popup's (tokens dropped, portal logout). */
  async function signOut() {
    setSigningOut(true);
    try {
      setState(await sendMessage(browser.runtime, 'signOut', {}));
      setNotice({ kind: 'info', text: ot('options_accountSignedOut') });
    } catch (error) {
      setNotice({ kind: 'error', text: problemText(problemOf(error)) });
    } finally {
      setSigningOut(false);
    }
  }

  if (loadProblem) {
    return (
      <main class="page">
        <div class="load-error" role="alert">
          <p>{ot('options_loadFailed')}</p>
          <p>{problemText(loadProblem)}</p>
          <button type="button" onClick={() => void load()}>
            {ot('options_tryAgain')}
          </button>
        </div>
      </main>
    );
  }
  if (!state || !settings || !current) {
    return (
      <main class="page">
        <p class="muted" role="status" aria-busy="true">
          {ot('options_loading')}
        </p>
      </main>
    );
  }

  const signedIn = state.status === 'signedIn';
  return (
    <div class="layout">
      <a class="skip-link" href="#content">
        {ot('options_skipToContent')}
      </a>
      <nav class="sidebar" aria-label={ot('options_securityCentre')}>
        <p class="brand">{settings.brandName}</p>
        {state.user && signedIn ? (
          <div class="who" data-testid="who">
            <AccountMenu
              name={state.user.name}
              email={state.user.email}
              initials={state.user.initials}
              placement="below"
              idPrefix="options-account"
              items={[
                {
                  id: 'profile',
                  label: t('accountProfile'),
                  onSelect: () => {
                    location.hash = '#profile';
                  },
                },
                { id: 'sign-out', label: t('signOut'), onSelect: () => void signOut(), disabled: signingOut },
              ]}
            />
            <p class="who-text">
              <span class="who-name" dir="auto">
                {state.user.name}
              </span>
              {state.user.email ? (
                <span class="who-email muted" dir="ltr">
                  {state.user.email}
                </span>
              ) : null}
            </p>
          </div>
        ) : null}
        <ul>
          {sections.map((section) => (
            <li key={section.id}>
              <a
                href={`#${section.id}`}
                aria-current={section.id === current.id ? 'page' : undefined}
                data-nav={section.id}
              >
                {ot(section.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="content" class="page" tabIndex={-1}>
        <h1 class="visually-hidden">{ot('options_securityCentre')}</h1>
        <StatusLine notice={notice} />
        {current.needsSession && !signedIn ? (
          <section class="section signed-out" aria-labelledby="signed-out-title" data-testid="signed-out">
            <h2 id="signed-out-title" tabIndex={-1}>
              {state.status === 'unconfigured'
                ? ot('options_unconfiguredTitle')
                : ot('options_signedOutTitle')}
            </h2>
            {state.status === 'unconfigured' ? (
              <>
                <p>{ot('options_unconfiguredText')}</p>
                <p>
                  <a href="#settings">{ot('options_unconfiguredLink')}</a>
                </p>
              </>
            ) : (
              <>
                {current.signedOut ? <p>{ot(current.signedOut)}</p> : null}
                <button type="button" onClick={() => void signIn()} disabled={signingIn}>
                  {signingIn ? ot('options_signInWaiting') : ot('options_signIn')}
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
            <SettingsSection view={settings} onChange={onSettingsChange} onProblem={onProblem} />
            <AboutSection view={settings} />
            {providerOnly ? (
              <p class="card" data-testid="provider-kind">
                {ot('options_providerKind')}
              </p>
            ) : null}
          </>
        )}
      </main>
    </div>
  );
}

export type { SectionId };
