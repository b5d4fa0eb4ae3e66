/**
 * Server-rendered sign-in, second-factor, sign-out and error pages (DESIGN.md
 * "The reference portal"). Accessible by construction: one `<h1>`, labelled
 * inputs with `autocomplete`, `autofocus` on the field to fill, errors in a
 * `role="alert"` region referenced by `aria-describedby`. Every page speaks
 * the language {@link negotiatePage} chose (en, de, ar) with `lang`/`dir`,
 * and the stylesheet uses logical properties so right-to-left lays out too.
 *
 * Contract: every page is sent with {@link PAGE_SECURITY_HEADERS} (B12: not
 * frameable, strict CSP; the only inline code is the hashed stylesheet).
 */
import { cspHash, html, raw, type SafeHtml } from './html.ts';
import { type PageTexts, pageTexts } from './i18n/index.ts';

const STYLES = `
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans Arabic",sans-serif}
body{margin:0;min-block-size:100vh;display:grid;place-items:center;background:#f4f6fa;color:#1b2330}
main{background:#fff;padding-block:2rem;padding-inline:2.25rem;border-radius:12px;box-shadow:0 4px 24px rgba(20,30,60,.12);inline-size:min(24rem,92vw);box-sizing:border-box}
h1{font-size:1.4rem;margin-block:0 .5rem}
h2{font-size:1.1rem;margin-block:1.25rem .5rem}
p{line-height:1.45}
label{display:block;font-weight:600;margin-block:1rem .35rem}
input[type=email],input[type=password],input[type=text]{box-sizing:border-box;inline-size:100%;padding-block:.6rem;padding-inline:.7rem;font-size:1rem;border:1px solid #8a94a6;border-radius:6px}
input:focus,button:focus,a:focus{outline:3px solid #2f6feb;outline-offset:2px}
button{margin-block-start:1.25rem;inline-size:100%;padding:.65rem;font-size:1rem;font-weight:600;border:0;border-radius:6px;background:#1f5fd6;color:#fff;cursor:pointer}
button.secondary{background:transparent;color:#1f5fd6;border:1px solid #1f5fd6}
a{color:#1a56c4}
.alert{background:#fdecec;color:#8a1111;border:1px solid #e8a5a5;border-radius:6px;padding-block:.6rem;padding-inline:.75rem;margin-block:.75rem}
.alert:empty{display:none}
.hint{color:#4a5568;font-size:.9rem}
.who{font-weight:600}
.qr{display:block;margin-block:1rem;margin-inline:auto;inline-size:12rem;block-size:12rem;background:#fff;padding:.5rem;border-radius:6px}
.key,.codes{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1rem;overflow-wrap:anywhere}
.links{list-style:none;padding:0}.links li{margin-block:.5rem}.links a{display:block;min-block-size:24px;padding-block:.15rem}
.key{text-align:center}
.number{font-size:3rem;font-weight:700;text-align:center;letter-spacing:.1em;margin-block:.25rem;font-variant-numeric:tabular-nums}
.codes{display:grid;grid-template-columns:1fr 1fr;gap:.35rem 1rem;padding:0;list-style:none}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem}dt{font-weight:600}dd{margin:0;word-break:break-all}
@media (prefers-color-scheme:dark){body{background:#12161f;color:#e7ecf5}main{background:#1c2330}.hint{color:#aab4c5}.alert{background:#3a1616;color:#ffd7d7;border-color:#7a2c2c}button.secondary{color:#9ec1ff;border-color:#9ec1ff}a{color:#9ec1ff}input{background:#12161f;color:#e7ecf5}}
`;

/**
 * Headers for every HTML page the portal renders (B12): no framing by anyone
 * (CSP `frame-ancestors 'none'` plus `X-Frame-Options: DENY` for older
 * browsers), no scripts at all, no referrer leaking interaction ids.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': `default-src 'none'; style-src ${cspHash(STYLES)}; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** A complete page around `body`, in the language of `texts` (English when not given). */
