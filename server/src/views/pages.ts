/**
 * Server-rendered sign-in, second-factor and error pages (DESIGN.md "The
 * reference portal"). Accessible by construction: one `<h1>`, labelled
 * inputs with `autocomplete`, `autofocus` on the field to fill, errors in a
 * `role="alert"` region referenced by `aria-describedby`.
 *
 * Contract: every page is sent with {@link PAGE_SECURITY_HEADERS} (B12: not
 * frameable, strict CSP; the only inline code is the hashed stylesheet).
 */
import { cspHash, html, raw, type SafeHtml } from './html.ts';

const STYLES = `
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f4f6fa;color:#1b2330}
main{background:#fff;padding:2rem 2.25rem;border-radius:12px;box-shadow:0 4px 24px rgba(20,30,60,.12);width:min(24rem,92vw)}
h1{font-size:1.4rem;margin:0 0 .5rem}
p{line-height:1.45}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=email],input[type=password],input[type=text]{box-sizing:border-box;width:100%;padding:.6rem .7rem;font-size:1rem;border:1px solid #8a94a6;border-radius:6px}
input:focus,button:focus,a:focus{outline:3px solid #2f6feb;outline-offset:2px}
button{margin-top:1.25rem;width:100%;padding:.65rem;font-size:1rem;font-weight:600;border:0;border-radius:6px;background:#1f5fd6;color:#fff;cursor:pointer}
button.secondary{background:transparent;color:#1f5fd6;border:1px solid #1f5fd6}
.alert{background:#fdecec;color:#8a1111;border:1px solid #e8a5a5;border-radius:6px;padding:.6rem .75rem;margin:.75rem 0}
.alert:empty{display:none}
.hint{color:#4a5568;font-size:.9rem}
.who{font-weight:600}
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

/** A complete page around `body`. */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
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
function alertRegion(error: string | undefined): SafeHtml {
  return html`<div id="form-error" class="alert" role="alert" aria-live="assertive">${error ?? ''}</div>`;
}

function describedBy(error: string | undefined, ...others: string[]): string {
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
}

function cancelForm(base: string, csrf: string): SafeHtml {
  return html`<form method="post" action="${`${base}/abort`}">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="secondary">Cancel</button>
</form>`;
}

/** Step 1: company email. */
export function emailPage(options: FormPageOptions & { email?: string; appName?: string }): string {
  const hintId = 'email-hint';
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>
<p class="hint" id="${hintId}">${options.appName ? `Sign in to continue to ${options.appName}. ` : ''}Use your company email address.</p>
${alertRegion(options.error)}
<form method="post" action="${options.action}" novalidate>
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="email">Company email</label>
<input id="email" name="email" type="email" autocomplete="username" inputmode="email" required autofocus value="${options.email ?? ''}" aria-describedby="${describedBy(options.error, hintId)}"${options.error ? raw(' aria-invalid="true"') : ''}>
<button type="submit">Continue</button>
</form>
${cancelForm(options.base, options.csrf)}`,
  );
}

/** Step 2: password, with the email shown and a way back. */
export function passwordPage(
  options: FormPageOptions & { email: string; forgotPasswordUrl: string; canChangeEmail: boolean },
): string {
  return layout(
    'Enter your password',
    html`<h1>Enter your password</h1>
<p>Signing in as <span class="who" data-testid="email">${options.email}</span></p>
${alertRegion(options.error)}
<form method="post" action="${options.action}">
<input type="hidden" name="csrf" value="${options.csrf}">
<input type="hidden" name="username" value="${options.email}" autocomplete="username">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus maxlength="1024"${options.error ? raw(' aria-invalid="true" aria-describedby="form-error"') : ''}>
<button type="submit">Sign in</button>
</form>
<p><a href="${options.forgotPasswordUrl}">Forgot password?</a></p>
${
  options.canChangeEmail
    ? html`<form method="post" action="${`${options.base}/change-email`}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit" class="secondary">Use another account</button>
</form>`
    : cancelForm(options.base, options.csrf)
}`,
  );
}

/** Step 3: the second factor (TOTP or a recovery code); also the step-up page. */
export function secondFactorPage(
  options: FormPageOptions & { appName?: string; stepUp: boolean; email?: string },
): string {
  const title = options.appName ? `Verify it's you to open ${options.appName}` : "Verify it's you";
  const hintId = 'code-hint';
  return layout(
    title,
    html`<h1>${title}</h1>
${options.email ? html`<p>${options.stepUp ? 'Signed in as' : 'Signing in as'} <span class="who" data-testid="email">${options.email}</span></p>` : null}
<p class="hint" id="${hintId}">Enter the 6-digit code from your authenticator app. If you do not have your phone, enter one of your recovery codes.</p>
${alertRegion(options.error)}
<form method="post" action="${options.action}">
<input type="hidden" name="csrf" value="${options.csrf}">
<label for="code">Authentication code</label>
<input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="text" required autofocus maxlength="40" spellcheck="false" aria-describedby="${describedBy(options.error, hintId)}"${options.error ? raw(' aria-invalid="true"') : ''}>
<button type="submit">Verify</button>
</form>
${cancelForm(options.base, options.csrf)}`,
  );
}

/** The user must use MFA but has no authenticator: say so, then end the request cleanly. */
export function mfaNotSetUpPage(options: FormPageOptions & { appName?: string }): string {
  return layout(
    'Multi-factor authentication is not set up',
    html`<h1>Multi-factor authentication is not set up</h1>
<div class="alert" role="alert" id="form-error">${options.appName ? `${options.appName} requires` : 'This sign-in requires'} a second factor, but your account has no authenticator app yet. Set one up in the Security section of Portal Launcher, or contact your admin.</div>
<form method="post" action="${options.action}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit" autofocus>Continue</button>
</form>`,
  );
}

/** A terminal page for errors (expired links, bad requests). */
export function errorPage(title: string, message: string): string {
  return layout(
    title,
    html`<h1>${title}</h1>
<div class="alert" role="alert">${message}</div>`,
  );
}

/** RP-initiated logout confirmation, wrapping oidc-provider's form (its markup, our page). */
export function logoutPage(form: string, host: string): string {
  return layout(
    'Sign out',
    html`<h1>Sign out of ${host}?</h1>
${raw(form)}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
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
export function signedOutPage(): string {
  return layout('Signed out', html`<h1>Signed out</h1><p>You are signed out of the portal.</p>`);
}
