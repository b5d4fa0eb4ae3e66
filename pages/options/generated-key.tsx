/**
 * The result of generating an SSH key pair in the browser: the fingerprint,
 * the downloads again, and — for the private key — where the file goes and
 * the exact command that makes it private (ssh refuses a private key others
 * can read), with a copy button.
 */
import type { Ref } from 'preact';
import { ot } from './i18n.ts';
import { CopyButton, downloadText } from './ui.tsx';

/** The command that makes the downloaded private key readable by its owner only. */
export const CHMOD_COMMAND = 'chmod 600 ~/.ssh/id_ed25519';

/** A key pair made in this browser; `privateKey` is dropped once it is no longer offered. */
export interface Generated {
  name: string;
  publicKey: string;
  privateKey: string | null;
  fingerprint: string;
  uploaded: boolean;
}

export function GeneratedKeyResult({
  generated,
  busy,
  focusRef,
  onUploadAgain,
  onDone,
}: {
  generated: Generated;
  busy: boolean;
  /** Receives focus after an upload, so the outcome is read out. */
  focusRef: Ref<HTMLDivElement>;
  onUploadAgain(): void;
  onDone(): void;
}) {
  return (
    <div class="generated" ref={focusRef} tabIndex={-1} data-testid="generated">
      <p>{generated.uploaded ? ot('options_sshGeneratedAdded') : ot('options_sshGeneratedReady')}</p>
      <p>
        {ot('options_sshFingerprintLabel')}{' '}
        <code data-testid="generated-fingerprint">{generated.fingerprint}</code>{' '}
        <CopyButton text={generated.fingerprint} label={ot('options_copyFingerprint')} />
      </p>
      {/* The private key was downloaded when the pair was made: where it goes, and how to protect it. */}
      <div class="key-file-steps" data-testid="private-key-steps">
        <p>{ot('options_sshMoveAndProtect')}</p>
        <p class="command">
          <code data-testid="chmod-command">{CHMOD_COMMAND}</code>{' '}
          <CopyButton text={CHMOD_COMMAND} label={ot('options_copyCommand')} />
        </p>
      </div>
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
            {ot('options_sshDownloadPrivateAgain')}
          </button>
        ) : null}
        <button
          type="button"
          class="secondary"
          onClick={() => downloadText('id_ed25519.pub', `${generated.publicKey}\n`)}
        >
          {ot('options_sshDownloadPublic')}
        </button>
        {!generated.uploaded ? (
          <button type="button" disabled={busy} onClick={onUploadAgain}>
            {ot('options_sshUploadAgain')}
          </button>
        ) : null}
        <button type="button" class="secondary" onClick={onDone} title={ot('options_sshDoneTitle')}>
          {ot('options_done')}
        </button>
      </div>
    </div>
  );
}
