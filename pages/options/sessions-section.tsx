/**
 * Sessions & devices: where the account is signed in to the portal
 * (browser and version, system, address, signed in, last active; this
 * browser marked), with "Sign out" per
 * session and "Sign out all other sessions". Ending a session also revokes
 * the refresh tokens it authorised (B4, B13), so the device stays out.
 */
import { useRef, useState } from 'preact/hooks';
import type { PortalSession } from '../../contract/schemas.ts';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { callAccount, changeAccount } from './account-client.ts';
import { formatDate, ot, problemText } from './i18n.ts';
import { ConfirmDialog, LoadState, type Notice, Section, StatusLine, useLoad } from './ui.tsx';

export function SessionsSection({ onProblem }: { onProblem(problem: AccountProblem): void }) {
  const sessions = useLoad(async () => (await callAccount('listSessions', {})).sessions, onProblem);
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  function fail(problem: AccountProblem) {
    if (problem.code === 'signed_out') onProblem(problem);
    setNotice({ kind: 'error', text: problemText(problem) });
  }

  async function end(session: PortalSession) {
    setBusy(session.id);
    const result = await changeAccount('endSession', { id: session.id });
    setBusy(null);
    if (result.ok || result.problem.code === 'not_found') {
      sessions.set((sessions.value ?? []).filter((s) => s.id !== session.id));
      setNotice({
        kind: 'success',
        text: session.browser
          ? ot('options_sessionEndedNamed', { browser: session.browser })
          : ot('options_sessionEnded'),
      });
      headingRef.current?.focus();
    } else fail(result.problem);
  }

  async function endOthers() {
    setConfirmAll(false);
    setBusy('others');
    const result = await changeAccount('endOtherSessions', {});
    setBusy(null);
    if (result.ok) {
      setNotice({ kind: 'success', text: ot('options_otherSessionsEnded') });
      await sessions.reload();
      headingRef.current?.focus();
    } else fail(result.problem);
  }

  return (
    <Section id="sessions" title={ot('options_sessionsTitle')} intro={ot('options_sessionsIntro')}>
      <StatusLine notice={notice} />
      <div class="card">
        <h3 ref={headingRef} tabIndex={-1}>
          {ot('options_sessionsActive')}
        </h3>
        <LoadState
          loaded={sessions}
          loadingText={ot('options_sessionsLoading')}
          failedText={ot('options_sessionsLoadFailed')}
        >
          {(list) =>
            list.length === 0 ? (
              <p class="muted empty">{ot('options_sessionsEmpty')}</p>
            ) : (
              <>
                <ul class="session-list" data-testid="sessions">
                  {list.map((session) => (
                    <li
                      key={session.id}
                      class="session"
                      data-session-id={session.id}
                      data-current={session.current}
                    >
                      <div>
                        <p class="session-name">
                          {session.browser ?? ot('options_unknownBrowser')}
                          {session.current ? (
                            <span class="badge badge-on">{ot('options_thisBrowser')}</span>
                          ) : null}
                        </p>
                        {/* Each row says what tells it apart from the others. */}
                        <dl class="session-facts">
                          {session.os ? (
                            <div>
                              <dt>{ot('options_sessionSystem')}</dt>
                              <dd>{session.os}</dd>
                            </div>
                          ) : null}
                          <div>
                            <dt>{ot('options_sessionAddress')}</dt>
                            <dd dir="ltr">{session.ipAddress ?? ot('options_sessionUnknownAddress')}</dd>
                          </div>
                          <div>
                            <dt>{ot('options_sessionSignedIn')}</dt>
                            <dd>{formatDate(session.createdAt, true)}</dd>
                          </div>
                          <div>
                            <dt>{ot('options_sessionLastActive')}</dt>
                            <dd>{formatDate(session.lastSeenAt, true)}</dd>
                          </div>
                        </dl>
                      </div>
                      {session.current ? null : (
                        <button
                          type="button"
                          class="secondary small"
                          disabled={busy !== null}
                          onClick={() => void end(session)}
                        >
                          <span aria-hidden="true">
                            {busy === session.id ? ot('options_signingOut') : ot('options_signOut')}
                          </span>
                          <span class="visually-hidden">
                            {busy === session.id
                              ? ot('options_signingOut')
                              : session.browser
                                ? ot('options_signOutNamed', { browser: session.browser })
                                : ot('options_signOutThisSession')}
                          </span>
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
                {list.some((session) => !session.current) ? (
                  <div class="actions">
                    <button
                      type="button"
                      class="danger"
                      disabled={busy !== null}
                      onClick={() => setConfirmAll(true)}
                    >
                      {busy === 'others' ? ot('options_signingOut') : ot('options_signOutAllOthers')}
                    </button>
                  </div>
                ) : null}
              </>
            )
          }
        </LoadState>
      </div>
      <ConfirmDialog
        open={confirmAll}
        title={ot('options_signOutOthersConfirmTitle')}
        body={ot('options_signOutOthersConfirmBody')}
        confirmLabel={ot('options_signOutOthersConfirm')}
        danger
        onCancel={() => setConfirmAll(false)}
        onConfirm={() => void endOthers()}
      />
    </Section>
  );
}
