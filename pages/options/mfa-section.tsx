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
import type { MfaStatus, RecoveryCodes, TotpEnrollment } from '../../contract/schemas.ts';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { callAccount, changeAccount } from './account-client.ts';
import { ApproversCard } from './approvers-card.tsx';
import { fieldText, formatDate, ot, problemText } from './i18n.ts';
import { type ConfirmRequest, PasskeysCard } from './passkeys-card.tsx';
import { RecoveryCodesCard } from './recovery-codes-card.tsx';
import {
  ConfirmDialog,
  CopyButton,
  errorAttributes,
  FieldError,
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

export function MfaSection({ onProblem }: { onProblem(problem: AccountProblem): void }) {
  const status = useLoad(() => callAccount('getMfa', {}), onProblem);
  const [notice, setNotice] = useState<Notice>(null);
  const [enrollment, setEnrollment] = useState<TotpEnrollment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [offerSignOut, setOfferSignOut] = useState(false);
  /** The confirmation open now: removing the authenticator, or replacing the recovery codes. */
  const [confirming, setConfirming] = useState<'remove' | 'regenerate' | ConfirmRequest | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  function fail(problem: AccountProblem) {
    if (problem.code === 'signed_out') onProblem(problem);
    setNotice({ kind: 'error', text: problemText(problem) });
  }

  async function start() {
    setBusy('start');
    setCodes(null);
    setNotice({ kind: 'info', text: ot('options_mfaPreparing') });
    const result = await changeAccount<'startTotpEnrollment', TotpEnrollment>('startTotpEnrollment', {});
    setBusy(null);
    if (result.ok) {
      setEnrollment(result.value);
      setNotice(null);
    } else fail(result.problem);
  }

  async function regenerate() {
    setBusy('regenerate');
    setNotice({ kind: 'info', text: ot('options_recoveryCreating') });
    const result = await changeAccount<'regenerateRecoveryCodes', RecoveryCodes>(
      'regenerateRecoveryCodes',
      {},
    );
    setBusy(null);
    if (result.ok) {
      setCodes(result.value.recoveryCodes);
      setNotice({ kind: 'success', text: ot('options_recoveryCreated') });
      await status.reload();
    } else fail(result.problem);
  }

  async function remove() {
    setBusy('remove');
    setNotice({ kind: 'info', text: ot('options_mfaRemoving') });
    const result = await changeAccount('removeTotp', {});
    setBusy(null);
    if (result.ok) {
      setCodes(null);
      setNotice({ kind: 'success', text: ot('options_mfaRemoved') });
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
      setNotice({ kind: 'success', text: ot('options_otherSessionsEnded') });
    } else fail(result.problem);
  }

  const dialog: ConfirmRequest =
    typeof confirming === 'object' && confirming
      ? confirming
      : confirming === 'regenerate'
        ? {
            title: ot('options_recoveryRegenerateTitle'),
            body: ot('options_recoveryRegenerateBody'),
            label: ot('options_recoveryRegenerateConfirm'),
            run: () => void regenerate(),
          }
        : {
            title: ot('options_mfaRemoveConfirmTitle'),
            body: ot('options_mfaRemoveConfirmBody'),
            label: ot('options_mfaRemoveConfirm'),
            run: () => void remove(),
          };

  return (
    <Section id="mfa" title={ot('options_mfaTitle')} intro={ot('options_mfaIntro')}>
      <StatusLine notice={notice} />
      {offerSignOut ? (
        <div class="card callout" data-testid="offer-sign-out">
          <p>{ot('options_offerSignOut')}</p>
          <div class="actions">
            <button type="button" onClick={() => void signOutOthers()} disabled={busy !== null}>
              {ot('options_signOutOthersButton')}
            </button>
            <button type="button" class="secondary" onClick={() => setOfferSignOut(false)}>
              {ot('options_notNow')}
            </button>
          </div>
        </div>
      ) : null}
      <LoadState
        loaded={status}
        loadingText={ot('options_mfaLoading')}
        failedText={ot('options_mfaLoadFailed')}
      >
        {(mfa) =>
          enrollment && !mfa.totp.enabled ? (
            <Enrollment
              enrollment={enrollment}
              onCancel={() => setEnrollment(null)}
              onConfirmed={async (recovery) => {
                setEnrollment(null);
                setCodes(recovery);
                setNotice({ kind: 'success', text: ot('options_mfaEnabled') });
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
              onRegenerate={() => setConfirming('regenerate')}
              onRemove={() => setConfirming('remove')}
            />
          )
        }
      </LoadState>
      {codes ? <RecoveryCodesCard codes={codes} onDone={() => setCodes(null)} /> : null}
      <PasskeysCard onProblem={onProblem} confirm={setConfirming} />
      {status.value ? (
        <ApproversCard
          totpEnabled={status.value.totp.enabled}
          onProblem={onProblem}
          confirm={setConfirming}
        />
      ) : null}
      {/* One dialog (its ids are fixed), worded for what is being confirmed. */}
      <ConfirmDialog
        open={confirming !== null}
        title={dialog.title}
        body={dialog.body}
        confirmLabel={dialog.label}
        danger
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null);
          dialog.run();
        }}
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
        <h3>{ot('options_authenticatorApp')}</h3>
        <p>
          <span class="badge badge-off">{ot('options_mfaOffBadge')}</span>{' '}
          {mfa.totp.pending ? ot('options_mfaPending') : ''}
        </p>
        <p class="muted">{ot('options_mfaAnyApp')}</p>
        <div class="actions">
          <button type="button" onClick={onStart} disabled={busy !== null}>
            {busy === 'start' ? ot('options_preparing') : ot('options_mfaSetUpButton')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div class="card" data-testid="mfa-on">
      <h3>{ot('options_authenticatorApp')}</h3>
      <p>
        <span class="badge badge-on">{ot('options_mfaOnBadge')}</span>{' '}
        {mfa.totp.enrolledAt ? ot('options_mfaSetUpOn', { date: formatDate(mfa.totp.enrolledAt) }) : ''}
      </p>
      <p class="muted" data-testid="recovery-remaining">
        {ot('options_recoveryRemaining', { count: mfa.recoveryCodesRemaining })}
        {mfa.recoveryCodesRemaining <= 3 ? ` ${ot('options_recoveryRunningOut')}` : ''}
      </p>
      <div class="actions">
        <button type="button" class="secondary" onClick={onRegenerate} disabled={busy !== null}>
          {busy === 'regenerate' ? ot('options_creating') : ot('options_recoveryCreateButton')}
        </button>
        <button type="button" class="danger" onClick={onRemove} disabled={busy !== null}>
          {busy === 'remove' ? ot('options_removing') : ot('options_mfaRemoveButton')}
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
      setError(ot('options_totpCodeFormat', { digits }));
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
      setError(fieldText(result.problem, 'code'));
      codeRef.current?.focus();
    } else onProblem(result.problem);
  }

  return (
    <div class="card enrollment" data-testid="enrollment">
      <h3 ref={headingRef} tabIndex={-1}>
        {ot('options_enrollTitle')}
      </h3>
      <ol class="steps">
        <li>
          <p>{ot('options_enrollScan')}</p>
          {qr ? (
            <img class="qr" src={qr} width={200} height={200} alt={ot('options_enrollQrAlt')} />
          ) : (
            <p class="muted">{ot('options_enrollQrFailed')}</p>
          )}
        </li>
        <li>
          <p>{ot('options_enrollTypeKey')}</p>
          <p>
            <code class="secret" data-testid="totp-secret">
              {groupSecret(enrollment.secret)}
            </code>{' '}
            <CopyButton text={enrollment.secret} label={ot('options_copySetupKey')} />
          </p>
          {details ? (
            <dl class="otp-details">
              <dt>{ot('options_otpIssuer')}</dt>
              <dd>{details.issuer || '—'}</dd>
              <dt>{ot('options_otpAccount')}</dt>
              <dd>{details.account}</dd>
              <dt>{ot('options_otpType')}</dt>
              <dd>
                {ot('options_otpTypeValue', {
                  digits: details.digits,
                  period: details.period,
                  algorithm: details.algorithm,
                })}
              </dd>
            </dl>
          ) : null}
        </li>
        <li>
          <form class="form" onSubmit={confirm} noValidate>
            <label for="totp-code">{ot('options_enrollCodeLabel')}</label>
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
                {busy ? ot('options_checking') : ot('options_enrollConfirm')}
              </button>
              <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
                {ot('options_cancel')}
              </button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}
