/**
 * Passkeys and security keys (issue 12): the list (name, kind, synced or
 * device-bound, added, last used), rename, remove (step-up, B11, through the
 * background like the other changes) and Add.
 *
 * Add: a WebAuthn credential belongs to the portal's origin, so the browser
 * creates it on a portal page, not here. The background asks the portal for a
 * single-use page (after a step-up where the account has a factor); this
 * page opens it in a tab, watches the list until the new passkey appears,
 * then closes that tab and comes back by itself. Closing the tab first is
 * "not added", and the page says so.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { Passkey, PasskeyRegistration, PasskeysResponse } from '../../contract/schemas.ts';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { callAccount, changeAccount } from './account-client.ts';
import { formatDate, ot, problemText } from './i18n.ts';
import { errorAttributes, FieldError, LoadState, type Notice, StatusLine, useLoad } from './ui.tsx';

/** How often the list is read while the portal tab is open, ms. */
const WATCH_INTERVAL_MS = 1000;
/** Longest wait for the portal tab (its ceremony lasts at most 5 minutes), ms. */
const WATCH_LIMIT_MS = 6 * 60 * 1000;

function kindText(passkey: Passkey): string | null {
  if (passkey.kind === 'platform') return ot('options_passkeyKindPlatform');
  if (passkey.kind === 'roaming') return ot('options_passkeyKindRoaming');
  return null;
}

function syncText(passkey: Passkey): string {
  if (passkey.synced) return ot('options_passkeySynced');
  return passkey.syncable ? ot('options_passkeySyncable') : ot('options_passkeyDeviceBound');
}

/** Waits for a passkey not in `known` to appear, or for the tab to close. */
async function watchForNewPasskey(tabId: number, known: Set<string>): Promise<Passkey | null> {
  let closed = false;
  const onRemoved = (removed: number) => {
    if (removed === tabId) closed = true;
  };
  browser.tabs.onRemoved.addListener(onRemoved);
  try {
    const started = Date.now();
    while (Date.now() - started < WATCH_LIMIT_MS) {
      const list = await callAccount('listPasskeys', {}).catch(() => null);
      const added = list?.passkeys.find((p) => !known.has(p.id));
      if (added) return added;
      if (closed) return null;
      await new Promise((resolve) => setTimeout(resolve, WATCH_INTERVAL_MS));
    }
    return null;
  } finally {
    browser.tabs.onRemoved.removeListener(onRemoved);
  }
}

/** A confirmation the MFA section shows in its one dialog (the dialog's ids are fixed). */
export interface ConfirmRequest {
  title: string;
  body: string;
  label: string;
  run(): void;
}

