/**
 * "Approve sign-ins from this browser" (issue 13): the approver devices of
 * the account (name, added, last used, this browser marked), enrolment of
 * this browser under a name it suggests ("Chrome on Linux"), and removal.
 *
 * Enrolment is a sensitive change: the background asks the portal, which
 * wants a fresh second factor (B11), so the step-up tab may open first, as
 * for every other change on this page. The device key is made and kept by
 * the background (A15); this page only names the browser. Shown only where
 * the MFA section is: never in provider-only mode.
 */
import { useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { sendMessage } from '../../utils/messaging-client.ts';
import { suggestDeviceName } from '../../utils/push/device-name.ts';
import type { ApproverView } from '../../utils/push/protocol.ts';
import { problemOf } from './account-client.ts';
import { formatDate, ot, problemText } from './i18n.ts';
import type { ConfirmRequest } from './passkeys-card.tsx';
import { errorAttributes, FieldError, LoadState, type Notice, StatusLine, useLoad } from './ui.tsx';

/** The longest device name the portal takes. */
const MAX_NAME = 100;

function defaultName(): string {
  return suggestDeviceName(
    navigator.userAgent,
    (name, system) => ot('options_approverDefaultName', { browser: name, system }),
    ot('options_approverThisBrowser'),
  );
}

function facts(approver: ApproverView): string {
  return [
    ot('options_passkeyAddedOn', { date: formatDate(approver.createdAt) }),
    approver.lastUsedAt
      ? ot('options_passkeyLastUsed', { date: formatDate(approver.lastUsedAt, true) })
      : ot('options_passkeyNeverUsed'),
  ].join(' · ');
}

export function ApproversCard({
  totpEnabled,
  onProblem,
  confirm,
}: {
  /** Prompts replace the authenticator's code at sign-in: without one there is nothing to approve. */
  totpEnabled: boolean;
  onProblem(problem: AccountProblem): void;
  confirm(request: ConfirmRequest): void;
}) {
  const list = useLoad(() => sendMessage(browser.runtime, 'listApprovers', {}), onProblem);
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [name, setName] = useState(defaultName);
  const [nameError, setNameError] = useState<string | undefined>();
  const nameInput = useRef<HTMLInputElement>(null);

  function fail(problem: AccountProblem) {
    if (problem.code === 'signed_out') onProblem(problem);
    setNotice({ kind: 'error', text: problemText(problem) });
  }

  async function enrol(event: Event) {
    event.preventDefault();
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean || clean.length > MAX_NAME) {
      setNameError(ot('options_approverNameRequired'));
      nameInput.current?.focus();
      return;
    }
    setNameError(undefined);
    setNotice({ kind: 'info', text: ot('options_approverEnrolling') });
    await change(
      'enrol',
      () => sendMessage(browser.runtime, 'enrolApprover', { name: clean }),
      'options_approverEnrolled',
    );
  }

  function remove(approver: ApproverView) {
    return change(
      `remove:${approver.id}`,
      () => sendMessage(browser.runtime, 'removeApprover', { id: approver.id }),
      'options_approverRemoved',
    );
  }

  /** Runs one change through the background: busy meanwhile, then the outcome as the notice and a fresh list. */
  async function change(
    busyWith: string,
    send: () => Promise<{ ok: true } | { ok: false; problem: AccountProblem }>,
    done: 'options_approverEnrolled' | 'options_approverRemoved',
  ) {
    setBusy(busyWith);
    try {
      const result = await send();
      if (result.ok) {
        setNotice({ kind: 'success', text: ot(done) });
        await list.reload();
      } else fail(result.problem);
    } catch (error) {
      fail(problemOf(error));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div class="card" data-testid="approvers">
      <h3>{ot('options_approversTitle')}</h3>
      <p class="muted">{ot('options_approversIntro')}</p>
      <StatusLine notice={notice} id="approvers-status" />
      <LoadState
        loaded={list}
        loadingText={ot('options_approversLoading')}
        failedText={ot('options_approversLoadFailed')}
      >
        {(current) => (
          <>
            {current.approvers.length === 0 ? (
              <p class="muted" data-testid="approvers-empty">
                {ot('options_approversEmpty')}
              </p>
            ) : (
              <ul class="passkeys" aria-label={ot('options_approversTitle')}>
                {current.approvers.map((approver) => (
                  <li key={approver.id} data-testid="approver" data-approver-id={approver.id}>
                    <strong class="passkey-name" dir="auto">
                      {approver.name}
                    </strong>{' '}
                    {approver.thisBrowser ? (
                      <span class="badge badge-on" data-testid="approver-this-browser">
                        {ot('options_approverThisBrowser')}
                      </span>
                    ) : null}
                    <p class="muted passkey-facts">{facts(approver)}</p>
                    <div class="actions">
                      <button
                        type="button"
                        class="danger"
                        disabled={busy !== null}
                        aria-label={`${ot('options_approverRemove')}: ${approver.name}`}
                        onClick={() =>
                          confirm({
                            title: ot('options_approverRemoveTitle'),
                            body: ot('options_approverRemoveBody', { name: approver.name }),
                            label: ot('options_approverRemove'),
                            run: () => void remove(approver),
                          })
                        }
                      >
                        {ot('options_approverRemove')}
                      </button>
                    </div>
                  </li>
                ))}
              </ul>
            )}
            {current.thisBrowserEnrolled ? null : totpEnabled ? (
              <form class="form" onSubmit={enrol} noValidate data-testid="approver-enrol">
                <label for="approver-name">{ot('options_approverNameLabel')}</label>
                <input
                  id="approver-name"
                  ref={nameInput}
                  maxLength={MAX_NAME}
                  value={name}
                  onInput={(e) => setName(e.currentTarget.value)}
                  {...errorAttributes('approver-name-error', nameError)}
                />
                <FieldError id="approver-name-error" message={nameError} />
                <div class="actions">
                  <button type="submit" disabled={busy !== null}>
                    {busy === 'enrol' ? ot('options_preparing') : ot('options_approversTitle')}
                  </button>
                </div>
              </form>
            ) : (
              <p class="muted" data-testid="approvers-need-authenticator">
                {ot('options_approversNeedsAuthenticator')}
              </p>
            )}
          </>
        )}
      </LoadState>
    </div>
  );
}
