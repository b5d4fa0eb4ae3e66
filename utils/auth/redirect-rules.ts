/**
 * A14: the authorization response must never leave the browser.
 *
 * The registered redirect URIs (`https://<id>.chromiumapp.org/callback` and
 * `/signed-out`, contract/constants.ts) are diverted by a
 * `declarativeNetRequest` session rule to the extension's auth page, which
 * hands the URL to the background. DNR acts before the request is sent — no
 * DNS lookup, no connection — whereas `tabs.onUpdated` and
 * `webNavigation.onBeforeNavigate` only observe a navigation that may already
 * be on the wire (TOOLCHAIN.md measured this).
 *
 * Why these choices:
 * - Session rules (not static rules) because the redirect target must be an
 *   absolute URL containing the runtime id (`regexSubstitution` keeps the
 *   query, `extensionPath` would drop it), and session rules survive worker
 *   restarts for the whole browser session. They are (re)installed on every
 *   worker start, idempotently.
 * - The auth page is web-accessible (static URL, no `use_dynamic_url`):
 *   Chromium only lets a redirect reach an extension page that is
 *   web-accessible, and with `use_dynamic_url` it blocks the redirect when the
 *   portal answers the authorization request at once (see wxt.config.ts).
 * - The whole original URL travels in the fragment, which is never sent
 *   anywhere, and only the background can redeem it (single-use `state`, A2).
 */
import type { Browser } from 'wxt/browser';

/** Rule ids owned by this module (session rules are per extension). */
const FIRST_RULE_ID = 1001;

/** Escapes a literal for RE2 (the regex dialect DNR uses). */
function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Builds one redirect rule per URI: any query on that exact path goes to `authPageUrl#<original URL>`. */
export function buildRedirectRules(
  redirectUris: readonly string[],
  authPageUrl: string,
): Browser.declarativeNetRequest.Rule[] {
  return redirectUris.map((uri, index) => ({
    id: FIRST_RULE_ID + index,
    priority: 1,
    action: {
      type: 'redirect' as Browser.declarativeNetRequest.RuleActionType,
      redirect: { regexSubstitution: `${authPageUrl}#\\0` },
    },
    condition: {
      regexFilter: `^${escapeRegex(uri)}(?:[?#].*)?$`,
      resourceTypes: ['main_frame' as Browser.declarativeNetRequest.ResourceType],
    },
  }));
}

/** Installs (or replaces) the session rules. Safe to call on every worker start. */
export async function installRedirectRules(
  dnr: Pick<typeof Browser.declarativeNetRequest, 'updateSessionRules' | 'getSessionRules'>,
  redirectUris: readonly string[],
  authPageUrl: string,
): Promise<void> {
  const rules = buildRedirectRules(redirectUris, authPageUrl);
  const existing = await dnr.getSessionRules();
  await dnr.updateSessionRules({
    removeRuleIds: existing
      .map((rule) => rule.id)
      .filter((id) => id >= FIRST_RULE_ID && id < FIRST_RULE_ID + 100),
    addRules: rules,
  });
}
