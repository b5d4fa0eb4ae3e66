/**
 * Pages of setting up a second factor during sign-in (a user who must have
 * MFA and has none, or an app that asks for MFA of a user without it): scan
 * or type the authenticator app's key and confirm a code, then the recovery
 * codes once; or, where passkeys are allowed, create a passkey instead.
 * Same layout, language and accessibility rules as pages.ts.
 */
import { html, raw, type SafeHtml } from './html.ts';
import { alertRegion, cancelForm, describedBy, type FormPageOptions, layout } from './pages.ts';

/** Why the user is setting up a second factor now. */
export type EnrolmentReason = 'required' | 'app' | 'step-up';

/** Scan (or type) the key, then confirm with a code from the app. */
export function enrolmentPage(
  options: FormPageOptions & {
    reason: EnrolmentReason;
    appName?: string;
    /** `data:` URL of the QR code (drawn by the portal; no outside service sees the secret). */
    qrDataUrl: string;
    /** The base32 key, grouped for typing. */
    secret: string;
    /** The passkey set-up block (views/passkey-pages.ts), when passkeys are allowed. */
    passkey?: SafeHtml | null;
  },
): string {
  const { t } = options.texts;
  const why =
    options.reason === 'required'
      ? t.enrol.whyRequired
      : options.appName
        ? t.enrol.whyApp(options.appName)
        : t.enrol.whyStepUp;
  const hintId = 'enrol-code-hint';
  const grouped = options.secret.match(/.{1,4}/g)?.join(' ') ?? options.secret;
  return layout(
    t.enrol.title,
    html`<h1>${t.enrol.title}</h1>
<p id="enrol-why">${why}</p>
<p>${t.enrol.scan}</p>
<img class="qr" src="${options.qrDataUrl}" alt="${t.enrol.qrAlt}" width="192" height="192">
<p>${t.enrol.keyLabel}</p>
<p class="key" dir="ltr" data-testid="totp-secret">${grouped}</p>
${alertRegion(options.error)}
<form method="post" action="${options.action}">
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="code">${t.enrol.codeLabel}</label>
<p class="hint" id="${hintId}">${t.enrol.codeHint}</p>
<input id="code" name="code" type="text" dir="ltr" autocomplete="one-time-code" inputmode="numeric" required autofocus maxlength="10" spellcheck="false" aria-describedby="${describedBy(options.error, hintId)}"${options.error ? raw(' aria-invalid="true"') : ''}>
<button type="submit">${t.enrol.submit}</button>
</form>
${
  options.passkey
    ? html`<section aria-labelledby="enrol-passkey-heading" data-testid="enrol-passkey">
<h2 id="enrol-passkey-heading">${t.passkey.enrolHeading}</h2>
<p class="hint">${t.passkey.enrolHint}</p>
${options.passkey}
</section>`
    : null
}
${cancelForm(options)}`,
    options.texts,
  );
}

/**
 * The recovery codes, shown once (only as the answer to the confirming code,
 * never on a later GET), and the way on into the session.
 */
export function recoveryCodesPage(
  options: Pick<FormPageOptions, 'action' | 'csrf' | 'texts'> & { codes: string[] },
): string {
  const { t } = options.texts;
  return layout(
    t.enrol.recoveryTitle,
    html`<h1>${t.enrol.recoveryTitle}</h1>
<p id="recovery-intro">${t.enrol.recoveryIntro}</p>
<ul class="codes" dir="ltr" aria-label="${t.enrol.recoveryListLabel}" data-testid="recovery-codes">
${options.codes.map((code) => html`<li>${code}</li>\n`)}</ul>
<form method="post" action="${options.action}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit" autofocus>${t.enrol.saved}</button>
</form>`,
    options.texts,
  );
}

/** The same step reloaded after the codes were shown: no codes again, only the way on. */
export function enrolmentDonePage(options: Pick<FormPageOptions, 'action' | 'csrf' | 'texts'>): string {
  const { t } = options.texts;
  return layout(
    t.enrol.doneTitle,
    html`<h1>${t.enrol.doneTitle}</h1>
<p>${t.enrol.doneText}</p>
<form method="post" action="${options.action}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit" autofocus>${t.continue}</button>
</form>`,
    options.texts,
  );
}
