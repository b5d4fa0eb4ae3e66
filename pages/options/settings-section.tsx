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
import { SUPPORTED_LOCALES } from '../../utils/i18n.ts';
import { portalAddressFromInput, requestPortalHostPermission } from '../../utils/portal/address.ts';
import { changeAccount } from './account-client.ts';
import { type OptionsMessageKey, ot, problemText } from './i18n.ts';
import { errorAttributes, FieldError, LockIcon, type Notice, Section, StatusLine } from './ui.tsx';

/**
 * The languages the extension ships, each named in itself (a person looking
 * for their language reads it in that language, whatever the page shows).
 */
const LANGUAGE_NAMES: Record<(typeof SUPPORTED_LOCALES)[number], string> = {
  en: 'English',
  de: 'Deutsch',
  ar: 'العربية',
};
const LANGUAGES = SUPPORTED_LOCALES.map((tag) => ({ tag, label: LANGUAGE_NAMES[tag] }));

const THEME_LABELS: Record<SettingsView['theme'], OptionsMessageKey> = {
  system: 'options_themeSystem',
  light: 'options_themeLight',
  dark: 'options_themeDark',
};

function Locked() {
  return (
    <span class="lock-reason">
      <LockIcon /> {ot('options_setByAdministrator')}
    </span>
  );
}

export function SettingsSection({
  view,
  onChange,
  onProblem,
}: {
  view: SettingsView;
  onChange(view: SettingsView): void | Promise<void>;
  onProblem(problem: AccountProblem): void;
}) {
  const [portalUrl, setPortalUrl] = useState(view.portalUrl ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const forced = new Set(view.forced);

  async function save(
    patch: { portalUrl?: string | null; theme?: SettingsView['theme']; language?: string | null },
    saved: OptionsMessageKey,
  ) {
    setBusy(true);
    const result = await changeAccount<'saveSettings', SettingsView>('saveSettings', patch);
    setBusy(false);
    if (result.ok) {
      setErrors({});
      // A new language is in place once onChange resolves, so the confirmation is already in it.
      await onChange(result.value);
      setNotice({ kind: 'success', text: ot(saved) });
    } else {
      if (result.problem.code === 'signed_out') onProblem(result.problem);
      setErrors(result.problem.fields ?? {});
      setNotice({ kind: 'error', text: problemText(result.problem) });
    }
  }

  function savePortal(event: Event) {
    event.preventDefault();
    // The same typed address as in the popup (a missing scheme means https://).
    const value = portalAddressFromInput(portalUrl);
    // Inside the click (a user gesture), as the browser requires.
    requestPortalHostPermission(value, browser.permissions);
    void save({ portalUrl: value === '' ? null : value }, 'options_portalSaved');
  }

  return (
    <Section id="settings" title={ot('options_settingsTitle')} intro={ot('options_settingsIntro')}>
      <StatusLine notice={notice} />
      <form class="card form" onSubmit={savePortal} noValidate>
        <h3>{ot('options_portalHeading')}</h3>
        <label for="portal-url">{ot('options_portalAddress')}</label>
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
          {forced.has('portalUrl') ? <Locked /> : ot('options_portalAddressHint')}
        </p>
        <FieldError id="portal-url-error" message={errors.portalUrl} />
        {forced.has('portalUrl') ? null : (
          <div class="actions">
            <button type="submit" disabled={busy || portalUrl.trim() === (view.portalUrl ?? '')}>
              {ot('options_portalSaveButton')}
            </button>
          </div>
        )}
      </form>
      <div class="card form">
        <h3>{ot('options_appearanceHeading')}</h3>
        <fieldset class="radios" disabled={forced.has('theme') || busy}>
          <legend>{ot('options_theme')}</legend>
          {(['system', 'light', 'dark'] as const).map((theme) => (
            <label key={theme} class="checkbox">
              <input
                type="radio"
                name="theme"
                value={theme}
                checked={view.theme === theme}
                onChange={() => void save({ theme }, 'options_themeSaved')}
              />{' '}
              {ot(THEME_LABELS[theme])}
            </label>
          ))}
          {forced.has('theme') ? <Locked /> : null}
        </fieldset>
        <label for="language">{ot('options_language')}</label>
        <select
          id="language"
          value={view.language ?? ''}
          disabled={forced.has('language') || busy}
          onChange={(e) => void save({ language: e.currentTarget.value || null }, 'options_languageSaved')}
          aria-describedby={errors.language ? 'language-error' : undefined}
        >
          <option value="">{ot('options_languageBrowser')}</option>
          {LANGUAGES.map((language) => (
            <option key={language.tag} value={language.tag} lang={language.tag}>
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

/** The step-up assurance rule in force, in words (policy `stepUpAssurance`, docs/admin.md). */
function StepUpRuleCard({ rule }: { rule: NonNullable<SettingsView['stepUpRule']> }) {
  return (
    <div class="card" data-testid="step-up-rule">
      <h3>{ot('options_stepUpRuleTitle')}</h3>
      <ul>
        {rule.acrValues.length > 0 ? (
          <li>{ot('options_stepUpRuleAcr', { values: rule.acrValues.join(', ') })}</li>
        ) : null}
        {rule.acrValues.length > 0 ? (
          <li>
            {rule.requireSecondFactorAmr
              ? ot('options_stepUpRuleAmrRequired')
              : ot('options_stepUpRuleAmrNotChecked')}
          </li>
        ) : null}
        {rule.acceptAmrWithoutAcr ? <li>{ot('options_stepUpRuleAmrAlone')}</li> : null}
        <li>{ot('options_stepUpRuleFreshness', { seconds: rule.maxAgeSeconds })}</li>
        <li>{rule.fromPolicy ? ot('options_stepUpRuleFromPolicy') : ot('options_stepUpRuleDefault')}</li>
      </ul>
    </div>
  );
}

export function AboutSection({ view }: { view: SettingsView }) {
  const version = browser.runtime.getManifest().version;
  return (
    <Section id="about" title={ot('options_aboutTitle')}>
      <div class="card">
        <h3>{ot('options_aboutVersionHeading')}</h3>
        <p>{view.brandName}</p>
        <p>
          {ot('options_versionLabel')} <span data-testid="version">{version}</span>
        </p>
      </div>
      {view.problems.length > 0 ? (
        <div class="card callout problems" role="alert" data-testid="policy-problems">
          <h3>{ot('options_policyProblemsTitle')}</h3>
          <ul>
            {view.problems.map((problem) => (
              <li key={`${problem.source}-${problem.key}-${problem.message}`}>
                <strong>{problem.key ?? ot('options_policyAllSettings')}</strong>{' '}
                <span class="muted">
                  {problem.source === 'managed' ? ot('options_sourceManaged') : ot('options_sourceUser')}
                </span>
                {/* The policy module's own diagnostic (for the administrator), as it was written. */}
                <br />
                {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="card">
        <h3>{ot('options_policyTitle')}</h3>
        <table class="table" data-testid="policy">
          <thead>
            <tr>
              <th scope="col">{ot('options_policySetting')}</th>
              <th scope="col">{ot('options_policyValue')}</th>
              <th scope="col">{ot('options_policySetBy')}</th>
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
                <td>{entry.forced ? ot('options_policyByAdministrator') : ot('options_policyByUser')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {view.stepUpRule ? <StepUpRuleCard rule={view.stepUpRule} /> : null}
    </Section>
  );
}
