/**
 * Multi-factor authentication: status, authenticator app setup (QR code
 * drawn on this page from the otpauth URI, the secret in groups of four,
 * confirmation with a code), recovery codes shown once (Copy, Download),
 * new recovery codes and removal (both step-up, B11), and after a factor
 * change the offer to sign out every other session.
 */
import * as OTPAuth from 'otpauth';
import { useEffect, useRef, useState } from 'preact/hooks';
import QRCode from 'qrcode';
import type { AccountProblem } from '../../utils/account/errors.ts';
import type { MfaStatus, RecoveryCodes, TotpEnrollment } from '../../utils/portal/schemas.ts';
import { callAccount, changeAccount } from './account-client.ts';
import {
  ConfirmDialog,
  CopyButton,
  downloadText,
  errorAttributes,
  FieldError,
  formatDate,
  LoadState,
  type Notice,
  Section,
  StatusLine,
  useLoad,
} from './ui.tsx';

/** "JBSW Y3DP EHPK 3PXP": easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/=+$/, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** What the authenticator app will show, read from the URI with otpauth (not by hand). */
function describeUri(
  uri: string,
): { issuer: string; account: string; digits: number; period: number; algorithm: string } | null {
  try {
    const otp = OTPAuth.URI.parse(uri);
    if (!(otp instanceof OTPAuth.TOTP)) return null;
    return {
      issuer: otp.issuer,
      account: otp.label,
      digits: otp.digits,
      period: otp.period,
      algorithm: otp.algorithm,
    };
  } catch {
    return null;
  }
}

const VERIFY_HINT = 'If a portal tab opens, confirm it is you there; this page continues by itself.';

export function MfaSection({ onProblem }: { onProblem(problem: AccountProblem): void }) {
  const status = useLoad(() => callAccount('getMfa', {}), onProblem);
  const [notice, setNotice] = useState<Notice>(null);
  const [enrollment, setEnrollment] = useState<TotpEnrollment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [offerSignOut, setOfferSignOut] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);

  function fail(problem: AccountProblem) {
    if (problem.code === 'signed_out') onProblem(problem);
    setNotice({ kind: 'error', text: problem.message });
  }

  async function start() {
    setBusy('start');
    setCodes(null);
    setNotice({ kind: 'info', text: 'Preparing your authenticator setup…' });
    const result = await changeAccount<'startTotpEnrollment', TotpEnrollment>('startTotpEnrollment', {});
    setBusy(null);
    if (result.ok) {
      setEnrollment(result.value);
      setNotice(null);
    } else fail(result.problem);
  }

  async function regenerate() {
    setBusy('regenerate');
    setNotice({ kind: 'info', text: `Creating new recovery codes… ${VERIFY_HINT}` });
    const result = await changeAccount<'regenerateRecoveryCodes', RecoveryCodes>(
      'regenerateRecoveryCodes',
      {},
    );
    setBusy(null);
    if (result.ok) {
      setCodes(result.value.recoveryCodes);
      setNotice({ kind: 'success', text: 'New recovery codes created. Your old codes no longer work.' });
      await status.reload();
    } else fail(result.problem);
  }

  async function remove() {
    setConfirmRemove(false);
    setBusy('remove');
    setNotice({ kind: 'info', text: `Removing your authenticator app… ${VERIFY_HINT}` });
    const result = await changeAccount('removeTotp', {});
    setBusy(null);
    if (result.ok) {
      setCodes(null);
      setNotice({
        kind: 'success',
        text: 'Your authenticator app was removed. Sign-in now asks only for your password.',
      });
      setOfferSignOut(true);
      await status.reload();
    } else fail(result.problem);
  }

  async function signOutOthers() {
    setBusy('others');
    const result = await changeAccount('endOtherSessions', {});
    setBusy(null);
    if (result.ok) {
      setOfferSignOut(false);
      setNotice({
        kind: 'success',
        text: 'Every other session was signed out. This browser stays signed in.',
      });
    } else fail(result.problem);
  }

  return (
    <Section
      id="mfa"
      title="Multi-factor authentication"
      intro="A second step at sign-in with a code from an authenticator app keeps your account safe even if your password leaks."
    >
      <StatusLine notice={notice} />
      {offerSignOut ? (
        <div class="card callout" data-testid="offer-sign-out">
          <p>
            Your sign-in factors changed. Sign out every other browser and device, so they must sign in again?
          </p>
          <div class="actions">
            <button type="button" onClick={() => void signOutOthers()} disabled={busy !== null}>
              Sign out other sessions
            </button>
            <button type="button" class="secondary" onClick={() => setOfferSignOut(false)}>
              Not now
            </button>
          </div>
        </div>
      ) : null}
      <LoadState loaded={status} what="authentication methods">
        {(mfa) =>
          enrollment && !mfa.totp.enabled ? (
            <Enrollment
              enrollment={enrollment}
              onCancel={() => setEnrollment(null)}
              onConfirmed={async (recovery) => {
                setEnrollment(null);
                setCodes(recovery);
                setNotice({
                  kind: 'success',
                  text: 'Your authenticator app is set up. Sign-in now asks for a code from it.',
                });
                setOfferSignOut(true);
                await status.reload();
              }}
              onProblem={fail}
            />
          ) : (
            <StatusCard
              mfa={mfa}
              busy={busy}
              onStart={() => void start()}
              onRegenerate={() => void regenerate()}
              onRemove={() => setConfirmRemove(true)}
            />
          )
        }
      </LoadState>
      {codes ? <RecoveryCodesCard codes={codes} onDone={() => setCodes(null)} /> : null}
      <ConfirmDialog
        open={confirmRemove}
        title="Remove your authenticator app?"
        body="Sign-in will ask only for your password, and apps that need a second factor will not open until you set one up again."
        confirmLabel="Remove authenticator"
        danger
        onCancel={() => setConfirmRemove(false)}
        onConfirm={() => void remove()}
      />
    </Section>
  );
}

