/**
 * Sign-in requests waiting for this browser's answer (issue 13), on top of
 * the popup: what and where ("Sign-in to Payroll from Firefox on Windows,
 * 10:42", the address), three numbers to choose from, "Deny" and "This
 * wasn't me". The popup sends the decision and the number; the background
 * signs the answer with the device key (A15) and the portal alone knows
 * which number is right (B15), so a wrong one is a refusal the portal
 * reports back, not something this page could tell.
 *
 * The list comes from the background (`getPushPrompts`) when the popup
 * opens and whenever the background stores a new one (`storage.session`,
 * the key of utils/storage.ts's `pushPromptsItem`); an expired prompt goes
 * away by itself.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { PushDecision, PushPrompt } from '../../contract/push.ts';
import { t } from '../../utils/i18n.ts';
import { sendMessage } from '../../utils/messaging-client.ts';
import { promptSummary } from '../../utils/push/prompt-text.ts';
import { STORAGE_LOCATIONS } from '../../utils/storage-locations.ts';
import { localizedError } from './error-messages.ts';
import { errorText } from './portal-form.tsx';

type Outcome = { kind: 'info' | 'error'; text: string; reported?: boolean } | null;

const PROMPTS = STORAGE_LOCATIONS.pushPrompts;

/** The words for the portal's answer, or for the problem that kept it from answering. */
function outcomeOf(
  result: Awaited<ReturnType<typeof sendMessage<'answerPushPrompt'>>>,
): NonNullable<Outcome> {
  if (result.ok) {
    switch (result.outcome) {
      case 'approved':
        return { kind: 'info', text: t('pushApproved') };
      case 'denied':
        return { kind: 'info', text: t('pushDenied') };
      case 'reported':
        return { kind: 'info', text: t('pushReported'), reported: true };
      default:
        return { kind: 'error', text: t('pushWrongNumber') };
    }
  }
  const { code, message } = result.problem;
  if (code === 'push_prompt_gone') return { kind: 'error', text: t('pushGone') };
  if (code === 'push_signature_invalid') return { kind: 'error', text: t('pushNotApprover') };
  return { kind: 'error', text: t('pushFailed', localizedError(code, message)) };
}

export function PushPrompts({ onOpenPage }: { onOpenPage(path: string): void }) {
  const [prompts, setPrompts] = useState<PushPrompt[]>([]);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now);
  const firstHeading = useRef<HTMLHeadingElement>(null);
  const shownFirst = useRef<string | null>(null);

  const load = useCallback(async () => {
    try {
      setPrompts((await sendMessage(browser.runtime, 'getPushPrompts', {})).prompts);
      setNow(Date.now());
    } catch {
      // The background is restarting: the next stored list brings the prompts.
    }
  }, []);

  useEffect(() => {
    void load();
    const listener = (changes: Record<string, unknown>, area: string) => {
      if (area === PROMPTS.area && Object.hasOwn(changes, PROMPTS.key)) void load();
    };
    browser.storage.onChanged.addListener(listener);
    return () => browser.storage.onChanged.removeListener(listener);
  }, [load]);

  const open = prompts.filter((prompt) => Date.parse(prompt.expiresAt) > now);

  // Re-render when the next prompt expires, so it goes away without a new list.
  useEffect(() => {
    if (open.length === 0) return;
    const next = Math.min(...open.map((prompt) => Date.parse(prompt.expiresAt)));
    const timer = setTimeout(() => setNow(Date.now()), Math.max(next - Date.now(), 0) + 50);
    return () => clearTimeout(timer);
  }, [open]);

  // A new request takes the keyboard focus: it is what the person opened the popup for.
  useEffect(() => {
    const first = open[0]?.id ?? null;
    if (first && first !== shownFirst.current) firstHeading.current?.focus();
    shownFirst.current = first;
  }, [open]);

  async function answer(prompt: PushPrompt, decision: PushDecision, number: number | null) {
    setBusy(prompt.id);
    setOutcome({ kind: 'info', text: t('pushSending') });
    try {
      const result = await sendMessage(browser.runtime, 'answerPushPrompt', {
        id: prompt.id,
        decision,
        number,
      });
      setOutcome(outcomeOf(result));
      if (result.ok || result.problem.code === 'push_prompt_gone') {
        setPrompts((current) => current.filter((p) => p.id !== prompt.id));
      }
    } catch (error) {
      setOutcome({ kind: 'error', text: t('pushFailed', errorText(error)) });
    } finally {
      setBusy(null);
    }
  }

  if (open.length === 0 && !outcome) return null;
  return (
    <div class="push-prompts" data-testid="push-prompts">
      {outcome ? (
        <div
          class={`status status-${outcome.kind}`}
          role={outcome.kind === 'error' ? 'alert' : 'status'}
          data-testid="push-outcome"
        >
          <p class="push-outcome-text">{outcome.text}</p>
          {outcome.reported ? (
            <button type="button" class="secondary" onClick={() => onOpenPage('/options.html#password')}>
              {t('pushChangePassword')}
            </button>
          ) : null}
        </div>
      ) : null}
      {open.map((prompt, index) => {
        const headingId = `push-prompt-${index}`;
        return (
          <section
            key={prompt.id}
            class="panel push-prompt"
            aria-labelledby={headingId}
            data-testid="push-prompt"
            data-prompt-id={prompt.id}
          >
            <h2 id={headingId} ref={index === 0 ? firstHeading : undefined} tabIndex={-1}>
              {t('pushPromptTitle')}
            </h2>
            <p data-testid="push-prompt-what">{promptSummary(prompt)}</p>
            {prompt.ipAddress ? (
              <p class="muted">
                {/* An address reads left to right inside Arabic too (Unicode isolate, LRI … PDI). */}
                {t('pushPromptAddress', `\u2066${prompt.ipAddress}\u2069`)}
              </p>
            ) : null}
            <fieldset class="push-numbers">
              <legend>{t('pushPromptChoose')}</legend>
              {prompt.choices.map((number) => (
                <button
                  key={number}
                  type="button"
                  class="push-number"
                  data-number={number}
                  aria-label={t('pushPromptNumber', number)}
                  disabled={busy !== null}
                  onClick={() => void answer(prompt, 'approve', number)}
                >
                  {number}
                </button>
              ))}
            </fieldset>
            <div class="panel-actions">
              <button
                type="button"
                class="secondary"
                data-testid="push-deny"
                disabled={busy !== null}
                onClick={() => void answer(prompt, 'deny', null)}
              >
                {t('pushDeny')}
              </button>
              <button
                type="button"
                class="secondary"
                data-testid="push-not-me"
                disabled={busy !== null}
                onClick={() => void answer(prompt, 'not_me', null)}
              >
                {t('pushNotMe')}
              </button>
            </div>
          </section>
        );
      })}
    </div>
  );
}
