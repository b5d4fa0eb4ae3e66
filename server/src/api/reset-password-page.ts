/**
 * The `/reset-password` page: server-rendered, accessible, CSRF-protected,
 * never framed (B12), never cached, and without a `Referer` that could carry
 * the token elsewhere.
 *
 * - `GET /reset-password` — ask for the account's email address (the "Forgot
 *   password?" link of the sign-in page lands here).
 * - `POST` with `action=request` — same answer for every address (B18).
 * - `GET /reset-password?token=…` — the link from the mail: the policy and a
 *   new-password form, or "this link has expired".
 * - `POST` with `action=reset` — sets the password; every session and refresh
 *   token of the user ends (B4).
 *
 * CSRF: a per-browser random value in a `SameSite=Strict`, HttpOnly cookie
 * scoped to this path, repeated in a hidden field (double submit), plus the
 * `Origin` check where browsers send it.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html OWASP CSRF prevention
 * @see https://www.rfc-editor.org/rfc/rfc7034 RFC 7034 (X-Frame-Options)
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import type { PasswordPolicy } from '../../../contract/schemas.ts';
import type { PortalContext } from '../context.ts';
import {
  completePasswordReset,
  findResetUser,
  PasswordResetError,
  RESET_PAGE_PATH,
  requestPasswordReset,
} from '../services/password-reset.ts';
import { passwordPolicy } from '../services/passwords.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { layout, PAGE_SECURITY_HEADERS } from '../views/pages.ts';
import { readFormBody } from './body.ts';
import { ApiProblem } from './problem.ts';
import { PASSWORD_RESET_ACCEPTED } from './routes/password.ts';

/** The page's path (relative to the issuer). */
export const RESET_PASSWORD_PATH = RESET_PAGE_PATH;

const CSRF_COOKIE = 'portal_reset_csrf';

/** Serves `GET`/`POST /reset-password`. */
export async function handleResetPasswordPage(ctx: PortalContext, koa: Koa.Context): Promise<void> {
  koa.set({
    ...PAGE_SECURITY_HEADERS,
    // Forms post only back to the portal, so an injected form could not send a password elsewhere.
    'Content-Security-Policy': `${PAGE_SECURITY_HEADERS['Content-Security-Policy']}; form-action 'self'`,
    // Not `no-referrer`: under it browsers send `Origin: null` on the page's own form
    // POST, which the Origin check below must refuse. `same-origin` still keeps the
    // reset token in this page's URL away from every other site.
    'Referrer-Policy': 'same-origin',
  });
  const page = (status: number, title: string, body: SafeHtml) => {
    koa.status = status;
    koa.type = 'text/html; charset=utf-8';
    koa.body = layout(`${title} · Portal`, html`<h1>${title}</h1>\n${body}`);
  };

  if (koa.method === 'GET' || koa.method === 'HEAD') {
    const token = koa.query.token;
    if (typeof token !== 'string') {
      page(200, 'Reset your password', requestForm(issueCsrf(ctx, koa)));
      return;
    }
    const user = await findResetUser(ctx, token);
    if (!user) {
      page(410, 'Link expired', expiredNotice());
      return;
    }
    page(
      200,
      'Choose a new password',
      resetForm(issueCsrf(ctx, koa), token, user.email, passwordPolicy(ctx.config)),
    );
    return;
  }
  if (koa.method !== 'POST') {
    koa.set('Allow', 'GET, HEAD, POST');
    page(405, 'Not allowed', html`<p>Open the reset page from its link.</p>`);
    return;
  }

  let form: URLSearchParams;
  try {
    form = await readFormBody(koa.req);
  } catch (error) {
    const status = error instanceof ApiProblem ? error.status : 400;
    page(
      status,
      'Form not accepted',
      html`<p role="alert">The form could not be read. Open the page again.</p>`,
    );
    return;
  }
  if (!csrfValid(ctx, koa, form.get('csrf'))) {
    page(
      403,
      'Form expired',
      html`<p role="alert">This form has expired or was sent from another site. <a href="${RESET_PASSWORD_PATH}">Start again</a>.</p>`,
    );
    return;
  }

  if (form.get('action') === 'request') {
    await requestPasswordReset(ctx, (form.get('email') ?? '').slice(0, 254), koa.ip || null);
    page(
      200,
      'Check your email',
      html`<p role="status">${PASSWORD_RESET_ACCEPTED.message}</p>
<p>Nothing arrived? Check your spam folder, or <a href="${RESET_PASSWORD_PATH}">ask for another link</a>.</p>`,
    );
    return;
  }

  const token = form.get('token') ?? '';
  const password = form.get('password') ?? '';
  const user = await findResetUser(ctx, token);
  if (!user) {
    page(410, 'Link expired', expiredNotice());
    return;
  }
  const policy = passwordPolicy(ctx.config);
  const rerender = (errors: string[]) =>
    page(422, 'Choose a new password', resetForm(issueCsrf(ctx, koa), token, user.email, policy, errors));
  if (password !== (form.get('confirm') ?? '')) {
    rerender(['The two passwords are not the same. Type the new password twice.']);
    return;
  }
  try {
    await completePasswordReset(ctx, token, password, koa.ip || null);
  } catch (error) {
    if (!(error instanceof PasswordResetError)) throw error;
    if (error.code === 'password_policy') rerender(error.violations);
    else page(410, 'Link expired', expiredNotice());
    return;
  }
  page(
    200,
    'Password changed',
    html`<p role="status">Your password was changed, and every device signed in to your account was signed out.</p>
<p>Sign in again with your new password in the launcher.</p>`,
  );
}