function StatusCard({
  mfa,
  busy,
  onStart,
  onRegenerate,
  onRemove,
}: {
  mfa: MfaStatus;
  busy: string | null;
  onStart(): void;
  onRegenerate(): void;
  onRemove(): void;
}) {
  if (!mfa.totp.enabled) {
    return (
      <div class="card" data-testid="mfa-off">
        <h3>Authenticator app</h3>
        <p>
          <span class="badge badge-off">Not set up</span>{' '}
          {mfa.totp.pending ? 'A setup was started but not confirmed; start again to get a new code.' : ''}
        </p>
        <p class="muted">
          Use any authenticator app (for example Google Authenticator, Microsoft Authenticator, 1Password).
        </p>
        <div class="actions">
          <button type="button" onClick={onStart} disabled={busy !== null}>
            {busy === 'start' ? 'Preparing…' : 'Set up an authenticator app'}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div class="card" data-testid="mfa-on">
      <h3>Authenticator app</h3>
      <p>
        <span class="badge badge-on">On</span>{' '}
        {mfa.totp.enrolledAt ? `Set up on ${formatDate(mfa.totp.enrolledAt)}.` : ''}
      </p>
      <p class="muted">
        {mfa.recoveryCodesRemaining} recovery {mfa.recoveryCodesRemaining === 1 ? 'code' : 'codes'} left.
        {mfa.recoveryCodesRemaining <= 3 ? ' Create new ones before you run out.' : ''}
      </p>
      <div class="actions">
        <button type="button" class="secondary" onClick={onRegenerate} disabled={busy !== null}>
          {busy === 'regenerate' ? 'Creating…' : 'Create new recovery codes'}
        </button>
        <button type="button" class="danger" onClick={onRemove} disabled={busy !== null}>
          {busy === 'remove' ? 'Removing…' : 'Remove authenticator app'}
        </button>
      </div>
    </div>
  );
}

function Enrollment({
  enrollment,
  onConfirmed,
  onCancel,
  onProblem,
}: {
  enrollment: TotpEnrollment;
  onConfirmed(codes: string[]): Promise<void>;
  onCancel(): void;
  onProblem(problem: AccountProblem): void;
}) {
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const details = describeUri(enrollment.otpauthUri);

  useEffect(() => {
    headingRef.current?.focus();
    // Drawn here from the URI: the secret is never sent to a QR service.
    QRCode.toString(enrollment.otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      .then((svg) => setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch(() => setQr(null));
  }, [enrollment.otpauthUri]);

  async function confirm(event: Event) {
    event.preventDefault();
    const digits = details?.digits ?? 6;
    const clean = code.replace(/\s+/g, '');
    if (!new RegExp(`^\\d{${digits}}$`).test(clean)) {
      setError(`Enter the ${digits}-digit code your app shows.`);
      codeRef.current?.focus();
      return;
    }
    setBusy(true);
    const result = await changeAccount<'confirmTotpEnrollment', RecoveryCodes>('confirmTotpEnrollment', {
      code: clean,
    });
    setBusy(false);
    if (result.ok) {
      await onConfirmed(result.value.recoveryCodes);
      return;
    }
    if (result.problem.code === 'invalid_code') {
      setError(result.problem.fields?.code ?? result.problem.message);
      codeRef.current?.focus();
    } else onProblem(result.problem);
  }

  return (
    <div class="card enrollment" data-testid="enrollment">
      <h3 ref={headingRef} tabIndex={-1}>
        Set up your authenticator app
      </h3>
      <ol class="steps">
        <li>
          <p>Scan this QR code with your authenticator app.</p>
          {qr ? (
            <img
              class="qr"
              src={qr}
              width={200}
              height={200}
              alt="QR code for your authenticator app. Use the setup key below if you cannot scan it."
            />
          ) : (
            <p class="muted">The QR code could not be drawn; use the setup key below.</p>
          )}
        </li>
        <li>
          <p>Or type this setup key into the app:</p>
          <p>
            <code class="secret" data-testid="totp-secret">
              {groupSecret(enrollment.secret)}
            </code>{' '}
            <CopyButton text={enrollment.secret} label="Copy setup key" />
          </p>
          {details ? (
            <dl class="otp-details">
              <dt>Issuer</dt>
              <dd>{details.issuer || '—'}</dd>
              <dt>Account</dt>
              <dd>{details.account}</dd>
              <dt>Type</dt>
              <dd>
                Time-based, {details.digits} digits, every {details.period} seconds ({details.algorithm})
              </dd>
            </dl>
          ) : null}
        </li>
        <li>
          <form class="form" onSubmit={confirm} noValidate>
            <label for="totp-code">Enter the code the app shows</label>
            <input
              id="totp-code"
              ref={codeRef}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={10}
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
              {...errorAttributes('totp-code-error', error)}
            />
            <FieldError id="totp-code-error" message={error} />
            <div class="actions">
              <button type="submit" disabled={busy}>
                {busy ? 'Checking…' : 'Confirm and turn on'}
              </button>
              <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
                Cancel
              </button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

function RecoveryCodesCard({ codes, onDone }: { codes: string[]; onDone(): void }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const text = `Portal Launcher recovery codes\nEach code works once. Keep them somewhere safe.\n\n${codes.join('\n')}\n`;
  return (
    <section
      class="card callout"
      ref={ref}
      tabIndex={-1}
      aria-labelledby="recovery-title"
      data-testid="recovery-codes"
    >
      <h3 id="recovery-title">Your recovery codes</h3>
      <p>
        Each code signs you in once if you lose your phone. <strong>They are shown only now</strong>: save
        them in your password manager or print them.
      </p>
      <ul class="codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div class="actions">
        <CopyButton text={codes.join('\n')} label="Copy recovery codes" />
        <button type="button" class="secondary" onClick={() => downloadText('recovery-codes.txt', text)}>
          Download .txt
        </button>
        <button type="button" onClick={onDone}>
          I saved them
        </button>
      </div>
    </section>
  );
}
