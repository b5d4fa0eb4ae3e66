/**
 * The portal address form: first run, and "Change portal address" while
 * signed out. Before anything is saved the background probes the address
 * (utils/portal/probe.ts), so the person reads what is wrong with it — not a
 * valid address, https required, did not answer, or answers but is not an
 * identity portal — instead of saving it and failing later.
 */
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../utils/i18n.ts';
import type { LauncherState, MessageResponse } from '../../utils/messaging.ts';
import { MessageError, sendMessage } from '../../utils/messaging-client.ts';
import { requestPortalHostPermission } from '../../utils/portal/address.ts';
import { localizedError } from './error-messages.ts';

/** An error as a sentence in the popup's language (the background's code mapped to `_locales`). */
export function errorText(error: unknown): string {
  if (error instanceof MessageError) return localizedError(error.code, error.message, error.params);
  return error instanceof Error && error.message ? error.message : t('genericError');
}

/** What a failed probe means, in the popup's language. */
export function probeText(probe: MessageResponse<'probePortal'>): string | null {
  switch (probe.code) {
    case 'ok':
      return null;
    case 'invalid_address':
      return t('errorInvalidPortalUrl');
    case 'https_required':
      return t('errorInsecurePortalUrl');
    case 'no_answer':
      return t('probeNoAnswer', probe.host);
    case 'unreadable':
      return t('errorPermissionDenied');
    default:
      return t('probeNotAPortal', probe.host);
  }
}

export interface PortalFormProps {
  /** The address saved now, to edit; null on first run. */
  current: string | null;
  onSaved(state: LauncherState): void;
  /** Present when there is an address to go back to. */
  onCancel?(): void;
}

export function PortalForm({ current, onSaved, onCancel }: PortalFormProps) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('portal') as HTMLInputElement;
    const portalUrl = input.value.trim();
    if (!portalUrl) {
      setProblem(t('errorInvalidPortalUrl'));
      return;
    }
    // Asked inside the click (a user gesture). Not awaited before the probe: a portal that allows the
    // extension origin (CORS) needs no permission, and the prompt may stay open for a while.
    const permission = requestPortalHostPermission(portalUrl, browser.permissions);
    setBusy(true);
    setProblem(null);
    try {
      let probe = await sendMessage(browser.runtime, 'probePortal', { portalUrl });
      // It answered, but only the host permission lets the background read it: once the person has
      // answered the browser's prompt (still open, or already answered), ask again.
      if (probe.code === 'unreadable' && (await permission))
        probe = await sendMessage(browser.runtime, 'probePortal', { portalUrl });
      const wrong = probeText(probe);
      if (wrong !== null || probe.code !== 'ok') {
        setProblem(wrong);
        input.focus();
        return;
      }
      onSaved(await sendMessage(browser.runtime, 'setPortalUrl', { portalUrl: probe.issuer }));
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="panel" onSubmit={(event) => void submit(event)} data-testid="first-run" noValidate>
      <h2>{t('firstRunTitle')}</h2>
      <label for="portal">{t('portalLabel')}</label>
      <input
        id="portal"
        name="portal"
        type="url"
        inputMode="url"
        required
        placeholder="https://portal.example.com"
        autoComplete="url"
        dir="ltr"
        defaultValue={current ?? undefined}
        aria-invalid={problem ? 'true' : undefined}
        aria-describedby={problem ? 'portal-hint portal-problem' : 'portal-hint'}
      />
      <p class="muted" id="portal-hint">
        {t('portalHint')}
      </p>
      {problem ? (
        <p class="status status-error" id="portal-problem" role="alert" data-testid="portal-problem">
          {problem}
        </p>
      ) : busy ? (
        <p class="muted" role="status">
          {t('probeChecking')}
        </p>
      ) : null}
      <div class="panel-actions">
        <button type="submit" disabled={busy} aria-busy={busy}>
          {t('continueButton')}
        </button>
        {onCancel ? (
          <button type="button" class="secondary" onClick={onCancel}>
            {t('cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
