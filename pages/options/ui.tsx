/**
 * Small building blocks of the security centre: status lines announced to
 * screen readers, field errors tied to their inputs, loading / error / empty
 * states, a confirm dialog, and local file downloads.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { AccountProblem } from '../../utils/account/errors.ts';
import { problemOf } from './account-client.ts';
import { ot, problemText } from './i18n.ts';

/** A message shown after an action. */
export type Notice = { kind: 'success' | 'error' | 'info'; text: string } | null;

/**
 * The section's live region: polite for progress and success, assertive
 * (`role="alert"`) for failures.
 */
export function StatusLine({ notice, id }: { notice: Notice; id?: string }) {
  return (
    <div id={id} class="status-slot" aria-live="polite">
      {notice ? (
        <p
          class={`notice notice-${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="notice"
        >
          {notice.text}
        </p>
      ) : null}
    </div>
  );
}

/** The message under an input; the input points at it with `aria-describedby`. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} class="field-error" data-testid={`error-${id}`}>
      {message}
    </p>
  );
}

/**
 * The attributes tying an input to its `<FieldError id={errorId}>`: invalid
 * and described by the error while there is one, and always described by
 * `hintId` when given.
 */
export function errorAttributes(
  errorId: string,
  message: string | undefined,
  hintId?: string,
): { 'aria-invalid': 'true' | undefined; 'aria-describedby': string | undefined } {
  const describedBy = [hintId, message ? errorId : undefined].filter(Boolean).join(' ');
  return { 'aria-invalid': message ? 'true' : undefined, 'aria-describedby': describedBy || undefined };
}

/** The state of a read: loading, failed (with retry), or its value. */
export interface Loaded<T> {
  value: T | null;
  problem: AccountProblem | null;
  loading: boolean;
  reload(): Promise<void>;
  set(value: T): void;
}

/** Loads once on mount; `reload` loads again. Errors become problems, never console noise. */
export function useLoad<T>(load: () => Promise<T>, onProblem?: (problem: AccountProblem) => void): Loaded<T> {
  const [value, setValue] = useState<T | null>(null);
  const [problem, setProblem] = useState<AccountProblem | null>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const problemRef = useRef(onProblem);
  problemRef.current = onProblem;
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setValue(await loadRef.current());
      setProblem(null);
    } catch (error) {
      const next = problemOf(error);
      setProblem(next);
      problemRef.current?.(next);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { value, problem, loading, reload, set: setValue };
}

/**
 * Loading, failure with "Try again", or the content. `loadingText` and
 * `failedText` are whole sentences (each language words "Loading your SSH
 * keys" its own way); the reason follows as its own sentence.
 */
export function LoadState<T>({
  loaded,
  loadingText,
  failedText,
  children,
}: {
  loaded: Loaded<T>;
  loadingText: string;
  failedText: string;
  children: (value: T) => ComponentChildren;
}) {
  if (loaded.value === null && loaded.loading) {
    return (
      <p class="muted" role="status" aria-busy="true">
        {loadingText}
      </p>
    );
  }
  if (loaded.value === null) {
    return (
      <div class="load-error" role="alert">
        <p>{failedText}</p>
        {loaded.problem ? <p>{problemText(loaded.problem)}</p> : null}
        <button type="button" class="secondary" onClick={() => void loaded.reload()}>
          {ot('options_tryAgain')}
        </button>
      </div>
    );
  }
  return <>{children(loaded.value)}</>;
}

/** The section frame: a heading (focus target after navigation) and its content. */
export function Section({
  id,
  title,
  intro,
  children,
}: {
  id: string;
  title: string;
  intro?: string;
  children: ComponentChildren;
}) {
  return (
    <section class="section" aria-labelledby={`${id}-title`} data-section={id}>
      <h2 id={`${id}-title`} tabIndex={-1}>
        {title}
      </h2>
      {intro ? <p class="muted intro">{intro}</p> : null}
      {children}
    </section>
  );
}

/**
 * A modal confirmation (`<dialog>`: focus moves in, Escape cancels, focus
 * returns to the opener when it closes).
 */
export function ConfirmDialog({
  open,
  title,
  body,
  confirmLabel,
  danger,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h3 id="confirm-title">{title}</h3>
      <p id="confirm-body">{body}</p>
      <div class="actions">
        <button type="button" class="secondary" onClick={onCancel}>
          {ot('options_cancel')}
        </button>
        <button type="button" class={danger ? 'danger' : ''} onClick={onConfirm} data-testid="confirm">
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/**
 * Offers text as a file download, made on this machine from a Blob (the
 * content goes nowhere else: A13 for private keys, recovery codes too).
 */
export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke after the browser has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies text; resolves false when the clipboard is not available. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** A copy button that says "Copied" for a moment, announced politely. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      class="secondary small"
      aria-label={label}
      onClick={async () => {
        setState((await copyText(text)) ? 'copied' : 'failed');
        setTimeout(() => setState('idle'), 2000);
      }}
    >
      <span aria-live="polite">
        {state === 'copied'
          ? ot('options_copied')
          : state === 'failed'
            ? ot('options_copyFailed')
            : ot('options_copy')}
      </span>
    </button>
  );
}

/** A small padlock drawn inline (no emoji font needed), hidden from screen readers: the text says it. */
export function LockIcon() {
  return (
    <svg class="lock-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4Zm2 0h4V5a2 2 0 1 0-4 0v2Z"
      />
    </svg>
  );
}
