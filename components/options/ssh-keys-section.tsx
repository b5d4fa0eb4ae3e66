/**
 * SSH keys: the keys on the account (name, type, SHA256 fingerprint, date),
 * adding one by pasting its public key, removing one (step-up, confirmed),
 * and generating an Ed25519 key pair in the browser (A13): both files are
 * downloaded on this machine and only the public key line is uploaded.
 */
import { useRef, useState } from 'preact/hooks';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { containsPrivateKey, PRIVATE_KEY_MESSAGE } from '../../utils/account/private-key.ts';
import type { SshKey } from '../../utils/portal/schemas.ts';
import { SshKeyError } from '../../utils/ssh/errors.ts';
import { generateOpenSshKeyPair } from '../../utils/ssh/generate-key-pair.ts';
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

const TYPE_LABELS: Record<SshKey['type'], string> = {
  'ssh-ed25519': 'Ed25519',
  'ecdsa-sha2-nistp256': 'ECDSA P-256',
  'ecdsa-sha2-nistp384': 'ECDSA P-384',
  'ssh-rsa': 'RSA',
};

/** What step-up–protected changes say while the verification tab is open. */
const VERIFY_HINT = 'If a portal tab opens, confirm it is you there; this page continues by itself.';

export function SshKeysSection({ onProblem }: { onProblem(problem: AccountProblem): void }) {
  const keys = useLoad(async () => (await callAccount('listSshKeys', {})).keys, onProblem);
  const [notice, setNotice] = useState<Notice>(null);
  const [removing, setRemoving] = useState<SshKey | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  function report(problem: AccountProblem) {
    if (problem.code === 'signed_out') onProblem(problem);
    setNotice({ kind: 'error', text: problem.message });
  }

  function added(key: SshKey) {
    keys.set([...(keys.value ?? []).filter((k) => k.id !== key.id), key]);
    setNotice({ kind: 'success', text: `Added “${key.name}” (${key.fingerprint}).` });
  }

  async function remove(key: SshKey) {
    setRemoving(null);
    setBusyId(key.id);
    setNotice({ kind: 'info', text: `Removing “${key.name}”… ${VERIFY_HINT}` });
    const result = await changeAccount('deleteSshKey', { id: key.id });
    setBusyId(null);
    if (result.ok) {
      keys.set((keys.value ?? []).filter((k) => k.id !== key.id));
      setNotice({ kind: 'success', text: `Removed “${key.name}”. It no longer opens anything.` });
      headingRef.current?.focus();
    } else {
      report(result.problem);
    }
  }

  return (
    <Section
      id="ssh-keys"
      title="SSH keys"
      intro="Public keys that let you sign in to company servers. Adding or removing a key asks you to confirm it is you."
    >
      <StatusLine notice={notice} />
      <div class="card">
        <h3 ref={headingRef} tabIndex={-1}>
          Your keys
        </h3>
        <LoadState loaded={keys} what="SSH keys">
          {(list) =>
            list.length === 0 ? (
              <p class="muted empty" data-testid="ssh-empty">
                You have no SSH keys yet. Add one below, or generate a new pair in the browser.
              </p>
            ) : (
              <table class="table" data-testid="ssh-keys">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Type</th>
                    <th scope="col">Fingerprint</th>
                    <th scope="col">Added</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
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
                      <td>{formatDate(key.createdAt)}</td>
                      <td>
                        <button
                          type="button"
                          class="secondary small"
                          disabled={busyId === key.id}
                          onClick={() => setRemoving(key)}
                        >
                          {busyId === key.id ? 'Removing…' : 'Remove'}
                          <span class="visually-hidden"> {key.name}</span>
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
        title="Remove this SSH key?"
        body={
          removing
            ? `“${removing.name}” (${removing.fingerprint}) will stop working on company servers. This cannot be undone.`
            : ''
        }
        confirmLabel="Remove key"
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
    if (!name.trim()) next.name = 'Give the key a name, for example “Work laptop”.';
    // A13: a private key never leaves this page, not even to the background.
    if (containsPrivateKey(publicKey)) next.publicKey = PRIVATE_KEY_MESSAGE;
    else if (!publicKey.trim()) next.publicKey = 'Paste the public key (the contents of the .pub file).';
    setErrors(next);
    if (next.name) return nameRef.current?.focus();
    if (next.publicKey) return keyRef.current?.focus();
    setBusy(true);
    setNotice({ kind: 'info', text: `Adding the key… ${VERIFY_HINT}` });
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
        ...(result.problem.fields?.name ? { name: result.problem.fields.name } : {}),
        publicKey: result.problem.fields?.publicKey ?? result.problem.message,
      });
      setNotice({
        kind: 'error',
        text: `The key was not added. ${result.problem.fields?.publicKey ?? result.problem.message}`,
      });
      keyRef.current?.focus();
    } else {
      onProblem(result.problem);
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate data-testid="add-key-form">
      <h3>Add a public key</h3>
      <label for="ssh-name">Name</label>
      <input
        id="ssh-name"
        ref={nameRef}
        value={name}
        maxLength={100}
        onInput={(e) => setName(e.currentTarget.value)}
        {...errorAttributes('ssh-name-error', errors.name)}
        placeholder="Work laptop"
      />
      <FieldError id="ssh-name-error" message={errors.name} />
      <label for="ssh-public-key">Public key</label>
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
        Paste the contents of your <code>.pub</code> file. Ed25519, ECDSA or RSA with at least 3072 bits.
        Never paste your private key.
      </p>
      <FieldError id="ssh-public-key-error" message={errors.publicKey} />
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add key'}
        </button>
      </div>
    </form>
  );
}

