/**
 * The SAML identity provider's pages (issue 14, B20):
 *
 * - `GET /saml/metadata`: the IdP's metadata (entity ID, SSO service for both
 *   bindings, signing certificate), one for all apps;
 * - `GET|POST /saml/sso`: an SP-initiated AuthnRequest (saml/authn-request.ts
 *   checks it). It is stored as a pending request and the browser goes through
 *   an authorization request of the portal's own OpenID Provider (client
 *   `portal-saml-idp`, oidc/clients.ts), so no session means the sign-in pages,
 *   `ForceAuthn` means `prompt=login`, and an app or request that wants a
 *   second factor means `acr_values` MFA with `max_age` — the same step-up the
 *   launcher's OIDC apps get;
 * - `GET /saml/continue`: back from there, the portal session now shows who
 *   signed in and how; if it satisfies the request, the request is used up and
 *   a signed Response goes to its ACS in an auto-posting form;
 * - {@link sendSamlLaunch}: the same form for an IdP-initiated launch ticket
 *   (services/launch.ts), stating the launching token's authentication.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ACR_MFA, SENSITIVE_CHANGE_MAX_AGE } from '../../../contract/constants.ts';
import { readFormBody } from '../api/body.ts';
import type { PortalContext } from '../context.ts';
import { SAML_BRIDGE_CLIENT_ID } from '../oidc/clients.ts';
import { type KoaContext, sendPage } from '../oidc/interaction-kit.ts';
import type { SamlRequestRecord } from '../repo/saml.ts';
import type { SamlLaunch } from '../services/launch.ts';
import { negotiatePage } from '../views/i18n/index.ts';
import { autoPostHeaders, autoPostPage, errorPage } from '../views/pages.ts';
import { readAuthnRequest, SamlRequestError } from './authn-request.ts';
import { type Authentication, createSignedResponse } from './response.ts';
import type { SamlifyIdentityProvider } from './samlify.ts';

/** How long a pending AuthnRequest waits for the person to sign in or step up. */
const PENDING_REQUEST_MS = 10 * 60_000;
/** Largest RelayState passed through (SAML Bindings §3.4.3: 80 bytes SHOULD; SPs send more). */
const MAX_RELAY_STATE = 1024;

type SamlContext = Pick<PortalContext, 'repos' | 'issuer' | 'clock' | 'audit' | 'config'>;

const digest = (handle: string) => createHash('sha256').update(handle).digest('hex');

function refuse(koa: KoaContext, code: SamlRequestError['code'], status = 400): void {
  const texts = negotiatePage(koa);
  const { saml } = texts.t;
  const reason = {
    bad_request: saml.badRequest,
    unknown_app: saml.unknownApp,
    foreign_acs: saml.foreignAcs,
    expired: saml.expired,
    not_assigned: saml.notAssigned,
  }[code];
  sendPage(koa, errorPage(saml.refusedTitle, saml.refused(reason), texts), status);
}

/** Sends the auto-posting form with a signed Response. */
async function postResponse(
  ctx: SamlContext,
  idp: SamlifyIdentityProvider,
  koa: KoaContext,
  answer: { appName: string; relayState: string | null; inResponseTo?: string } & Omit<
    Parameters<typeof createSignedResponse>[1],
    'issuer' | 'now' | 'inResponseTo'
  >,
): Promise<void> {
  const { samlResponse, acsUrl } = await createSignedResponse(idp, {
    issuer: ctx.issuer,
    sp: answer.sp,
    acsUrl: answer.acsUrl,
    user: answer.user,
    authentication: answer.authentication,
    now: ctx.clock(),
    ...(answer.inResponseTo !== undefined ? { inResponseTo: answer.inResponseTo } : {}),
  });
  const texts = negotiatePage(koa);
  const fields = {
    SAMLResponse: samlResponse,
    ...(answer.relayState ? { RelayState: answer.relayState } : {}),
  };
  sendPage(
    koa,
    autoPostPage(acsUrl, fields, texts, texts.t.saml.posting(answer.appName)),
    200,
    autoPostHeaders(acsUrl),
  );
}

