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
import { passwordPolicy, passwordViolations } from '../services/passwords.ts';
import { html, type SafeHtml } from '../views/html.ts';
import { type Catalog, negotiatePage } from '../views/i18n/index.ts';
import { layout, PAGE_SECURITY_HEADERS } from '../views/pages.ts';
import { readFormBody } from './body.ts';
import { ApiProblem } from './problem.ts';

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
  // In the browser's language, like the sign-in pages (Accept-Language; Content-Language set).
  const texts = negotiatePage(koa);
  const r = texts.t.reset;
  const page = (status: number, title: string, body: SafeHtml) => {
    koa.status = status;
    koa.type = 'text/html; charset=utf-8';
    koa.body = layout(`${title} · ${texts.t.portalName}`, html`<h1>${title}</h1>\n${body}`, texts);
  };

  if (koa.method === 'GET' || koa.method === 'HEAD') {
    const token = koa.query.token;
    if (typeof token !== 'string') {
      page(200, r.title, requestForm(r, issueCsrf(ctx, koa)));
      return;
    }
    const user = await findResetUser(ctx, token);
    if (!user) {
      page(410, r.expiredTitle, expiredNotice(r));
      return;
    }
    page(
      200,
      r.chooseTitle,
      resetForm(r, issueCsrf(ctx, koa), token, user.email, passwordPolicy(ctx.config)),
    );
    return;
  }
  if (koa.method !== 'POST') {
    koa.set('Allow', 'GET, HEAD, POST');
    page(405, r.notAllowedTitle, html`<p>${r.notAllowed}</p>`);
    return;
  }

  let form: URLSearchParams;
  try {
    form = await readFormBody(koa.req);
  } catch (error) {
    const status = error instanceof ApiProblem ? error.status : 400;
    page(status, r.formTitle, html`<p role="alert">${r.formUnreadable}</p>`);
    return;
  }
  if (!csrfValid(ctx, koa, form.get('csrf'))) {
    page(
      403,
      r.formExpiredTitle,
      html`<p role="alert">${r.formExpired}</p>\n<p><a href="${RESET_PASSWORD_PATH}">${r.startAgain}</a></p>`,
    );
    return;
  }

  if (form.get('action') === 'request') {
    await requestPasswordReset(ctx, (form.get('email') ?? '').slice(0, 254), koa.ip || null, texts.lang);
    page(
      200,
      r.sentTitle,
      html`<p role="status">${r.sent}</p>
<p>${r.nothingArrived}</p>
<p><a href="${RESET_PASSWORD_PATH}">${r.askAnother}</a></p>`,
    );
    return;
  }

  const token = form.get('token') ?? '';
  const password = form.get('password') ?? '';
  const user = await findResetUser(ctx, token);
  if (!user) {
    page(410, r.expiredTitle, expiredNotice(r));
    return;
  }
  const policy = passwordPolicy(ctx.config);
  const rerender = (errors: string[]) =>
    page(422, r.chooseTitle, resetForm(r, issueCsrf(ctx, koa), token, user.email, policy, errors));
  if (password !== (form.get('confirm') ?? '')) {
    rerender([r.mismatch]);
    return;
  }
  // The policy checked here first, so its sentences are in the page's language.
  const violations = passwordViolations(password, policy, { email: user.email });
  if (violations.length > 0) {
    rerender(violations.map(({ rule }) => violationText(r, rule, policy)));
    return;
  }
  try {
    await completePasswordReset(ctx, token, password, koa.ip || null);
  } catch (error) {
    if (!(error instanceof PasswordResetError)) throw error;
    if (error.code === 'password_policy') rerender(error.violations);
    else page(410, r.expiredTitle, expiredNotice(r));
    return;
  }
  page(200, r.doneTitle, html`<p role="status">${r.done}</p>\n<p>${r.signInAgain}</p>`);
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

type ResetTexts = Catalog['reset'];

function requestForm(r: ResetTexts, csrf: string): SafeHtml {
  return html`<p>${r.intro}</p>
<form method="post" action="${RESET_PASSWORD_PATH}">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="action" value="request">
<label for="email">${r.emailLabel}</label>
<input id="email" name="email" type="email" dir="ltr" autocomplete="username" required autofocus maxlength="254">
<button type="submit">${r.send}</button>
</form>`;
}

function expiredNotice(r: ResetTexts): SafeHtml {
  return html`<p class="alert" role="alert">${r.expired}</p>
<p><a href="${RESET_PASSWORD_PATH}">${r.askNew}</a></p>`;
}

/** The policy as a checklist (B10): what is required, no composition rules. */
function policyItems(r: ResetTexts, policy: PasswordPolicy): string[] {
  return [
    r.ruleLength(policy.minLength, policy.maxLength),
    ...(policy.checksCommonPasswords ? [r.ruleCommon] : []),
    r.ruleEmail,
  ];
}

/** A broken rule as a sentence in the page's language. */
function violationText(r: ResetTexts, rule: string, policy: PasswordPolicy): string {
  if (rule === 'min_length') return r.tooShort(policy.minLength);
  if (rule === 'max_length') return r.tooLong(policy.maxLength);
  return rule === 'common' ? r.tooCommon : r.isEmail;
}

function resetForm(
  r: ResetTexts,
  csrf: string,
  token: string,
  email: string,
  policy: PasswordPolicy,
  errors: string[] = [],
): SafeHtml {
  const errorBlock =
    errors.length > 0
      ? html`<div id="password-errors" class="alert" role="alert"><p>${r.chooseAnother}</p><ul>${errors.map(
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
<p>${r.forAccount} <span class="who" dir="ltr">${email}</span></p>
<label for="password">${r.newPassword}</label>
<input id="password" name="password" type="password" autocomplete="new-password" required autofocus minlength="${policy.minLength}" maxlength="${policy.maxLength}" aria-describedby="${describedBy}"${errors.length > 0 ? html` aria-invalid="true"` : null}>
<ul id="password-policy" class="hint">${policyItems(r, policy).map((item) => html`<li>${item}</li>`)}</ul>
<label for="confirm">${r.typeAgain}</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required maxlength="${policy.maxLength}">
<p class="hint">${r.signsOutAll}</p>
<button type="submit">${r.submit}</button>
</form>`;
}