export function layout(title: string, body: SafeHtml, texts: PageTexts = pageTexts()): string {
  return html`<!doctype html>
<html lang="${texts.lang}" dir="${texts.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${raw(STYLES)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.value;
}

/** The error region every form page has (empty when there is no error), linked from its input. */
export function alertRegion(error: string | undefined): SafeHtml {
  return html`<div id="form-error" class="alert" role="alert" aria-live="assertive">${error ?? ''}</div>`;
}

/** `aria-describedby` of a field: the error region when there is an error, then `others`. */
export function describedBy(error: string | undefined, ...others: string[]): string {
  return [...(error ? ['form-error'] : []), ...others].join(' ');
}

/** What every form page needs. */
export interface FormPageOptions {
  /** Form target (`/interaction/{uid}/{step}`). */
  action: string;
  /** Per-interaction CSRF token. */
  csrf: string;
  error?: string;
  /** Base for sibling actions (`/interaction/{uid}`), for "Cancel" / "Use another account". */
  base: string;
  /** The page's language. */
  texts: PageTexts;
}

/** The "Cancel" form: ends the authorization with `access_denied`. */
export function cancelForm(options: Pick<FormPageOptions, 'base' | 'csrf' | 'texts'>): SafeHtml {
  return html`<form method="post" action="${`${options.base}/abort`}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit" class="secondary">${options.texts.t.cancel}</button>
</form>`;
}

/** Step 1: company email. */
export function emailPage(
  options: FormPageOptions & { email?: string; appName?: string; passkey?: SafeHtml | null },
): string {
  const { t } = options.texts;
  const hintId = 'email-hint';
  return layout(
    t.signIn.title,
    html`<h1>${t.signIn.title}</h1>
<p class="hint" id="${hintId}">${options.appName ? `${t.signIn.toApp(options.appName)} ` : ''}${t.signIn.useCompanyEmail}</p>
${alertRegion(options.error)}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="email">${t.signIn.emailLabel}</label>
<input id="email" name="email" type="email" dir="ltr" autocomplete="username" inputmode="email" required autofocus value="${options.email ?? ''}" aria-describedby="${describedBy(options.error, hintId)}"${options.error ? raw(' aria-invalid="true"') : ''}>
<button type="submit">${t.continue}</button>
</form>
${options.passkey ?? null}
${cancelForm(options)}`,
    options.texts,
  );
}

/** Step 2: password, with the email shown and a way back. */
export function passwordPage(
  options: FormPageOptions & { email: string; forgotPasswordUrl: string; canChangeEmail: boolean },
): string {
  const { t } = options.texts;
  return layout(
    t.signIn.passwordTitle,
    html`<h1>${t.signIn.passwordTitle}</h1>
<p>${t.signIn.signingInAs} <bdi class="who" data-testid="email">${options.email}</bdi></p>
${alertRegion(options.error)}
<form method="post" action="${options.action}">
<input type="hidden" name="csrf" value="${options.csrf}">
<input type="hidden" name="username" value="${options.email}" autocomplete="username">
<label for="password">${t.signIn.passwordLabel}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus maxlength="1024"${options.error ? raw(' aria-invalid="true" aria-describedby="form-error"') : ''}>
<button type="submit">${t.signIn.submit}</button>
</form>
<p><a href="${options.forgotPasswordUrl}">${t.signIn.forgotPassword}</a></p>
${
  options.canChangeEmail
    ? html`<form method="post" action="${`${options.base}/change-email`}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit" class="secondary">${t.signIn.useAnotherAccount}</button>
</form>`
    : cancelForm(options)
}`,
    options.texts,
  );
}

/**
 * Step 3: the second factor (a passkey first when the user has one, then TOTP or a recovery
 * code when `codeForm` is not false); also the step-up page.
 */
export function secondFactorPage(
  options: FormPageOptions & {
    appName?: string;
    stepUp: boolean;
    email?: string;
    push?: boolean;
    passkey?: SafeHtml | null;
    codeForm?: boolean;
  },
): string {
  const { t } = options.texts;
  const title = options.appName ? t.code.titleForApp(options.appName) : t.code.title;
  const hintId = 'code-hint';
  return layout(
    title,
    html`<h1>${title}</h1>
${options.email ? html`<p>${options.stepUp ? t.signIn.signedInAs : t.signIn.signingInAs} <bdi class="who" data-testid="email">${options.email}</bdi></p>` : null}
${alertRegion(options.error)}
${options.passkey ?? null}
${
  options.codeForm === false
    ? null
    : html`<p class="hint" id="${hintId}">${t.code.hint}</p>
<form method="post" action="${options.action}">
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="code">${t.code.label}</label>
<input id="code" name="code" type="text" dir="ltr" autocomplete="one-time-code" inputmode="text" required${options.passkey ? '' : raw(' autofocus')} maxlength="40" spellcheck="false" aria-describedby="${describedBy(options.error, hintId)}"${options.error ? raw(' aria-invalid="true"') : ''}>
<button type="submit">${t.code.submit}</button>
</form>`
}
${
  options.push
    ? html`<p class="hint">${t.push.or}</p>
<form method="post" action="${`${options.base}/push-send`}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit" class="secondary">${t.push.send}</button>
</form>`
    : null
}
${cancelForm(options)}`,
    options.texts,
  );
}

/** A terminal page for errors (expired links, bad requests). */
export function errorPage(title: string, message: string, texts?: PageTexts): string {
  return layout(
    title,
    html`<h1>${title}</h1>
<div class="alert" role="alert">${message}</div>`,
    texts,
  );
}

/** RP-initiated logout confirmation, wrapping oidc-provider's form (its markup, our page). */
export function logoutPage(form: string, host: string, texts: PageTexts): string {
  const { t } = texts;
  return layout(
    t.signOut.title,
    html`<h1>${t.signOut.question(host)}</h1>
${raw(form)}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">${t.signOut.yes}</button>
<button type="submit" form="op.logoutForm" class="secondary">${t.signOut.no}</button>`,
    texts,
  );
}

/** The one inline script of {@link autoLogoutPage}, allowed by its hash only. */
const AUTO_LOGOUT_SCRIPT = "document.getElementById('op.logoutForm').submit();";

/** {@link PAGE_SECURITY_HEADERS} plus the hash of the auto-submit script (nothing else may run). */
export const AUTO_LOGOUT_HEADERS: Readonly<Record<string, string>> = {
  ...PAGE_SECURITY_HEADERS,
  'Content-Security-Policy': `default-src 'none'; style-src ${cspHash(STYLES)}; script-src ${cspHash(AUTO_LOGOUT_SCRIPT)}; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`,
};

/**
 * RP-initiated logout that the person already confirmed in the launcher: the
 * same form as {@link logoutPage}, answered "yes" and submitted at once
 * (a button stays for browsers without scripts).
 */
export function autoLogoutPage(form: string): string {
  return layout(
    'Signing out',
    html`<h1>Signing you out…</h1>
${raw(form)}
<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<noscript><button autofocus type="submit" form="op.logoutForm">Continue signing out</button></noscript>
<script>${raw(AUTO_LOGOUT_SCRIPT)}</script>`,
  );
}

/** Shown after a logout without a post-logout redirect. */
export function signedOutPage(texts: PageTexts): string {
  const { t } = texts;
  return layout(
    t.signOut.doneTitle,
    html`<h1>${t.signOut.doneTitle}</h1><p>${t.signOut.doneText}</p>`,
    texts,
  );
}

/** The portal's root address: what this service is, and the account pages. */
export function homePage(texts: PageTexts, links: { resetPassword?: string; discovery: string }): string {
  const { t } = texts;
  return layout(
    t.portalName,
    html`<h1>${t.portalName}</h1>
<p>${t.home.intro}</p>
<p class="hint">${t.home.start}</p>
<h2>${t.home.accountHeading}</h2>
<ul class="links">
${links.resetPassword ? html`<li><a href="${links.resetPassword}">${t.home.resetPassword}</a></li>` : null}
<li><a href="${links.discovery}">${t.home.discovery}</a></li>
</ul>`,
    texts,
  );
}

/** The one inline script of {@link autoPostPage}, allowed by its hash only. */
const AUTO_POST_SCRIPT = "document.getElementById('auto-post').submit();";

/**
 * Headers of {@link autoPostPage}: {@link PAGE_SECURITY_HEADERS} plus the hash
 * of its submit script, and forms may go to `action`'s origin only.
 */
export function autoPostHeaders(action: string): Readonly<Record<string, string>> {
  return {
    ...PAGE_SECURITY_HEADERS,
    'Content-Security-Policy': `default-src 'none'; style-src ${cspHash(STYLES)}; script-src ${cspHash(AUTO_POST_SCRIPT)}; img-src 'self' data:; base-uri 'none'; form-action ${new URL(action).origin}; frame-ancestors 'none'`,
  };
}

/**
 * A form that posts `fields` to `action` at once (SAML's HTTP-POST binding);
 * a button stays for browsers without scripts.
 */
export function autoPostPage(
  action: string,
  fields: Record<string, string>,
  texts: PageTexts,
  heading: string,
): string {
  return layout(
    texts.t.saml.postingTitle,
    html`<h1>${heading}</h1>
<form id="auto-post" method="post" action="${action}">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<noscript><button autofocus type="submit">${texts.t.saml.continue}</button></noscript>
</form>
<script>${raw(AUTO_POST_SCRIPT)}</script>`,
    texts,
  );
}
