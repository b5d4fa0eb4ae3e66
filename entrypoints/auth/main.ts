/**
 * The auth page: where the redirect-URI navigation lands instead of the
 * network (A14, see utils/auth/redirect-rules.ts). It hands the original URL
 * to the background and shows what happens next. It holds no secret: the code
 * is useless without the PKCE verifier, which only the background has.
 */
import { browser } from 'wxt/browser';
import { sendMessage } from '../../utils/messaging-client.ts';

const main = document.getElementById('app') as HTMLElement;
const title = document.getElementById('title') as HTMLElement;
const message = document.getElementById('message') as HTMLElement;

function show(state: 'working' | 'done' | 'error', heading: string, text: string): void {
  main.dataset.state = state;
  title.textContent = heading;
  message.textContent = text;
}

async function run(): Promise<void> {
  // Kept exactly as received: decoding would corrupt percent-encoded query values.
  const original = location.hash.slice(1);
  // Drop the response from the address bar and history right away.
  history.replaceState(null, '', location.pathname);
  // A10: this page is web-accessible, so a site can frame it; a framed copy finishes nothing
  // (the background refuses frames too).
  if (window.top !== window) {
    show('error', 'Open Portal Launcher from the toolbar', 'This page works only in its own tab.');
    return;
  }
  if (!original) {
    show('error', 'Nothing to finish', 'Open Portal Launcher from the toolbar to sign in.');
    return;
  }
  try {
    const result = await sendMessage(browser.runtime, 'completeAuthorization', { url: original });
    const heading =
      result.kind === 'signOut' ? 'Signed out' : result.kind === 'signIn' ? 'Signed in' : 'Verified';
    show('done', heading, result.message);
  } catch (error) {
    show(
      'error',
      'Sign-in did not finish',
      error instanceof Error ? error.message : 'Try again from the toolbar.',
    );
  }
}

void run();
