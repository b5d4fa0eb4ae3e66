/**
 * Settings (portal address, theme, language; locked with "Set by your
 * administrator" when the policy forces them) and About (extension version,
 * every effective policy value and whether it is forced, and the values
 * that were ignored, A11).
 */
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { AccountProblem } from '../../utils/account/errors.ts';
import type { SettingsView } from '../../utils/account/protocol.ts';
import { changeAccount } from './account-client.ts';
import { errorAttributes, FieldError, LockIcon, type Notice, Section, StatusLine } from './ui.tsx';

const LANGUAGES: { tag: string; label: string }[] = [
  { tag: 'en', label: 'English' },
  { tag: 'de', label: 'Deutsch' },
  { tag: 'fr', label: 'Français' },
  { tag: 'es', label: 'Español' },
];

/** The host permission pattern for a portal address (requested in the click, like the popup). */
function originPattern(input: string): string | null {
  try {
    const url = new URL(input.includes('://') ? input : `https://${input}`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.protocol}//${url.hostname}/*`;
  } catch {
    return null;
  }
}

function Locked() {
  return (
    <span class="lock-reason">
      <LockIcon /> Set by your administrator
    </span>
  );
}

export function SettingsSection({
  view,
  onChange,
  onProblem,
}: {
  view: SettingsView;
  onChange(view: SettingsView): void;
  onProblem(problem: AccountProblem): void;
}) {
  const [portalUrl, setPortalUrl] = useState(view.portalUrl ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const forced = new Set(view.forced);

  async function save(
    patch: { portalUrl?: string | null; theme?: SettingsView['theme']; language?: string | null },
    what: string,
  ) {
    setBusy(true);
    const result = await changeAccount<'saveSettings', SettingsView>('saveSettings', patch);
    setBusy(false);
    if (result.ok) {
      setErrors({});
      onChange(result.value);
      setNotice({ kind: 'success', text: `${what} saved.` });
    } else {
      if (result.problem.code === 'signed_out') onProblem(result.problem);
      setErrors(result.problem.fields ?? {});
      setNotice({ kind: 'error', text: result.problem.message });
    }
  }

  function savePortal(event: Event) {
    event.preventDefault();
    const value = portalUrl.trim();
    const pattern = originPattern(value);
    // Must run inside the click (a user gesture); portals that allow the extension by CORS work without it.
    if (pattern) void browser.permissions.request({ origins: [pattern] }).catch(() => false);
    void save({ portalUrl: value === '' ? null : value }, 'The portal address');
  }

  return (
    <Section id="settings" title="Settings" intro="How Portal Launcher connects and looks.">
      <StatusLine notice={notice} />
      <form class="card form" onSubmit={savePortal} noValidate>
        <h3>Portal</h3>
        <label for="portal-url">Portal address</label>
        <input
          id="portal-url"
          type="url"
          inputMode="url"
          value={portalUrl}
          readOnly={forced.has('portalUrl')}
          onInput={(e) => setPortalUrl(e.currentTarget.value)}
          {...errorAttributes('portal-url-error', errors.portalUrl, 'portal-url-hint')}
          placeholder="https://portal.example.com"
        />
        <p id="portal-url-hint" class="hint">
          {forced.has('portalUrl') ? <Locked /> : 'Changing the address signs you out of the current portal.'}
        </p>
        <FieldError id="portal-url-error" message={errors.portalUrl} />
        {forced.has('portalUrl') ? null : (
          <div class="actions">
            <button type="submit" disabled={busy || portalUrl.trim() === (view.portalUrl ?? '')}>
              Save address
            </button>
          </div>
        )}
      </form>
      <div class="card form">
        <h3>Appearance</h3>
        <fieldset class="radios" disabled={forced.has('theme') || busy}>
          <legend>Theme</legend>
          {(['system', 'light', 'dark'] as const).map((theme) => (
            <label key={theme} class="checkbox">
              <input
                type="radio"
                name="theme"
                value={theme}
                checked={view.theme === theme}
                onChange={() => void save({ theme }, 'The theme')}
              />{' '}
              {theme === 'system' ? 'Same as the system' : theme === 'light' ? 'Light' : 'Dark'}
            </label>
          ))}
          {forced.has('theme') ? <Locked /> : null}
        </fieldset>
        <label for="language">Language</label>
        <select
          id="language"
          value={view.language ?? ''}
          disabled={forced.has('language') || busy}
          onChange={(e) => void save({ language: e.currentTarget.value || null }, 'The language')}
          aria-describedby={errors.language ? 'language-error' : undefined}
        >
          <option value="">Same as the browser</option>
          {LANGUAGES.map((language) => (
            <option key={language.tag} value={language.tag}>
              {language.label}
            </option>
          ))}
          {view.language && !LANGUAGES.some((l) => l.tag === view.language) ? (
            <option value={view.language}>{view.language}</option>
          ) : null}
        </select>
        {forced.has('language') ? <Locked /> : null}
        <FieldError id="language-error" message={errors.language} />
      </div>
    </Section>
  );
}

export function AboutSection({ view }: { view: SettingsView }) {
  const version = browser.runtime.getManifest().version;
  return (
    <Section id="about" title="About">
      <div class="card">
        <p>
          {view.brandName} · Portal Launcher version <span data-testid="version">{version}</span>
        </p>
      </div>
      {view.problems.length > 0 ? (
        <div class="card callout problems" role="alert" data-testid="policy-problems">
          <h3>Settings that were ignored</h3>
          <ul>
            {view.problems.map((problem) => (
              <li key={`${problem.source}-${problem.key}-${problem.message}`}>
                <strong>{problem.key ?? 'All settings'}</strong> (
                {problem.source === 'managed' ? 'administrator policy' : 'your settings'}
                ): {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="card">
        <h3>Policy in force</h3>
        <table class="table" data-testid="policy">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Value</th>
              <th scope="col">Set by</th>
            </tr>
          </thead>
          <tbody>
            {view.policy.map((entry) => (
              <tr key={entry.key} data-policy-key={entry.key}>
                <th scope="row">
                  <code>{entry.key}</code>
                </th>
                <td>
                  <code class="wrap">{entry.value}</code>
                </td>
                <td>{entry.forced ? 'Administrator (locked)' : 'You or the default'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
