/**
 * Sessions & devices: where the account is signed in to the portal
 * (browser, address, last seen; this browser marked), with "Sign out" per
 * session and "Sign out all other sessions". Ending a session also revokes
 * the refresh tokens it authorised (B4, B13), so the device stays out.
 */
import { useRef, useState } from 'preact/hooks';
import type { AccountProblem } from '../../utils/account/errors.ts';
import type { PortalSession } from '../../utils/portal/schemas.ts';
import { callAccount, changeAccount } from './account-client.ts';
import { ConfirmDialog, formatDate, LoadState, type Notice, Section, StatusLine, useLoad } from './ui.tsx';

export function SessionsSection({ onProblem }: { onProblem(problem: AccountProblem): void }) {
  const sessions = useLoad(async () => (await callAccount('listSessions', {})).sessions, onProblem);
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  function fail(problem: AccountProblem) {
    if (problem.code === 'signed_out') onProblem(problem);
    setNotice({ kind: 'error', text: problem.message });
  }

  async function end(session: PortalSession) {
    setBusy(session.id);
    const result = await changeAccount('endSession', { id: session.id });
    setBusy(null);
    if (result.ok || result.problem.code === 'not_found') {
      sessions.set((sessions.value ?? []).filter((s) => s.id !== session.id));
      setNotice({ kind: 'success', text: `${session.browser ?? 'That session'} was signed out.` });
      headingRef.current?.focus();
    } else fail(result.problem);
  }

  async function endOthers() {
    setConfirmAll(false);
    setBusy('others');
    const result = await changeAccount('endOtherSessions', {});
    setBusy(null);
    if (result.ok) {
      setNotice({
        kind: 'success',
        text: 'Every other session was signed out. This browser stays signed in.',
      });
      await sessions.reload();
      headingRef.current?.focus();
    } else fail(result.problem);
  }

  return (
    <Section
      id="sessions"
      title="Sessions & devices"
      intro="Browsers and devices signed in to your account. Sign out any you do not recognise, then change your password."
    >
      <StatusLine notice={notice} />
      <div class="card">
        <h3 ref={headingRef} tabIndex={-1}>
          Active sessions
        </h3>
        <LoadState loaded={sessions} what="sessions">
          {(list) =>
            list.length === 0 ? (
              <p class="muted empty">No active portal sessions.</p>
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
                          {session.browser ?? 'Unknown browser'}
                          {session.current ? <span class="badge badge-on">This browser</span> : null}
                        </p>
                        <p class="muted">
                          {session.ipAddress ? `${session.ipAddress} · ` : ''}Last active{' '}
                          {formatDate(session.lastSeenAt, true)} · Signed in{' '}
                          {formatDate(session.createdAt, true)}
                        </p>
                      </div>
                      {session.current ? null : (
                        <button
                          type="button"
                          class="secondary small"
                          disabled={busy !== null}
                          onClick={() => void end(session)}
                        >
                          {busy === session.id ? 'Signing out…' : 'Sign out'}
                          <span class="visually-hidden"> {session.browser ?? 'this session'}</span>
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
                      {busy === 'others' ? 'Signing out…' : 'Sign out all other sessions'}
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
        title="Sign out all other sessions?"
        body="Every other browser and device must sign in again. This browser stays signed in."
        confirmLabel="Sign out others"
        danger
        onCancel={() => setConfirmAll(false)}
        onConfirm={() => void endOthers()}
      />
    </Section>
  );
}
