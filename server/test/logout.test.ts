/**
 * RP-initiated logout from the launcher asks once: the person confirmed
 * "Sign out" in the extension, so the portal's own "Sign out of …?" page is
 * skipped when the launcher's ID token of this very session comes with the
 * request (OIDC RP-Initiated Logout 1.0 §2). Without that proof the portal
 * still asks (B13: a link cannot sign anyone out).
 */
import { describe, expect, it } from 'vitest';
import {
  CHROME_POST_LOGOUT_REDIRECT_URI,
  CHROME_REDIRECT_URI,
  LAUNCHER_CLIENT_ID,
} from '../../contract/constants.ts';
import { parseForms } from './http.ts';
import { DEMO_BOB, useTestPortal } from './portal.ts';
import { buildAuthorizationUrl, pageKind, signIn } from './sign-in.ts';

const portal = useTestPortal();
const bob = DEMO_BOB;

function logoutUrl(params: Record<string, string>): string {
  const url = new URL(`${portal.issuer}/session/end`);
  url.search = new URLSearchParams({
    post_logout_redirect_uri: CHROME_POST_LOGOUT_REDIRECT_URI,
    client_id: LAUNCHER_CLIENT_ID,
    ...params,
  }).toString();
  return url.href;
}

describe('launcher sign-out asks once', () => {
  it('B13: with the launcher’s ID token of this session the portal submits the logout itself (no second question)', async () => {
    const tokens = await signIn(portal, bob);
    const page = await tokens.client.follow(logoutUrl({ id_token_hint: tokens.id_token }));
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('Sign out of');
    expect(page.body).not.toContain('No, stay signed in');
    // Only the hashed auto-submit script may run; framing is still refused.
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain("'unsafe-inline'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.body).toContain('<input type="hidden" form="op.logoutForm" name="logout" value="yes">');
    expect(page.body).toContain("document.getElementById('op.logoutForm').submit();");

    // What the script does: post the form, with its xsrf field and logout=yes.
    const form = parseForms(page.body, page.url).find((f) => f.fields.xsrf !== undefined);
    expect(form).toBeDefined();
    const done = await tokens.client.postForm(form?.action as string, { ...form?.fields, logout: 'yes' });
    expect(done.location).toBe(CHROME_POST_LOGOUT_REDIRECT_URI);
    const next = await buildAuthorizationUrl(portal);
    expect(pageKind(await tokens.client.follow(next.url, (l) => l.startsWith(CHROME_REDIRECT_URI)))).toBe(
      'email',
    );
  });

  it('B13: without an ID token the portal still asks "Sign out of …?" and runs no script', async () => {
    const tokens = await signIn(portal, bob);
    const page = await tokens.client.follow(logoutUrl({}));
    expect(page.body).toContain('Sign out of');
    expect(page.body).not.toContain('<script');
    expect(page.headers.get('content-security-policy') ?? '').not.toContain('script-src');
  });

  it('B13: an ID token from another session (same person) does not skip the question', async () => {
    const earlier = await signIn(portal, bob);
    // auth_time has one-second resolution: the second session must start in a later second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const current = await signIn(portal, bob);
    const page = await current.client.follow(logoutUrl({ id_token_hint: earlier.id_token }));
    expect(page.body).toContain('Sign out of');
    expect(page.body).not.toContain('<script');
  });
});
