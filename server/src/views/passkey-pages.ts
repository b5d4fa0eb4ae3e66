/**
 * The portal pages' passkey parts (WebAuthn, B19): the "Use your passkey"
 * block of the second-factor and email pages, the block where a passkey is
 * created (on its own page, and on the sign-in's set-up page). The ceremony runs in the browser through `@simplewebauthn/browser`
 * (served as `/assets/webauthn-browser.js`) and the small `/assets/passkey.js`
 * (views/assets/passkey.js), which fill a hidden field with the browser's
 * answer and submit an ordinary form, so the server's answer (a redirect, an
 * error page) works like every other step. Scripts come from the portal
 * itself only (CSP `script-src 'self'`); the options travel as JSON data.
 */
import { html, raw, type SafeHtml } from './html.ts';
import type { PageTexts } from './i18n/index.ts';
import { alertRegion, layout, PAGE_SECURITY_HEADERS } from './pages.ts';

/** Where the two scripts are served. */
export const PASSKEY_SCRIPTS = ['/assets/webauthn-browser.js', '/assets/passkey.js'] as const;

/** {@link PAGE_SECURITY_HEADERS} with the portal's own scripts allowed (nothing inline runs). */
export const PASSKEY_PAGE_HEADERS: Readonly<Record<string, string>> = {
  ...PAGE_SECURITY_HEADERS,
  'Content-Security-Policy': (PAGE_SECURITY_HEADERS['Content-Security-Policy'] as string).replace(
    "default-src 'none';",
    "default-src 'none'; script-src 'self';",
  ),
};

/** JSON for a `<script type="application/json">` block: `<` escaped, so it cannot end the element. */
function jsonData(value: unknown): SafeHtml {
  return raw(JSON.stringify(value).replace(/</g, '\\u003c'));
}

/** What the browser script needs: the ceremony, its options, and the words for each outcome. */
interface CeremonyData {
  mode: 'authenticate' | 'register';
  options: unknown;
  messages: { working: string; cancelled: string; unsupported: string; failed: string };
}

function scripts(data: CeremonyData): SafeHtml {
  return html`<script type="application/json" id="passkey-data">${jsonData(data)}</script>
${PASSKEY_SCRIPTS.map((src) => html`<script src="${src}" defer></script>`)}`;
}

/**
 * The passkey button with its status line and the form that carries the answer.
 * `alone`: passkey-only sign-in (the email page), where the fallback is the password.
 */
export function passkeyBlock(options: {
  texts: PageTexts;
  action: string;
  csrf: string;
  requestOptions: unknown;
  alone: boolean;
  /** Whether a code form follows as the other way (second-factor page). */
  codeFollows: boolean;
}): SafeHtml {
  const { t } = options.texts;
  const label = options.alone ? t.passkey.signIn : t.passkey.use;
  return html`<div class="passkey" data-testid="passkey-block">
<p class="hint" id="passkey-hint">${t.passkey.hint}</p>
<button type="button" id="passkey-button" aria-describedby="passkey-hint passkey-status" hidden>${label}</button>
<p id="passkey-status" class="hint" role="status" aria-live="polite"></p>
<noscript><p class="hint">${t.passkey.noScript}</p></noscript>
<form method="post" action="${options.action}" id="passkey-form">
<input type="hidden" name="csrf" value="${options.csrf}">
<input type="hidden" name="response" value="">
</form>
${scripts({
  mode: 'authenticate',
  options: options.requestOptions,
  messages: {
    working: t.passkey.working,
    cancelled: options.alone || !options.codeFollows ? t.passkey.cancelledAlone : t.passkey.cancelled,
    unsupported: options.alone ? t.passkey.unsupportedAlone : t.passkey.unsupported,
    failed: t.passkey.failed,
  },
})}
</div>
${options.codeFollows ? html`<h2>${t.passkey.orCode}</h2>` : null}`;
}

/**
 * The name field, the create button and the form that carries the browser's
 * answer: the registration ceremony, on the registration page and on the
 * sign-in's set-up page (`csrf` there). `messages` say how a try ended.
 */
export function passkeyCreateBlock(options: {
  texts: PageTexts;
  action: string;
  csrf?: string;
  creationOptions: unknown;
  suggestedName: string;
  messages: { cancelled: string; unsupported: string };
}): SafeHtml {
  const { t } = options.texts;
  return html`<form method="post" action="${options.action}" id="passkey-form">
${options.csrf ? html`<input type="hidden" name="csrf" value="${options.csrf}">` : null}
<label for="passkey-name">${t.passkey.nameLabel}</label>
<input id="passkey-name" name="name" type="text" maxlength="64" required value="${options.suggestedName}" aria-describedby="passkey-name-hint">
<p class="hint" id="passkey-name-hint">${t.passkey.nameHint}</p>
<input type="hidden" name="response" value="">
</form>
<button type="button" id="passkey-button" aria-describedby="passkey-status" hidden>${t.passkey.create}</button>
<p id="passkey-status" class="hint" role="status" aria-live="polite"></p>
<noscript><p class="hint">${t.passkey.noScript}</p></noscript>
${scripts({
  mode: 'register',
  options: options.creationOptions,
  messages: { working: t.passkey.working, failed: t.passkey.addFailed, ...options.messages },
})}`;
}

/** The page where the browser creates a passkey (opened from the options page). */
export function passkeyRegisterPage(options: {
  texts: PageTexts;
  action: string;
  email: string;
  creationOptions: unknown;
  suggestedName: string;
  error?: string;
}): string {
  const { t } = options.texts;
  return layout(
    t.passkey.addTitle,
    html`<h1>${t.passkey.addTitle}</h1>
<p>${t.passkey.addFor} <bdi class="who" data-testid="email">${options.email}</bdi></p>
<p class="hint">${t.passkey.addHint}</p>
${alertRegion(options.error)}
${passkeyCreateBlock({
  ...options,
  messages: { cancelled: t.passkey.addCancelled, unsupported: t.passkey.addUnsupported },
})}`,
    options.texts,
  );
}

/** After a passkey was added. */
export function passkeyAddedPage(texts: PageTexts, name: string): string {
  const { t } = texts;
  return layout(
    t.passkey.addedTitle,
    html`<h1 data-testid="passkey-added">${t.passkey.addedTitle}</h1><p>${t.passkey.addedText(name)}</p>`,
    texts,
  );
}
