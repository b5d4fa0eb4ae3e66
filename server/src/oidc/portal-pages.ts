/**
 * Pages of the portal outside a sign-in: the root address (what this service
 * is, links to the account pages — not "Not Found") and app launch links
 * (`/launch/{ticket}`, B14; a SAML app's ticket answers with saml/sso.ts).
 */
import type { PortalContext } from '../context.ts';
import { sendSamlLaunch } from '../saml/sso.ts';
import { LaunchError, redeemLaunchTicket } from '../services/launch.ts';
import { RESET_PAGE_PATH } from '../services/password-reset.ts';
import { negotiatePage } from '../views/i18n/index.ts';
import { errorPage, homePage } from '../views/pages.ts';
import { type KoaContext, sendPage } from './interaction-kit.ts';
import { servePasskeyPage } from './passkey-pages.ts';

/** Answers `GET /`, `GET /launch/{ticket}` and the passkey pages; true when it did. */
export async function servePortalPage(ctx: PortalContext, koa: KoaContext): Promise<boolean> {
  if (await servePasskeyPage(ctx, koa)) return true;
  if (koa.path === '/' && (koa.method === 'GET' || koa.method === 'HEAD')) {
    sendPage(
      koa,
      homePage(negotiatePage(koa), {
        // The reset pages belong to the portal API; a provider-only portal has none.
        resetPassword: ctx.config.portalApi ? RESET_PAGE_PATH : undefined,
        discovery: '/.well-known/openid-configuration',
      }),
    );
    return true;
  }
  // GET only: a HEAD must not use up a single-use ticket.
  const launch = koa.method === 'GET' ? /^\/launch\/([^/]+)$/.exec(koa.path) : null;
  if (!launch) return false;
  const target = await redeemLaunchTicket(ctx, launch[1] as string, koa.ip);
  if (target instanceof LaunchError) {
    const texts = negotiatePage(koa);
    sendPage(koa, errorPage(texts.t.errors.linkTitle, texts.t.errors.linkText, texts), 410);
    return true;
  }
  if (typeof target !== 'string') {
    await sendSamlLaunch(ctx, ctx.samlIdp, koa, target);
    return true;
  }
  koa.set('Cache-Control', 'no-store');
  koa.set('Referrer-Policy', 'no-referrer');
  koa.redirect(target);
  return true;
}