export function PasskeysCard({
  onProblem,
  confirm,
}: {
  onProblem(problem: AccountProblem): void;
  confirm(request: ConfirmRequest): void;
}) {
  const list = useLoad(() => callAccount('listPasskeys', {}), onProblem);
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);

  function fail(problem: AccountProblem) {
    if (problem.code === 'signed_out') onProblem(problem);
    setNotice({ kind: 'error', text: problemText(problem) });
  }

  async function add(current: PasskeysResponse) {
    setBusy('add');
    setNotice({ kind: 'info', text: ot('options_passkeyAddWaiting') });
    const result = await changeAccount<'startPasskeyRegistration', PasskeyRegistration>(
      'startPasskeyRegistration',
      {},
    );
    if (!result.ok) {
      setBusy(null);
      fail(result.problem);
      return;
    }
    const own = await browser.tabs.getCurrent().catch(() => undefined);
    const tab = await browser.tabs.create({ url: result.value.url, active: true });
    const added =
      tab.id === undefined
        ? null
        : await watchForNewPasskey(tab.id, new Set(current.passkeys.map((p) => p.id)));
    if (added && tab.id !== undefined) await browser.tabs.remove(tab.id).catch(() => undefined);
    if (own?.id !== undefined) await browser.tabs.update(own.id, { active: true }).catch(() => undefined);
    setBusy(null);
    setNotice(
      added
        ? { kind: 'success', text: ot('options_passkeyAdded', { name: added.name }) }
        : { kind: 'error', text: ot('options_passkeyAddGaveUp') },
    );
    await list.reload();
  }

  async function remove(passkey: Passkey) {
    setBusy(`remove:${passkey.id}`);
    const result = await changeAccount('deletePasskey', { id: passkey.id });
    setBusy(null);
    if (result.ok) {
      setNotice({ kind: 'success', text: ot('options_passkeyRemoved') });
      await list.reload();
    } else fail(result.problem);
  }

  return (
    <div class="card" data-testid="passkeys">
      <h3>{ot('options_passkeysTitle')}</h3>
      <p class="muted">{ot('options_passkeysIntro')}</p>
      <StatusLine notice={notice} id="passkeys-status" />
      <LoadState
        loaded={list}
        loadingText={ot('options_passkeysLoading')}
        failedText={ot('options_passkeysLoadFailed')}
      >
        {(current) =>
          !current.allowed && current.passkeys.length === 0 ? (
            <p class="muted" data-testid="passkeys-off">
              {ot('options_passkeysNotAllowed')}
            </p>
          ) : (
            <>
              {current.passkeys.length === 0 ? (
                <p class="muted" data-testid="passkeys-empty">
                  {ot('options_passkeysEmpty')}
                </p>
              ) : (
                <ul class="passkeys" aria-label={ot('options_passkeysTitle')}>
                  {current.passkeys.map((passkey) => (
                    <li key={passkey.id} data-testid="passkey" data-passkey-id={passkey.id}>
                      {renaming === passkey.id ? (
                        <RenameForm
                          passkey={passkey}
                          onDone={async (renamed) => {
                            setRenaming(null);
                            if (renamed) {
                              setNotice({
                                kind: 'success',
                                text: ot('options_passkeyRenamed', { name: renamed.name }),
                              });
                              await list.reload();
                            }
                          }}
                          onProblem={fail}
                        />
                      ) : (
                        <>
                          <strong class="passkey-name">{passkey.name}</strong>
                          <p class="muted passkey-facts">
                            {[
                              kindText(passkey),
                              syncText(passkey),
                              ot('options_passkeyAddedOn', { date: formatDate(passkey.createdAt) }),
                              passkey.lastUsedAt
                                ? ot('options_passkeyLastUsed', {
                                    date: formatDate(passkey.lastUsedAt, true),
                                  })
                                : ot('options_passkeyNeverUsed'),
                            ]
                              .filter(Boolean)
                              .join(' · ')}
                          </p>
                          <div class="actions">
                            <button
                              type="button"
                              class="secondary"
                              disabled={busy !== null}
                              aria-label={`${ot('options_passkeyRename')}: ${passkey.name}`}
                              onClick={() => setRenaming(passkey.id)}
                            >
                              {ot('options_passkeyRename')}
                            </button>
                            <button
                              type="button"
                              class="danger"
                              disabled={busy !== null}
                              aria-label={`${ot('options_passkeyRemove')}: ${passkey.name}`}
                              onClick={() =>
                                confirm({
                                  title: ot('options_passkeyRemoveTitle'),
                                  body: ot('options_passkeyRemoveBody', { name: passkey.name }),
                                  label: ot('options_passkeyRemove'),
                                  run: () => void remove(passkey),
                                })
                              }
                            >
                              {ot('options_passkeyRemove')}
                            </button>
                          </div>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {current.passkeys.length >= current.limit ? (
                <p class="muted">{ot('options_passkeyLimit', { count: current.limit })}</p>
              ) : current.allowed ? (
                <div class="actions">
                  <button
                    type="button"
                    data-testid="passkey-add"
                    disabled={busy !== null}
                    onClick={() => void add(current)}
                  >
                    {ot('options_passkeyAdd')}
                  </button>
                </div>
              ) : null}
            </>
          )
        }
      </LoadState>
    </div>
  );
}

function RenameForm({
  passkey,
  onDone,
  onProblem,
}: {
  passkey: Passkey;
  onDone(renamed: Passkey | null): Promise<void>;
  onProblem(problem: AccountProblem): void;
}) {
  const [name, setName] = useState(passkey.name);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const fieldId = `passkey-name-${passkey.id.slice(0, 12)}`;

  async function save(event: Event) {
    event.preventDefault();
    const clean = name.replace(/\s+/g, ' ').trim();
    if (!clean || clean.length > 64) {
      setError(ot('options_passkeyNameRequired'));
      input.current?.focus();
      return;
    }
    setBusy(true);
    const result = await changeAccount<'renamePasskey', Passkey>('renamePasskey', {
      id: passkey.id,
      name: clean,
    });
    setBusy(false);
    if (result.ok) await onDone(result.value);
    else onProblem(result.problem);
  }

  return (
    <form class="form" onSubmit={save} noValidate>
      <label for={fieldId}>{ot('options_passkeyRenameLabel')}</label>
      <input
        id={fieldId}
        ref={input}
        maxLength={64}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
        {...errorAttributes(`${fieldId}-error`, error)}
      />
      <FieldError id={`${fieldId}-error`} message={error} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {ot('options_passkeySave')}
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => void onDone(null)}>
          {ot('options_cancel')}
        </button>
      </div>
    </form>
  );
}
