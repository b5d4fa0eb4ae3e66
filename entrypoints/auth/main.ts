/**
 * The auth page: where the redirect-URI navigation lands instead of the
 * network (A14, see utils/auth/redirect-rules.ts). It hands the original URL
 * to the background and shows what happens next, in the portal's look (a
 * centred card) and the reader's language (the one chosen in Settings or by
 * policy, else the browser's). It holds no secret: the code is
 * useless without the PKCE verifier, which only the background has.
 *
 * When a step-up for an app did not succeed (Cancel on the portal's page, no
 * second factor, a result that falls short), the background answers with a
 * `failure`: the page names the app, shows the reason whatever it is, and
 * offers **Try again** (the step-up starts again in this tab and the app opens
 * here afterwards) and **Contact your administrator** when a contact is set.
 */
import { browser } from 'wxt/browser';
import { localizedError } from '../../pages/popup/error-messages.ts';
import { applyDocumentLocale, chooseLanguage, t } from '../../utils/i18n.ts';
import type { MessageResponse } from '../../utils/messaging.ts';
import { MessageError, sendMessage } from '../../utils/messaging-client.ts';
import { loadPolicy } from '../../utils/policy/index.ts';

type StepUpFailure = NonNullable<MessageResponse<'completeAuthorization'>['failure']>;

const main = document.getElementById('app') as HTMLElement;
const title = document.getElementById('title') as HTMLElement;
const message = document.getElementById('message') as HTMLElement;
const actions = document.getElementById('actions') as HTMLElement;
const alert = document.getElementById('alert') as HTMLElement;

function show(state: 'working' | 'done' | 'error' | 'failed', heading: string, text: string): void {
  main.dataset.state = state;
  title.textContent = heading;
  document.title = `${heading} · Portal Launcher`;
  message.textContent = text;
  alert.textContent = '';
  actions.replaceChildren();
  actions.hidden = true;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]>,
): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

/** The reason in the reader's language where the launcher has words for its code, else its own sentence. */
function reasonOf(failure: { code: string; message: string; params?: readonly string[] }): string {
  return failure.code === 'cancelled'
    ? t('stepUpCancelled')
    : localizedError(failure.code, failure.message, failure.params);
}

/** "Close this tab": extension pages may close their own tab. */
function closeButton(): HTMLButtonElement {
  const button = element('button', { type: 'button', className: 'secondary', textContent: t('closeTab') });
  button.addEventListener('click', () => {
    void browser.tabs
      .getCurrent()
      .then((tab) => (tab?.id === undefined ? window.close() : browser.tabs.remove(tab.id)))
      .catch(() => window.close());
  });
  return button;
}

function showError(text: string): void {
  show('error', t('authFailedTitle'), text);
  const hint = element('p', { className: 'hint', textContent: t('authFailedHint') });
  actions.append(hint, closeButton());
  actions.hidden = false;
}

/** The step-up's failure page: the app, the reason, Try again and the admin contact. */
function showStepUpFailure(failure: StepUpFailure): void {
  show('failed', t('stepUpFailedTitle', failure.appName), reasonOf(failure));
  const retry = element('button', { type: 'button', id: 'retry', textContent: t('tryAgain') });
  retry.addEventListener('click', () => void tryAgain(failure, retry));
  const hint = element('p', {
    className: 'hint',
    textContent: failure.contact ? t('stepUpFailedHint') : t('stepUpFailedHintNoContact'),
  });
  actions.append(hint, retry);
  if (failure.contact) {
    const link = element('a', { id: 'contact', href: failure.contact.href, textContent: t('contactAdmin') });
    if (failure.contact.kind === 'url') {
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
    }
    const text = element('p', {
      className: 'hint contact-text',
      textContent:
        failure.contact.kind === 'email'
          ? t('contactAdminEmail', failure.contact.text)
          : failure.contact.text,
    });
    link.setAttribute('aria-describedby', 'contact-text');
    text.id = 'contact-text';
    actions.append(link, text);
  }
  actions.hidden = false;
  retry.focus();
}

/** Try again: the background starts the step-up again in this tab, which then leaves this page. */
async function tryAgain(failure: StepUpFailure, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  message.textContent = t('stepUpRetrying');
  alert.textContent = '';
  try {
    await sendMessage(browser.runtime, 'retryStepUp', { appId: failure.appId });
  } catch (error) {
    message.textContent = reasonOf(failure);
    alert.textContent =
      error instanceof MessageError
        ? localizedError(error.code, error.message, error.params)
        : t('genericError');
    button.disabled = false;
    button.focus();
  }
}

async function run(): Promise<void> {
  applyDocumentLocale(document);
  show('working', 'Portal Launcher', t('authWorking'));
  // Kept exactly as received: decoding would corrupt percent-encoded query values.
  const original = location.hash.slice(1);
  // Drop the response from the address bar and history right away.
  history.replaceState(null, '', location.pathname);
  // The language chosen in Settings (or by policy) replaces the browser's, as on the other pages.
  const language = await loadPolicy({ managedTimeoutMs: 1000 }).then(
    (policy) => policy.settings.language,
    () => null,
  );
  await chooseLanguage(language);
  applyDocumentLocale(document);
  show('working', 'Portal Launcher', t('authWorking'));
  // A10: this page is web-accessible, so a site can frame it; a framed copy finishes nothing
  // (the background refuses frames too).
  if (window.top !== window) {
    show('error', t('authFailedTitle'), t('authFramed'));
    return;
  }
  if (!original) {
    showError(t('authNothing'));
    return;
  }
  try {
    const result = await sendMessage(browser.runtime, 'completeAuthorization', { url: original });
    if (result.failure) {
      showStepUpFailure(result.failure);
    } else if (result.kind === 'signOut') {
      show('done', t('authSignedOutTitle'), t('authSignedOut'));
    } else if (result.kind === 'signIn') {
      show('done', t('authSignedInTitle'), t('authSignedIn'));
    } else {
      show('done', t('authVerifiedTitle'), result.message);
    }
  } catch (error) {
    showError(
      error instanceof MessageError
        ? localizedError(error.code, error.message, error.params)
        : t('genericError'),
    );
  }
}

void run();
