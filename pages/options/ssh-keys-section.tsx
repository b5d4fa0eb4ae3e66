/**
 * SSH keys: the keys on the account (name, type, SHA256 fingerprint, date),
 * adding one by pasting its public key, removing one (step-up, confirmed),
 * and generating an Ed25519 key pair in the browser (A13): both files are
 * downloaded on this machine and only the public key line is uploaded.
 */
import { useRef, useState } from 'preact/hooks';
import type { SshKey } from '../../contract/schemas.ts';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { containsPrivateKey } from '../../utils/account/private-key.ts';
import { SshKeyError } from '../../utils/ssh/errors.ts';
import { generateOpenSshKeyPair } from '../../utils/ssh/generate-key-pair.ts';
import { callAccount, changeAccount } from './account-client.ts';
import { type Generated, GeneratedKeyResult } from './generated-key.tsx';
import { fieldText, formatDate, ot, problemText } from './i18n.ts';
import {
  ConfirmDialog,
  downloadText,
  errorAttributes,
  FieldError,
  LoadState,
  type Notice,
  Section,
  StatusLine,
  useLoad,
} from './ui.tsx';

const TYPE_LABELS: Record<SshKey['type'], string> = {
  'ssh-ed25519': 'Ed25519',
  'ecdsa-sha2-nistp256': 'ECDSA P-256',
  'ecdsa-sha2-nistp384': 'ECDSA P-384',
  'ssh-rsa': 'RSA',
};