/** Answers a redeemed IdP-initiated launch ticket of a SAML app (no `InResponseTo`). */
export async function sendSamlLaunch(
  ctx: SamlContext,
  idp: SamlifyIdentityProvider,
  koa: KoaContext,
  launch: SamlLaunch,
): Promise<void> {
  const sp = await ctx.repos.saml.findByAppId(launch.app.id);
  if (!sp?.acsUrls.includes(launch.acsUrl)) return refuse(koa, 'foreign_acs', 410);
  await postResponse(ctx, idp, koa, {
    appName: launch.app.name,
    sp,
    acsUrl: launch.acsUrl,
    user: launch.user,
    authentication: launch.authentication,
    relayState: null,
  });
  await ctx.audit('saml.response_sent', { userId: launch.user.id, appId: launch.app.id, initiatedBy: 'idp' });
}

/** Reads the AuthnRequest of either binding, stores it and sends the browser to the authorization endpoint. */
async function startSso(ctx: SamlContext, idp: SamlifyIdentityProvider, koa: KoaContext): Promise<void> {
  let params: URLSearchParams;
  if (koa.method === 'POST') {
    try {
      params = await readFormBody(koa.req, 128 * 1024);
    } catch {
      return refuse(koa, 'bad_request');
    }
  } else {
    params = new URLSearchParams(koa.querystring);
  }
  const samlRequest = params.get('SAMLRequest');
  const relayState = params.get('RelayState');
  if (!samlRequest || (relayState !== null && relayState.length > MAX_RELAY_STATE)) {
    return refuse(koa, 'bad_request');
  }
  let checked: Awaited<ReturnType<typeof readAuthnRequest>>;
  try {
    checked = await readAuthnRequest(ctx, idp, {
      binding: koa.method === 'POST' ? 'post' : 'redirect',
      samlRequest,
    });
  } catch (error) {
    if (!(error instanceof SamlRequestError)) throw error;
    await ctx.audit('saml.request_refused', { reason: error.code, detail: error.message, ip: koa.ip });
    return refuse(koa, error.code);
  }
  const handle = randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const stored = await ctx.repos.saml.insertRequest({
    idHash: digest(handle),
    appId: checked.app.id,
    requestId: checked.requestId,
    acsUrl: checked.acsUrl,
    relayState,
    forceAuthn: checked.forceAuthn,
    wantsMfa: checked.wantsMfa,
    createdAt: now,
    expiresAt: now + PENDING_REQUEST_MS,
  });
  if (!stored) {
    // The same AuthnRequest (app and ID) came before: a replay (B20).
    await ctx.audit('saml.request_refused', { appId: checked.app.id, reason: 'replayed', ip: koa.ip });
    return refuse(koa, 'expired');
  }
  const authorize = new URL(`${ctx.issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: SAML_BRIDGE_CLIENT_ID,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: `${ctx.issuer}/saml/continue`,
    state: handle,
    // The verifier is thrown away: the code is never redeemed (oidc/clients.ts).
    code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
    code_challenge_method: 'S256',
    ...(checked.forceAuthn ? { prompt: 'login' } : {}),
    ...(checked.wantsMfa
      ? { acr_values: ACR_MFA, max_age: String(mfaMaxAge(checked.app.mfaMaxAgeSeconds)) }
      : {}),
  }).toString();
  koa.set('Cache-Control', 'no-store');
  koa.redirect(authorize.href);
}

function mfaMaxAge(appMaxAge: number | null): number {
  return appMaxAge ?? SENSITIVE_CHANGE_MAX_AGE;
}

/** The portal session in this browser, as the provider stored it. */
async function portalSession(
  ctx: SamlContext,
  koa: KoaContext,
): Promise<{ accountId: string; acr: string | null; loginTs: number } | undefined> {
  const id = koa.cookies.get('portal_session', { signed: true });
  const payload = id ? (await ctx.repos.oidcStore.find('Session', id))?.payload : undefined;
  if (typeof payload?.accountId !== 'string' || typeof payload.loginTs !== 'number') return undefined;
  return {
    accountId: payload.accountId,
    acr: typeof payload.acr === 'string' ? payload.acr : null,
    loginTs: payload.loginTs,
  };
}

/** Whether the session's authentication satisfies what the request asked for. */
function satisfies(
  request: SamlRequestRecord,
  authentication: Authentication,
  appMaxAge: number | null,
  now: number,
): boolean {
  const authMs = authentication.authTime * 1000;
  // loginTs has whole seconds: a sign-in in the request's own second counts as after it.
  if (request.forceAuthn && authMs < Math.floor(request.createdAt / 1000) * 1000) return false;
  if (request.wantsMfa && (authentication.acr !== ACR_MFA || now - authMs > mfaMaxAge(appMaxAge) * 1000)) {
    return false;
  }
  return true;
}

/** Back from the authorization request: answer the pending AuthnRequest from the portal session. */
async function continueSso(ctx: SamlContext, idp: SamlifyIdentityProvider, koa: KoaContext): Promise<void> {
  const handle = typeof koa.query.state === 'string' ? koa.query.state : '';
  const request = handle ? await ctx.repos.saml.findRequest(digest(handle), ctx.clock()) : undefined;
  if (!request) return refuse(koa, 'expired', 410);
  const session = await portalSession(ctx, koa);
  const [app, sp, user] = await Promise.all([
    ctx.repos.apps.findById(request.appId),
    ctx.repos.saml.findByAppId(request.appId),
    session && ctx.repos.users.findById(session.accountId),
  ]);
  if (!session || !user || user.disabled || !app || !sp) return refuse(koa, 'expired', 410);
  if (!(await ctx.repos.apps.isAssigned(app.id, user.id))) {
    await ctx.audit('saml.request_refused', { userId: user.id, appId: app.id, reason: 'not_assigned' });
    return refuse(koa, 'not_assigned', 403);
  }
  const authentication = { acr: session.acr, authTime: session.loginTs };
  if (!sp.acsUrls.includes(request.acsUrl)) return refuse(koa, 'foreign_acs');
  // The provider redirects here only after the session met the request; a hand-made visit gets no further.
  if (!satisfies(request, authentication, app.mfaMaxAgeSeconds, ctx.clock()))
    return refuse(koa, 'expired', 403);
  if (!(await ctx.repos.saml.consumeRequest(request.idHash, ctx.clock()))) return refuse(koa, 'expired', 410);
  await postResponse(ctx, idp, koa, {
    appName: app.name,
    sp,
    acsUrl: request.acsUrl,
    user,
    authentication,
    relayState: request.relayState,
    inResponseTo: request.requestId,
  });
  await ctx.audit('saml.response_sent', {
    userId: user.id,
    appId: app.id,
    initiatedBy: 'sp',
    acr: session.acr,
  });
}

/** Koa middleware for the IdP's pages (see the module comment); other paths pass through. */
export function samlPages(ctx: SamlContext, idp: SamlifyIdentityProvider) {
  const metadata = idp.getMetadata();
  return async (koa: KoaContext, next: () => Promise<unknown>) => {
    if (koa.path === '/saml/metadata' && (koa.method === 'GET' || koa.method === 'HEAD')) {
      koa.type = 'application/samlmetadata+xml';
      koa.set('Cache-Control', 'public, max-age=3600');
      koa.body = metadata;
      return;
    }
    if (koa.path === '/saml/sso' && (koa.method === 'GET' || koa.method === 'POST'))
      return startSso(ctx, idp, koa);
    if (koa.path === '/saml/continue' && koa.method === 'GET') return continueSso(ctx, idp, koa);
    return next();
  };
}
