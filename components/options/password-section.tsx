/**
 * Password: change it (current + new) with the portal's policy as a live
 * checklist (B10), a show/hide toggle, paste allowed; "Forgot password?"
 * asks the portal to mail a reset link (the same answer whether or not the
 * account exists, B18). The change may ask for a step-up (B11).
 */
import { useRef, useState } from 'preact/hooks';
import type { AccountProblem } from '../../utils/account/errors.ts';
import type { PasswordPolicy } from '../../utils/portal/schemas.ts';
import { callAccount, changeAccount } from './account-client.ts';
import { errorAttributes, FieldError, LoadState, type Notice, Section, StatusLine, useLoad } from './ui.tsx';

/** Characters as a person counts them (code points, so an emoji is one). */
function passwordLength(value: string): number {
  return [...value.normalize('NFC')].length;
}

/** The checklist rows for the current input. */
export function policyChecklist(
  policy: PasswordPolicy,
  value: string,
): { id: string; label: string; met: boolean | null }[] {
  const length = passwordLength(value);
  const rows: { id: string; label: string; met: boolean | null }[] = [
    { id: 'min', label: `At least ${policy.minLength} characters`, met: length >= policy.minLength },
    { id: 'max', label: `At most ${policy.maxLength} characters`, met: length <= policy.maxLength },
  ];
  if (policy.checksCommonPasswords) {
    // Only the portal knows its list of common and breached passwords: checked on save.
    rows.push({
      id: 'common',
      label: 'Not a common or breached password (checked when you save)',
      met: null,
    });
  }
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
  const [violations, setViolations] = useState<string[]>([]);
  const [busy, setBusy] = useState<'change' | 'reset' | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const currentRef = useRef<HTMLInputElement>(null);
  const nextRef = useRef<HTMLInputElement>(null);

  async function submit(event: Event, rules: PasswordPolicy) {
    event.preventDefault();
    const local: typeof errors = {};
    if (!current) local.currentPassword = 'Type your current password.';
    const unmet = policyChecklist(rules, next).filter((row) => row.met === false);
    if (unmet.length > 0)
      local.newPassword = `The new password needs: ${unmet.map((row) => row.label.toLowerCase()).join(', ')}.`;
    setErrors(local);
    setViolations([]);
    if (local.currentPassword) return currentRef.current?.focus();
    if (local.newPassword) return nextRef.current?.focus();
    setBusy('change');
    setNotice({
      kind: 'info',
      text: 'Changing your password… If a portal tab opens, confirm it is you there.',
    });
    const result = await changeAccount('changePassword', { currentPassword: current, newPassword: next });
    setBusy(null);
    if (result.ok) {
      setCurrent('');
      setNext('');
      setNotice({
        kind: 'success',
        text: 'Your password was changed. Your other sessions were signed out; you may need to sign in to Portal Launcher again.',
      });
      return;
    }
    const problem = result.problem;
    if (problem.code === 'wrong_password') {
      setErrors({ currentPassword: problem.fields?.currentPassword ?? problem.message });
      currentRef.current?.focus();
    } else if (problem.code === 'password_policy') {
      setViolations(problem.violations ?? []);
      setErrors({ newPassword: problem.fields?.newPassword ?? problem.message });
      nextRef.current?.focus();
    } else if (problem.code === 'signed_out') {
      onProblem(problem);
    }
    setNotice({ kind: 'error', text: problem.message });
  }

  async function forgot() {
    if (!email) {
      setNotice({
        kind: 'error',
        text: 'Your email address is not known yet. Reload the page and try again.',
      });
      return;
    }
    setBusy('reset');
    const result = await changeAccount<'requestPasswordReset', { message: string }>('requestPasswordReset', {
      email,
    });
    setBusy(null);
    setNotice(
      result.ok
        ? { kind: 'success', text: result.value.message }
        : { kind: 'error', text: result.problem.message },
    );
  }

  return (
    <Section
      id="password"
      title="Password"
      intro="Use a long password you do not use anywhere else. A passphrase of a few words works well."
    >
      <StatusLine notice={notice} />
      <LoadState loaded={policy} what="password rules">
        {(rules) => (
          <form
            class="card form"
            onSubmit={(event) => void submit(event, rules)}
            noValidate
            data-testid="password-form"
          >
            <h3>Change your password</h3>
            <input type="email" autoComplete="username" value={email ?? ''} hidden readOnly />
            <label for="current-password">Current password</label>
            <input
              id="current-password"
              ref={currentRef}
              // Preact's input typings cannot narrow a computed type; both values are valid here.
              type={(show ? 'text' : 'password') as 'text'}
              autoComplete="current-password"
              value={current}
              onInput={(e) => setCurrent(e.currentTarget.value)}
              {...errorAttributes('current-password-error', errors.currentPassword)}
            />
            <FieldError id="current-password-error" message={errors.currentPassword} />
            <label for="new-password">New password</label>
            <input
              id="new-password"
              ref={nextRef}
              // Preact's input typings cannot narrow a computed type; both values are valid here.
              type={(show ? 'text' : 'password') as 'text'}
              autoComplete="new-password"
              value={next}
              onInput={(e) => setNext(e.currentTarget.value)}
              {...errorAttributes('new-password-error', errors.newPassword, 'password-rules')}
            />
            <ul id="password-rules" class="checklist" aria-label="Password rules">
              {policyChecklist(rules, next).map((row) => (
                <li
                  key={row.id}
                  class={row.met === null ? 'pending' : row.met ? 'met' : 'unmet'}
                  data-rule={row.id}
                >
                  <span aria-hidden="true">{row.met === null ? '•' : row.met ? '✓' : '✗'} </span>
                  {row.label}
                  <span class="visually-hidden">
                    {row.met === null ? '' : row.met ? ' (met)' : ' (not met yet)'}
                  </span>
                </li>
              ))}
            </ul>
            <FieldError id="new-password-error" message={errors.newPassword} />
            {violations.length > 1 ? (
              <ul class="field-error">
                {violations.map((violation) => (
                  <li key={violation}>{violation}</li>
                ))}
              </ul>
            ) : null}
            <label class="checkbox">
              <input type="checkbox" checked={show} onChange={(e) => setShow(e.currentTarget.checked)} /> Show
              passwords
            </label>
            <div class="actions">
              <button type="submit" disabled={busy !== null}>
                {busy === 'change' ? 'Changing…' : 'Change password'}
              </button>
              <button type="button" class="link" onClick={() => void forgot()} disabled={busy !== null}>
                {busy === 'reset' ? 'Sending…' : 'Forgot password?'}
              </button>
            </div>
          </form>
        )}
      </LoadState>
    </Section>
  );
}