interface Generated {
  name: string;
  publicKey: string;
  privateKey: string | null;
  fingerprint: string;
  uploaded: boolean;
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
    setNotice({ kind: 'info', text: `Uploading the public key… ${VERIFY_HINT}` });
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
      onProblem({
        ...result.problem,
        message: `The key pair was made, but its public key was not added: ${result.problem.message}`,
      });
    }
    resultRef.current?.focus();
  }

  async function submit(event: Event) {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (!name.trim()) next.name = 'Give the key a name, for example “Work laptop”.';
    if (passphrase !== confirm)
      next.confirm = 'The passphrases do not match. Type the same passphrase twice.';
    setErrors(next);
    if (Object.keys(next).length > 0) {
      document.getElementById(next.name ? 'gen-name' : 'gen-confirm')?.focus();
      return;
    }
    setPhase('generating');
    setNotice({
      kind: 'info',
      text: passphrase
        ? 'Generating and encrypting your key pair (about a second)…'
        : 'Generating your key pair…',
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
        error instanceof SshKeyError ? error.message : 'The key pair could not be generated. Try again.';
      if (error instanceof SshKeyError && error.code === 'invalid_comment') setErrors({ name: message });
      setNotice({ kind: 'error', text: message });
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate data-testid="generate-key-form">
      <h3>Generate a new key pair</h3>
      <p class="muted">
        Made in this browser (Ed25519). The private key is saved to your Downloads as <code>id_ed25519</code>{' '}
        and never leaves this computer; only the public key is added to your account. Move the file to{' '}
        <code>~/.ssh/</code>.
      </p>
      <label for="gen-name">Name</label>
      <input
        id="gen-name"
        value={name}
        maxLength={100}
        onInput={(e) => setName(e.currentTarget.value)}
        {...errorAttributes('gen-name-error', errors.name)}
        placeholder="Work laptop"
      />
      <FieldError id="gen-name-error" message={errors.name} />
      <label for="gen-passphrase">
        Passphrase <span class="muted">(optional, recommended)</span>
      </label>
      <input
        id="gen-passphrase"
        type="password"
        autoComplete="new-password"
        value={passphrase}
        onInput={(e) => setPassphrase(e.currentTarget.value)}
        aria-describedby="gen-passphrase-hint"
      />
      <p id="gen-passphrase-hint" class="hint">
        Encrypts the private key file. You type it when you use the key.
      </p>
      <label for="gen-confirm">Confirm passphrase</label>
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
            ? 'Generating…'
            : phase === 'uploading'
              ? 'Uploading…'
              : 'Generate and download'}
        </button>
      </div>
      {generated ? (
        <div class="generated" ref={resultRef} tabIndex={-1} data-testid="generated">
          <p>
            {generated.uploaded
              ? 'Your new key is ready and added to your account.'
              : 'Your new key pair is ready.'}{' '}
            Fingerprint: <code data-testid="generated-fingerprint">{generated.fingerprint}</code>{' '}
            <CopyButton text={generated.fingerprint} label="Copy fingerprint" />
          </p>
          <div class="actions">
            {generated.privateKey ? (
              <button
                type="button"
                class="secondary"
                onClick={() =>
                  generated.privateKey &&
                  downloadText('id_ed25519', generated.privateKey, 'application/octet-stream')
                }
              >
                Download id_ed25519 again
              </button>
            ) : null}
            <button
              type="button"
              class="secondary"
              onClick={() => downloadText('id_ed25519.pub', `${generated.publicKey}\n`)}
            >
              Download id_ed25519.pub
            </button>
            {!generated.uploaded ? (
              <button type="button" disabled={phase !== 'idle'} onClick={() => void upload(generated)}>
                Add the public key again
              </button>
            ) : null}
            <button
              type="button"
              class="secondary"
              onClick={() => setGenerated(null)}
              title="Forget the private key on this page"
            >
              Done
            </button>
          </div>
        </div>
      ) : null}
    </form>
  );
}
