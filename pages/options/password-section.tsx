/**
 * Password: change it (current + new) with the portal's policy as a live
 * checklist (B10), a show/hide toggle, paste allowed; "Forgot password?"
 * asks the portal to mail a reset link (the same answer whether or not the
 * account exists, B18). The change may ask for a step-up (B11).
 */
import type { Ref } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { PasswordPolicy } from '../../contract/schemas.ts';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { callAccount, changeAccount } from './account-client.ts';
import { fieldText, ot, portalSpeaksPageLanguage, problemText } from './i18n.ts';
import { errorAttributes, FieldError, LoadState, type Notice, Section, StatusLine, useLoad } from './ui.tsx';

/**
 * One password field, shown as text while "Show passwords" is on; its error
 * is the element `${id}-error` (a {@link FieldError} the caller places).
 */
function PasswordInput(props: {
  id: string;
  inputRef: Ref<HTMLInputElement>;
  show: boolean;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onValue: (value: string) => void;
  error: string | undefined;
  /** The element that describes the rules, read before the error. */
  hintId?: string;
}) {
  return (
    <input
      id={props.id}
      ref={props.inputRef}
      // Preact's input typings cannot narrow a computed type; both values are valid here.
      type={(props.show ? 'text' : 'password') as 'text'}
      autoComplete={props.autoComplete}
      value={props.value}
      onInput={(e) => props.onValue(e.currentTarget.value)}
      {...errorAttributes(`${props.id}-error`, props.error, props.hintId)}
    />
  );
}

/** Characters as a person counts them (code points, so an emoji is one). */
function passwordLength(value: string): number {
  return [...value.normalize('NFC')].length;
}

/** The checklist rows for the current input. */
/**
 * The checklist under the new password: each rule of the portal's policy and
 * whether `value` meets it. `refused` are the rules the portal named
 * (`PASSWORD_RULES`) when it refused this very value: those it alone can check
 * (common passwords, the person's email address) show as unmet from then on.
 */
export function policyChecklist(
  policy: PasswordPolicy,
  value: string,
  refused: readonly string[] = [],
): { id: string; label: string; met: boolean | null }[] {
  const length = passwordLength(value);
  const rows: { id: string; label: string; met: boolean | null }[] = [
    {
      id: 'min',
      label: ot('options_ruleMinLength', { count: policy.minLength }),
      met: length >= policy.minLength && !refused.includes('min_length'),
    },
    {
      id: 'max',
      label: ot('options_ruleMaxLength', { count: policy.maxLength }),
      met: length <= policy.maxLength && !refused.includes('max_length'),
    },
  ];
  if (policy.checksCommonPasswords || refused.includes('common')) {
    // Only the portal knows its list of common and breached passwords: checked on save.
    rows.push({
      id: 'common',
      label: ot('options_ruleNotCommon'),
      met: refused.includes('common') ? false : null,
    });
  }
  // Not part of the published policy: shown once the portal says this password is the email address.
  if (refused.includes('email')) rows.push({ id: 'email', label: ot('options_ruleNotEmail'), met: false });
  return rows;
}

