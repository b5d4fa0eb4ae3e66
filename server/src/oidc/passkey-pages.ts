/**
 * The portal page where a passkey is created (B19), and the two scripts the
 * passkey pages load.
 *
 * The options page asks the API for a single-use link (≤ 60 s, created only
 * after a fresh second factor where the account has one, api/routes/passkeys.ts)
 * and opens it in a tab. `GET /passkeys/register?ticket=…` uses the ticket up,
 * opens a ceremony bound to its user, keeps the ceremony's secret in an
 * HttpOnly cookie (SameSite=Lax: sent on the redirect that follows and on the
 * page's own POST, never on another site's POST) and redirects to the ticket-less
 * address, so a reload shows the same ceremony and the ticket never stays in
 * the history. `POST /passkeys/register` verifies the browser's answer against
 * that ceremony's challenge (used up by the first answer) and stores the credential.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readFormBody } from '../api/body.ts';
import type { PortalContext } from '../context.ts';
import {
  defaultPasskeyName,
  finishRegistration,
  REGISTRATION_PAGE_PATH,
  redeemRegistrationTicket,
  registrationOptions,
} from '../services/passkey-registration.ts';
import { PasskeyError } from '../services/passkeys.ts';
import { negotiatePage, type PageTexts } from '../views/i18n/index.ts';
import { errorPage } from '../views/pages.ts';
import { PASSKEY_PAGE_HEADERS, passkeyAddedPage, passkeyRegisterPage } from '../views/passkey-pages.ts';
import { type KoaContext, sendPage } from './interaction-kit.ts';

const CEREMONY_COOKIE = 'portal_passkey_ceremony';

/** The scripts, read once: the library's browser bundle and the page's own button script. */
const ASSETS: Record<string, () => string> = (() => {
  const cache = new Map<string, string>();
  const once = (key: string, file: () => string) => () => {
    if (!cache.has(key)) cache.set(key, readFileSync(file(), 'utf8'));
    return cache.get(key) as string;
  };
  const require = createRequire(import.meta.url);
  return {
    '/assets/webauthn-browser.js': once('lib', () =>
      path.join(
        path.dirname(require.resolve('@simplewebauthn/browser')),
        '..',
        'dist',
        'bundle',
        'index.umd.min.js',
      ),
    ),
    '/assets/passkey.js': once('own', () =>
      path.join(import.meta.dirname, '..', 'views', 'assets', 'passkey.js'),
    ),
  };
})();

function linkExpired(koa: KoaContext, texts: PageTexts) {
  sendPage(koa, errorPage(texts.t.passkey.linkTitle, texts.t.passkey.linkText, texts), 410);
}

async function showCeremony(
  ctx: PortalContext,
  koa: KoaContext,
  texts: PageTexts,
  ceremony: string,
  error?: string,
) {
  const open = await registrationOptions(ctx, ceremony);
  if (!open) return linkExpired(koa, texts);
  sendPage(
    koa,
    passkeyRegisterPage({
      texts,
      action: REGISTRATION_PAGE_PATH,
      email: open.email,
      creationOptions: open.options,
      suggestedName: defaultPasskeyName(koa.get('user-agent')),
      error,
    }),
    error ? 400 : 200,
    PASSKEY_PAGE_HEADERS,
  );
}

/** Answers the scripts and the registration page; true when it did. */
export async function servePasskeyPage(ctx: PortalContext, koa: KoaContext): Promise<boolean> {
  const asset = ASSETS[koa.path];
  if (asset && (koa.method === 'GET' || koa.method === 'HEAD')) {
    koa.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
    koa.type = 'application/javascript';
    koa.body = asset();
    return true;
  }
  if (koa.path !== REGISTRATION_PAGE_PATH) return false;
  const texts = negotiatePage(koa);
  const cookie = {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: REGISTRATION_PAGE_PATH,
    secure: koa.secure,
    signed: false,
    overwrite: true,
  };
  if (koa.method === 'GET') {
    const ticket = koa.query.ticket;
    if (typeof ticket === 'string') {
      const ceremony = await redeemRegistrationTicket(ctx, ticket);
      if (!ceremony) {
        linkExpired(koa, texts);
        return true;
      }
      koa.cookies.set(CEREMONY_COOKIE, ceremony, { ...cookie, maxAge: 10 * 60 * 1000 });
      koa.set('Cache-Control', 'no-store');
      koa.set('Referrer-Policy', 'no-referrer');
      koa.status = 303;
      koa.redirect(REGISTRATION_PAGE_PATH);
      return true;
    }
    await showCeremony(ctx, koa, texts, koa.cookies.get(CEREMONY_COOKIE, { signed: false }) ?? '');
    return true;
  }
  if (koa.method !== 'POST') {
    koa.status = 405;
    return true;
  }
  const ceremony = koa.cookies.get(CEREMONY_COOKIE, { signed: false }) ?? '';
  const form = await readFormBody(koa.req, 64 * 1024);
  try {
    const record = await finishRegistration(ctx, ceremony, form.get('response') ?? '', {
      name: form.get('name') ?? '',
      userAgent: koa.get('user-agent') || null,
      ip: koa.ip,
    });
    koa.cookies.set(CEREMONY_COOKIE, null, cookie);
    sendPage(koa, passkeyAddedPage(texts, record.name), 201);
  } catch (error) {
    if (!(error instanceof PasskeyError)) throw error;
    // The challenge is used up either way: starting again from the options page opens a new one.
    koa.cookies.set(CEREMONY_COOKIE, null, cookie);
    if (error.code === 'expired') linkExpired(koa, texts);
    else sendPage(koa, errorPage(texts.t.passkey.addFailed, texts.t.passkey.linkText, texts), 400);
  }
  return true;
}