export function SshKeysSection({ onProblem }: { onProblem(problem: AccountProblem): void }) {
  const keys = useLoad(async () => (await callAccount('listSshKeys', {})).keys, onProblem);
  const [notice, setNotice] = useState<Notice>(null);
  const [removing, setRemoving] = useState<SshKey | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  function report(problem: AccountProblem) {
    if (problem.code === 'signed_out') onProblem(problem);
    setNotice({ kind: 'error', text: problemText(problem) });
  }

  function added(key: SshKey) {
    keys.set([...(keys.value ?? []).filter((k) => k.id !== key.id), key]);
    setNotice({
      kind: 'success',
      text: ot('options_sshAdded', { name: key.name, fingerprint: key.fingerprint }),
    });
  }

  async function remove(key: SshKey) {
    setRemoving(null);
    setBusyId(key.id);
    setNotice({ kind: 'info', text: ot('options_sshRemoving', { name: key.name }) });
    const result = await changeAccount('deleteSshKey', { id: key.id });
    setBusyId(null);
    if (result.ok) {
      keys.set((keys.value ?? []).filter((k) => k.id !== key.id));
      setNotice({ kind: 'success', text: ot('options_sshRemoved', { name: key.name }) });
      headingRef.current?.focus();
    } else {
      report(result.problem);
    }
  }

  return (
    <Section id="ssh-keys" title={ot('options_sshTitle')} intro={ot('options_sshIntro')}>
      <StatusLine notice={notice} />
      <div class="card">
        <h3 ref={headingRef} tabIndex={-1}>
          {ot('options_sshYourKeys')}
        </h3>
        <LoadState
          loaded={keys}
          loadingText={ot('options_sshLoading')}
          failedText={ot('options_sshLoadFailed')}
        >
          {(list) =>
            list.length === 0 ? (
              <p class="muted empty" data-testid="ssh-empty">
                {ot('options_sshEmpty')}
              </p>
            ) : (
              <table class="table" data-testid="ssh-keys">
                <thead>
                  <tr>
                    <th scope="col">{ot('options_sshColName')}</th>
                    <th scope="col">{ot('options_sshColType')}</th>
                    <th scope="col">{ot('options_sshColFingerprint')}</th>
                    <th scope="col">{ot('options_sshColAdded')}</th>
                    <th scope="col">
                      <span class="visually-hidden">{ot('options_sshColActions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((key) => (
                    <tr key={key.id} data-key-id={key.id}>
                      <td>{key.name}</td>
                      <td>
                        {TYPE_LABELS[key.type]}
                        {key.type === 'ssh-rsa' ? ` ${key.bits}` : ''}
                      </td>
                      <td>
                        <code class="fingerprint">{key.fingerprint}</code>
                      </td>
                      <td class="nowrap">{formatDate(key.createdAt)}</td>
                      <td>
                        <button
                          type="button"
                          class="secondary small"
                          disabled={busyId === key.id}
                          onClick={() => setRemoving(key)}
                        >
                          <span aria-hidden="true">
                            {busyId === key.id ? ot('options_removing') : ot('options_remove')}
                          </span>
                          <span class="visually-hidden">
                            {busyId === key.id
                              ? ot('options_removing')
                              : ot('options_sshRemoveNamed', { name: key.name })}
                          </span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </LoadState>
      </div>
      <AddKeyForm onAdded={added} onProblem={report} setNotice={setNotice} />
      <GenerateKeyForm onAdded={added} onProblem={report} setNotice={setNotice} />
      <ConfirmDialog
        open={removing !== null}
        title={ot('options_sshRemoveConfirmTitle')}
        body={
          removing
            ? ot('options_sshRemoveConfirmBody', { name: removing.name, fingerprint: removing.fingerprint })
            : ''
        }
        confirmLabel={ot('options_sshRemoveConfirm')}
        danger
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && void remove(removing)}
      />
    </Section>
  );
}

interface FormProps {
  onAdded(key: SshKey): void;
  onProblem(problem: AccountProblem): void;
  setNotice(notice: Notice): void;
}

function AddKeyForm({ onAdded, onProblem, setNotice }: FormProps) {
  const [name, setName] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const keyRef = useRef<HTMLTextAreaElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (!name.trim()) next.name = ot('options_sshNameMissing');
    // A13: a private key never leaves this page, not even to the background.
    if (containsPrivateKey(publicKey)) next.publicKey = ot('options_sshPrivateKeyPasted');
    else if (!publicKey.trim()) next.publicKey = ot('options_sshPublicKeyMissing');
    setErrors(next);
    if (next.name) return nameRef.current?.focus();
    if (next.publicKey) return keyRef.current?.focus();
    setBusy(true);
    setNotice({ kind: 'info', text: ot('options_sshAdding') });
    const result = await changeAccount<'addSshKey', SshKey>('addSshKey', {
      name: name.trim(),
      publicKey: publicKey.trim(),
    });
    setBusy(false);
    if (result.ok) {
      setName('');
      setPublicKey('');
      onAdded(result.value);
      return;
    }
    const fieldMessage = result.problem.fields?.publicKey ?? result.problem.fields?.name;
    if (result.problem.code.startsWith('ssh_key_') || fieldMessage) {
      setErrors({
        ...(result.problem.fields?.name ? { name: fieldText(result.problem, 'name') } : {}),
        publicKey: fieldText(result.problem, 'publicKey'),
      });
      // The reason is under the field; the status line says what happened and where to look.
      setNotice({ kind: 'error', text: ot('options_sshNotAdded') });
      keyRef.current?.focus();
    } else {
      onProblem(result.problem);
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate data-testid="add-key-form">
      <h3>{ot('options_sshAddTitle')}</h3>
      <label for="ssh-name">{ot('options_sshName')}</label>
      <input
        id="ssh-name"
        ref={nameRef}
        value={name}
        maxLength={100}
        onInput={(e) => setName(e.currentTarget.value)}
        {...errorAttributes('ssh-name-error', errors.name)}
        placeholder={ot('options_sshNamePlaceholder')}
      />
      <FieldError id="ssh-name-error" message={errors.name} />
      <label for="ssh-public-key">{ot('options_sshPublicKey')}</label>
      <textarea
        id="ssh-public-key"
        ref={keyRef}
        rows={4}
        value={publicKey}
        spellcheck={false}
        onInput={(e) => setPublicKey(e.currentTarget.value)}
        {...errorAttributes('ssh-public-key-error', errors.publicKey, 'ssh-public-key-hint')}
        placeholder="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… you@laptop"
      />
      <p id="ssh-public-key-hint" class="hint">
        {ot('options_sshPublicKeyHint')}
      </p>
      <FieldError id="ssh-public-key-error" message={errors.publicKey} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? ot('options_adding') : ot('options_sshAddButton')}
        </button>
      </div>
    </form>
  );
}

function GenerateKeyForm({ onAdded, onProblem, setNotice }: FormProps) {
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [phase, setPhase] = useState<'idle' | 'generating' | 'uploading'>('idle');
  const [generated, setGenerated] = useState<Generated | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  async function upload(pair: Generated) {
    setPhase('uploading');
    setNotice({ kind: 'info', text: ot('options_sshUploading') });
    // A13: only the public key line goes to the portal.
    const result = await changeAccount<'addSshKey', SshKey>('addSshKey', {
      name: pair.name,
      publicKey: pair.publicKey,
    });
    setPhase('idle');
    if (result.ok) {
      setGenerated({ ...pair, uploaded: true });
      onAdded(result.value);
    } else {
      setGenerated({ ...pair, uploaded: false });
      if (result.problem.code === 'signed_out') onProblem(result.problem);
      // The pair exists (and is downloaded) even though the upload failed: say both, as two sentences.
      setNotice({
        kind: 'error',
        text: `${ot('options_sshGeneratedNotUploaded')} ${problemText(result.problem)}`,
      });
    }
    resultRef.current?.focus();
  }

  async function submit(event: Event) {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (!name.trim()) next.name = ot('options_sshNameMissing');
    if (passphrase !== confirm) next.confirm = ot('options_passphraseMismatch');
    setErrors(next);
    if (Object.keys(next).length > 0) {
      document.getElementById(next.name ? 'gen-name' : 'gen-confirm')?.focus();
      return;
    }
    setPhase('generating');
    setNotice({
      kind: 'info',
      text: passphrase ? ot('options_sshGeneratingEncrypted') : ot('options_sshGenerating'),
    });
    try {
      const pair = await generateOpenSshKeyPair({ comment: name.trim(), passphrase });
      setPassphrase('');
      setConfirm('');
      downloadText('id_ed25519', `${pair.privateKey}`, 'application/octet-stream');
      downloadText('id_ed25519.pub', `${pair.publicKey}\n`);
      const kept: Generated = {
        name: name.trim(),
        publicKey: pair.publicKey,
        privateKey: pair.privateKey,
        fingerprint: pair.fingerprint,
        uploaded: false,
      };
      setGenerated(kept);
      setName('');
      await upload(kept);
    } catch (error) {
      setPhase('idle');
      const message =
        error instanceof SshKeyError && error.code === 'invalid_comment'
          ? ot('options_sshInvalidName')
          : ot('options_sshGenerateFailed');
      if (error instanceof SshKeyError && error.code === 'invalid_comment') setErrors({ name: message });
      setNotice({ kind: 'error', text: message });
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate data-testid="generate-key-form">
      <h3>{ot('options_sshGenerateTitle')}</h3>
      <p class="muted">{ot('options_sshGenerateExplain')}</p>
      <label for="gen-name">{ot('options_sshName')}</label>
      <input
        id="gen-name"
        value={name}
        maxLength={100}
        onInput={(e) => setName(e.currentTarget.value)}
        {...errorAttributes('gen-name-error', errors.name)}
        placeholder={ot('options_sshNamePlaceholder')}
      />
      <FieldError id="gen-name-error" message={errors.name} />
      <label for="gen-passphrase">{ot('options_passphrase')}</label>
      <input
        id="gen-passphrase"
        type="password"
        autoComplete="new-password"
        value={passphrase}
        onInput={(e) => setPassphrase(e.currentTarget.value)}
        aria-describedby="gen-passphrase-hint"
      />
      <p id="gen-passphrase-hint" class="hint">
        {ot('options_passphraseHint')}
      </p>
      <label for="gen-confirm">{ot('options_passphraseConfirm')}</label>
      <input
        id="gen-confirm"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onInput={(e) => setConfirm(e.currentTarget.value)}
        {...errorAttributes('gen-confirm-error', errors.confirm)}
      />
      <FieldError id="gen-confirm-error" message={errors.confirm} />
      <div class="actions">
        <button type="submit" disabled={phase !== 'idle'} aria-busy={phase !== 'idle'}>
          {phase === 'generating'
            ? ot('options_generating')
            : phase === 'uploading'
              ? ot('options_uploading')
              : ot('options_sshGenerateButton')}
        </button>
      </div>
      {generated ? (
        <GeneratedKeyResult
          focusRef={resultRef}
          generated={generated}
          busy={phase !== 'idle'}
          onUploadAgain={() => void upload(generated)}
          onDone={() => setGenerated(null)}
        />
      ) : null}
    </form>
  );
}