export function PasswordSection({
  email,
  onProblem,
}: {
  email: string | null;
  onProblem(problem: AccountProblem): void;
}) {
  const policy = useLoad(() => callAccount('getPasswordPolicy', {}), onProblem);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [show, setShow] = useState(false);
  const [errors, setErrors] = useState<{ currentPassword?: string; newPassword?: string }>({});
  /** The value the portal last refused and the rules it named; marked while the field still holds it. */
  const [refused, setRefused] = useState<{ password: string; rules: string[] } | null>(null);
  const [busy, setBusy] = useState<'change' | 'reset' | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const currentRef = useRef<HTMLInputElement>(null);
  const nextRef = useRef<HTMLInputElement>(null);

  async function submit(event: Event, rules: PasswordPolicy) {
    event.preventDefault();
    const local: typeof errors = {};
    if (!current) local.currentPassword = ot('options_currentPasswordMissing');
    // The unmet rules are marked in the checklist the input points at; the error says where to look.
    if (policyChecklist(rules, next).some((row) => row.met === false))
      local.newPassword = ot('options_newPasswordRulesUnmet');
    setErrors(local);
    if (local.currentPassword) return currentRef.current?.focus();
    if (local.newPassword) return nextRef.current?.focus();
    setBusy('change');
    setNotice({ kind: 'info', text: ot('options_passwordChanging') });
    const result = await changeAccount('changePassword', { currentPassword: current, newPassword: next });
    setBusy(null);
    if (result.ok) {
      setCurrent('');
      setNext('');
      setNotice({ kind: 'success', text: ot('options_passwordChanged') });
      return;
    }
    const problem = result.problem;
    // A problem with one field is said once, under that field (the checklist marks the broken rules):
    // no banner repeating it above the form. Any other problem replaces the banner.
    if (problem.code === 'wrong_password') {
      setNotice(null);
      setErrors({ currentPassword: fieldText(problem, 'currentPassword') });
      currentRef.current?.focus();
      return;
    }
    if (problem.code === 'password_policy') {
      setNotice(null);
      setRefused({ password: next, rules: problem.rules ?? [] });
      setErrors({ newPassword: fieldText(problem, 'newPassword') });
      nextRef.current?.focus();
      return;
    }
    if (problem.code === 'signed_out') onProblem(problem);
    setNotice({ kind: 'error', text: problemText(problem) });
  }

  async function forgot() {
    if (!email) {
      setNotice({ kind: 'error', text: ot('options_emailUnknown') });
      return;
    }
    setBusy('reset');
    const result = await changeAccount<'requestPasswordReset', { message: string }>('requestPasswordReset', {
      email,
    });
    setBusy(null);
    setNotice(
      result.ok
        ? {
            kind: 'success',
            // The portal's sentence (it may name the link's lifetime) when it speaks the page's language.
            text: portalSpeaksPageLanguage({}) ? result.value.message : ot('options_passwordResetSent'),
          }
        : { kind: 'error', text: problemText(result.problem) },
    );
  }

  return (
    <Section id="password" title={ot('options_passwordTitle')} intro={ot('options_passwordIntro')}>
      <StatusLine notice={notice} />
      <LoadState
        loaded={policy}
        loadingText={ot('options_passwordRulesLoading')}
        failedText={ot('options_passwordRulesLoadFailed')}
      >
        {(rules) => (
          <form
            class="card form"
            onSubmit={(event) => void submit(event, rules)}
            noValidate
            data-testid="password-form"
          >
            <h3>{ot('options_changePasswordTitle')}</h3>
            <input type="email" autoComplete="username" value={email ?? ''} hidden readOnly />
            <label for="current-password">{ot('options_currentPassword')}</label>
            <PasswordInput
              id="current-password"
              inputRef={currentRef}
              show={show}
              autoComplete="current-password"
              value={current}
              onValue={setCurrent}
              error={errors.currentPassword}
            />
            <FieldError id="current-password-error" message={errors.currentPassword} />
            <label for="new-password">{ot('options_newPassword')}</label>
            <PasswordInput
              id="new-password"
              inputRef={nextRef}
              show={show}
              autoComplete="new-password"
              value={next}
              onValue={setNext}
              error={errors.newPassword}
              hintId="password-rules"
            />
            <ul id="password-rules" class="checklist" aria-label={ot('options_passwordRules')}>
              {policyChecklist(rules, next, refused?.password === next ? refused.rules : []).map((row) => (
                <li
                  key={row.id}
                  class={row.met === null ? 'pending' : row.met ? 'met' : 'unmet'}
                  data-rule={row.id}
                >
                  <span aria-hidden="true">{row.met === null ? '•' : row.met ? '✓' : '✗'} </span>
                  {row.label}
                  {row.met === null ? null : (
                    <span class="visually-hidden">
                      {' '}
                      {row.met ? ot('options_ruleMet') : ot('options_ruleNotMet')}
                    </span>
                  )}
                </li>
              ))}
            </ul>
            <FieldError id="new-password-error" message={errors.newPassword} />
            <label class="checkbox">
              <input type="checkbox" checked={show} onChange={(e) => setShow(e.currentTarget.checked)} />{' '}
              {ot('options_showPasswords')}
            </label>
            <div class="actions">
              <button type="submit" disabled={busy !== null}>
                {busy === 'change'
                  ? ot('options_passwordChangingButton')
                  : ot('options_changePasswordButton')}
              </button>
              <button type="button" class="link" onClick={() => void forgot()} disabled={busy !== null}>
                {busy === 'reset' ? ot('options_sending') : ot('options_forgotPassword')}
              </button>
            </div>
          </form>
        )}
      </LoadState>
    </Section>
  );
}