function issueCsrf(ctx: PortalContext, koa: Koa.Context): string {
  const value = randomBytes(32).toString('base64url');
  const secure = ctx.issuer.startsWith('https:') ? '; Secure' : '';
  koa.append(
    'Set-Cookie',
    `${CSRF_COOKIE}=${value}; Path=${RESET_PASSWORD_PATH}; HttpOnly; SameSite=Strict${secure}`,
  );
  return value;
}

function csrfValid(ctx: PortalContext, koa: Koa.Context, field: string | null): boolean {
  const origin = koa.get('Origin');
  // Browsers send Origin on form POSTs; when present it must be the portal itself.
  if (origin && origin !== new URL(ctx.issuer).origin) return false;
  const cookie = /(?:^|;\s*)portal_reset_csrf=([A-Za-z0-9_-]{43})(?:;|$)/.exec(koa.get('Cookie'))?.[1];
  if (!cookie || !field || field.length !== cookie.length) return false;
  return timingSafeEqual(Buffer.from(cookie), Buffer.from(field));
}

function requestForm(csrf: string): SafeHtml {
  return html`<p>Enter the email address you sign in with. We will send a link to choose a new password.</p>
<form method="post" action="${RESET_PASSWORD_PATH}">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="action" value="request">
<label for="email">Company email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus maxlength="254">
<button type="submit">Send reset link</button>
</form>`;
}

function expiredNotice(): SafeHtml {
  return html`<p class="alert" role="alert">This reset link has expired or was already used.</p>
<p><a href="${RESET_PASSWORD_PATH}">Ask for a new link</a>.</p>`;
}

/** The policy as a checklist (B10): what is required, no composition rules. */
function policyItems(policy: PasswordPolicy): string[] {
  return [
    `At least ${policy.minLength} characters (at most ${policy.maxLength}). Spaces and any characters are fine.`,
    ...(policy.checksCommonPasswords ? ['Not a commonly used password.'] : []),
    'Not your email address.',
  ];
}

function resetForm(
  csrf: string,
  token: string,
  email: string,
  policy: PasswordPolicy,
  errors: string[] = [],
): SafeHtml {
  const errorBlock =
    errors.length > 0
      ? html`<div id="password-errors" class="alert" role="alert"><p>Choose another password:</p><ul>${errors.map(
          (error) => html`<li>${error}</li>`,
        )}</ul></div>`
      : null;
  const describedBy = `password-policy${errors.length > 0 ? ' password-errors' : ''}`;
  return html`${errorBlock}
<form method="post" action="${RESET_PASSWORD_PATH}">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="action" value="reset">
<input type="hidden" name="token" value="${token}">
<input type="hidden" name="username" autocomplete="username" value="${email}">
<p>For <span class="who">${email}</span></p>
<label for="password">New password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required autofocus minlength="${policy.minLength}" maxlength="${policy.maxLength}" aria-describedby="${describedBy}"${errors.length > 0 ? html` aria-invalid="true"` : null}>
<ul id="password-policy" class="hint">${policyItems(policy).map((item) => html`<li>${item}</li>`)}</ul>
<label for="confirm">Type it again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength="${policy.maxLength}">
<p class="hint">Every device signed in to your account will be signed out.</p>
<button type="submit">Set new password</button>
</form>`;
}
