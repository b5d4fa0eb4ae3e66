/**
 * The page a sign-in shows while a push prompt waits on the person's
 * launcher (issue 13): the two-digit number to choose there, and the way on
 * without it (send again, use a code, cancel).
 *
 * The page continues by itself: its one script (allowed by its hash, like
 * the auto-logout page's) asks `…/push-status` every half second and submits
 * the "continue" form once the prompt is no longer pending, so the sign-in
 * goes on within a second of the approval. Without scripts the same form is
 * a button.
 */
import { cspHash, html, raw } from './html.ts';
import { alertRegion, cancelForm, type FormPageOptions, layout, PAGE_SECURITY_HEADERS } from './pages.ts';

const WAIT_SCRIPT =
  "(function(){var f=document.getElementById('push-complete');var c=f.elements.namedItem('csrf').value;var u=f.getAttribute('data-status');" +
  "function tick(){fetch(u,{method:'POST',body:new URLSearchParams({csrf:c}),credentials:'same-origin'}).then(function(r){return r.json()})" +
  ".then(function(j){if(j.state==='pending'){setTimeout(tick,500)}else{f.submit()}},function(){setTimeout(tick,2000)})}setTimeout(tick,500)})();";

/** {@link PAGE_SECURITY_HEADERS} plus the wait script's hash and same-origin requests for it. */
export const PUSH_WAIT_HEADERS: Readonly<Record<string, string>> = {
  ...PAGE_SECURITY_HEADERS,
  'Content-Security-Policy': `${PAGE_SECURITY_HEADERS['Content-Security-Policy']}; script-src ${cspHash(WAIT_SCRIPT)}; connect-src 'self'`,
};

/** "Approve on your launcher": the number, and continue / send again / use a code / cancel. */
export function pushWaitPage(
  options: Omit<FormPageOptions, 'action'> & { number: number; email?: string },
): string {
  const { t } = options.texts;
  return layout(
    t.push.title,
    html`<h1>${t.push.title}</h1>
${options.email ? html`<p>${t.signIn.signingInAs} <bdi class="who" data-testid="email">${options.email}</bdi></p>` : null}
${alertRegion(options.error)}
<p class="hint">${t.push.numberLabel}</p>
<p class="number" dir="ltr" data-testid="push-number">${String(options.number)}</p>
<p>${t.push.hint}</p>
<p class="hint">${t.push.expiresHint}</p>
<form id="push-complete" method="post" action="${`${options.base}/push-complete`}" data-status="${`${options.base}/push-status`}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit">${t.push.check}</button>
</form>
<form method="post" action="${`${options.base}/push-send`}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit" class="secondary">${t.push.resend}</button>
</form>
<form method="post" action="${`${options.base}/push-cancel`}">
<input type="hidden" name="csrf" value="${options.csrf}">
<button type="submit" class="secondary">${t.push.useCode}</button>
</form>
${cancelForm(options)}
<script>${raw(WAIT_SCRIPT)}</script>`,
    options.texts,
  );
}
