/**
 * The OpenID Provider (oidc-provider 9): configuration of clients, tokens,
 * lifetimes, assurance levels and the sign-in interaction policy.
 *
 * What it guarantees (SECURITY.md):
 * - B1 the launcher is a public client with code + refresh grants and exact redirect URIs;
 * - B2 PKCE required for every client, S256 only (oidc-provider 9 supports no `plain`);
 * - B3 single-use codes, ≤ 60 s; a replayed code revokes what it issued (provider built-in);
 * - B4 rotating refresh tokens; a reused one revokes the grant (provider built-in with
 *   `rotateRefreshToken: true`); idle and absolute lifetimes below;
 * - B5 `iss` in authorization responses (RFC 9207; always on in oidc-provider 9);
 * - B7 `acr`/`amr`/`auth_time` from what the interaction really did, and a login prompt
 *   whenever a request asks for MFA the session does not have (`mfa_required` check);
 * - JWT access tokens for the portal API (`aud` = apiAudience(issuer)) carrying `acr`,
 *   `amr`, `auth_time` and `sid`; a refresh keeps the original ones.
 * - With the portal API switched off (`config.portalApi` false) it is a plain OpenID
 *   Provider: no `portal_api_endpoint` in discovery, no resource server (a `resource`
 *   parameter is refused with `invalid_target`, RFC 8707 §2), opaque access tokens for
 *   the userinfo endpoint. Sign-in pages and step-up are unchanged.
 *
 * @see https://github.com/panva/node-oidc-provider/blob/v9.x/docs/README.md configuration reference
 */
import Provider, { type Configuration, errors, interactionPolicy } from 'oidc-provider';
import {
  ACR_MFA,
  ACR_PASSWORD,
  apiAudience,
  isLauncherOrigin,
  LAUNCHER_CLIENT_ID,
  PORTAL_API_METADATA,
} from '../../../contract/constants.ts';
import type { PortalContext } from '../context.ts';
import { mustHaveMfa } from '../services/accounts.ts';
import { negotiatePage } from '../views/i18n/index.ts';
import {
  AUTO_LOGOUT_HEADERS,
  autoLogoutPage,
  errorPage,
  logoutPage,
  PAGE_SECURITY_HEADERS,
  signedOutPage,
} from '../views/pages.ts';
import { createAdapterFactory } from './adapter.ts';
import { launcherClient, samlBridgeClient } from './clients.ts';
import { type PortalKeys, providerJwks } from './keys.ts';

/** Extra authorization parameter naming the portal app being opened, for the step-up page wording. */
export const LAUNCH_APP_PARAM = 'launch_app';

/** Scopes of the portal API resource server (RFC 8707). */
const API_SCOPES = 'profile email';

/** True when the authorization request asks for MFA (`acr_values` or an essential `acr` claim). */
export function requestsMfa(params: Record<string, unknown>, claims?: unknown): boolean {
  const acrValues = typeof params.acr_values === 'string' ? params.acr_values.split(' ') : [];
  if (acrValues.includes(ACR_MFA)) return true;
  const acrClaim = (
    claims as { id_token?: { acr?: { essential?: boolean; value?: string; values?: string[] } } }
  )?.id_token?.acr;
  return !!acrClaim?.essential && (acrClaim.value === ACR_MFA || !!acrClaim.values?.includes(ACR_MFA));
}

type OidcContext = Parameters<NonNullable<Configuration['loadExistingGrant']>>[0];

/**
 * Every client this portal registers is first-party (the launcher, apps the
 * admin added), so consent is implicit: the grant is found or made here and
 * widened to what the request asks, and the consent interaction never runs.
 *
 * Why not let that interaction grant it: finishing any interaction makes
 * oidc-provider give the session a new id (its session-fixation defence) and
 * delete the old one. A second tab that set off with the old cookie in that
 * instant — two apps opened together, each signing in for the first time
 * (C6) — found no session and landed on the sign-in page. With the grant made
 * here, only a real sign-in or step-up renews the session id.
 */
async function implicitFirstPartyGrant(oidcCtx: OidcContext) {
  const { oidc } = oidcCtx;
  const accountId = oidc.session?.accountId;
  const clientId = oidc.client?.clientId;
  if (!accountId || !clientId) return undefined;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(clientId);
  const found = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const grant =
    found && found.accountId === accountId && found.clientId === clientId
      ? found
      : new oidc.provider.Grant({ accountId, clientId });
  let changed = grant !== found;

  const grantedScopes = new Set(grant.getOIDCScopeEncountered().split(' '));
  const missingScopes = [...oidc.requestParamOIDCScopes].filter((scope) => !grantedScopes.has(scope));
  if (missingScopes.length > 0) grant.addOIDCScope(missingScopes.join(' '));

  const grantedClaims = new Set(grant.getOIDCClaimsEncountered());
  const missingClaims = [...oidc.requestParamClaims].filter((claim) => !grantedClaims.has(claim));
  if (missingClaims.length > 0) grant.addOIDCClaims(missingClaims);

  for (const [indicator, server] of Object.entries(oidc.resourceServers ?? {})) {
    const granted = new Set(grant.getResourceScopeEncountered(indicator).split(' '));
    const missing = [...oidc.requestParamScopes].filter(
      (scope) => server.scopes.has(scope) && !granted.has(scope),
    );
    if (missing.length > 0) grant.addResourceScope(indicator, missing.join(' '));
    changed ||= missing.length > 0;
  }
  changed ||= missingScopes.length > 0 || missingClaims.length > 0;
  if (changed) await grant.save();
  return grant;
}

/**
 * Whether an RP-initiated logout comes from the launcher for the session it
 * ends: an `id_token_hint` (oidc-provider has already checked its signature
 * and audience) issued to the launcher, naming this session's account and
 * this session's sign-in (`auth_time` is the session's login time; `sid`
 * too when the token carries one). Anything else keeps the confirmation page.
 */
function isLauncherLogoutForThisSession(oidc: OidcContext['oidc']): boolean {
  const hint = (oidc.entities as { IdTokenHint?: { payload?: Record<string, unknown> } }).IdTokenHint;
  const payload = hint?.payload;
  const session = oidc.session;
  if (!payload || !session?.accountId || oidc.client?.clientId !== LAUNCHER_CLIENT_ID) return false;
  if (payload.sid !== undefined && payload.sid !== session.sidFor(LAUNCHER_CLIENT_ID)) return false;
  return payload.sub === session.accountId && payload.auth_time === session.loginTs;
}

function secondsFromNow(ms: number): number {
  return Math.max(1, Math.floor(ms / 1000));
}

/** Builds the provider for `ctx.issuer`. The caller mounts the interaction routes with `provider.use`. */
export function createProvider(ctx: Omit<PortalContext, 'provider'>, keys: PortalKeys): Provider {
  const { config } = ctx;
  const audience = apiAudience(ctx.issuer);
  const life = config.lifetimes;

  const policy = interactionPolicy.base();
  // Ask for authentication again when the session was only password-authenticated
  // and the request wants MFA, or the user must have MFA (portal setting or the
  // admin's flag, set after this session began). A user who merely has an
  // authenticator gives it at every sign-in (interactions.ts); a session made
  // before they set it up still opens apps that do not ask for MFA. `acr_values` is voluntary in OIDC Core; the portal
  // honours it as binding because step-up (RFC 9470) depends on it (B7).
  policy.get('login')?.checks.add(
    new interactionPolicy.Check(
      'mfa_required',
      'multi-factor authentication is required',
      async (oidcCtx) => {
        const { oidc } = oidcCtx;
        const accountId = oidc.session?.accountId;
        if (!accountId || oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        if (oidc.session?.acr === ACR_MFA) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        const user = await ctx.repos.users.findById(accountId);
        const wanted =
          requestsMfa(oidc.params as Record<string, unknown>, oidc.claims) ||
          (user !== undefined && mustHaveMfa(ctx, user));
        return wanted ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT;
      },
    ),
  );

  // A launch for one person must not silently sign in whoever else holds the
  // browser's portal session: a `login_hint` naming another account asks to
  // sign in again (OIDC Core §3.1.2.1 login_hint; B14).
  policy.get('login')?.checks.add(
    new interactionPolicy.Check(
      'login_hint_mismatch',
      'the login hint names another account',
      async (oidcCtx) => {
        const { oidc } = oidcCtx;
        const hint = oidc.params?.login_hint;
        const accountId = oidc.session?.accountId;
        if (typeof hint !== 'string' || !hint || !accountId || oidc.result?.login) {
          return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        }
        const email = (await ctx.repos.users.findById(accountId))?.email;
        return email && email.toLowerCase() === hint.trim().toLowerCase()
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
  );

  const configuration: Configuration = {
    adapter: createAdapterFactory(ctx.repos.oidcStore, ctx.repos.apps),
    clients: [launcherClient, samlBridgeClient(ctx.issuer)],
    // The launcher learns from discovery whether this issuer has the portal API.
    ...(config.portalApi ? { discovery: { [PORTAL_API_METADATA]: audience } } : {}),
    jwks: providerJwks(keys, ctx.clock()) as Configuration['jwks'],
    cookies: {
      keys: keys.cookieKeys,
      names: { session: 'portal_session', interaction: 'portal_interaction', resume: 'portal_resume' },
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    async findAccount(_ctx, sub) {
      const user = await ctx.repos.users.findById(sub);
      // A disabled account is "not found": its refresh tokens and sessions stop working (B4, B13).
      if (!user || user.disabled) return undefined;
      return {
        accountId: user.id,
        async claims() {
          return {
            sub: user.id,
            email: user.email,
            email_verified: true,
            name: user.displayName,
            given_name: user.firstName ?? undefined,
            family_name: user.lastName ?? undefined,
            preferred_username: user.email,
          };
        },
      };
    },
    claims: {
      // acr/amr/auth_time always go with `openid`: the launcher and the apps
      // check them on every sign-in (RFC 9470 §3, B7).
      openid: ['sub', 'acr', 'amr', 'auth_time', 'sid'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    // First-party relying parties display who signed in straight from the ID token.
    conformIdTokenClaims: false,
    acrValues: [ACR_PASSWORD, ACR_MFA],
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    extraParams: [LAUNCH_APP_PARAM],
    allowOmittingSingleRegisteredRedirectUri: false,
    rotateRefreshToken: true,
    // OIDC Core §11 drops `offline_access` unless `prompt=consent`; the launcher
    // is first-party and consent is implicit, so it gets its rotating refresh
    // token without a consent round trip. Its tokens outlive the browser
    // session (the extension keeps the user signed in); ending a session
    // revokes its grants explicitly (oidc/sessions.ts).
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') &&
      (code.scopes.has('offline_access') || client.clientId === LAUNCHER_CLIENT_ID),
    expiresWithSession: async (oidcCtx, code) =>
      oidcCtx.oidc.client?.clientId !== LAUNCHER_CLIENT_ID && !code.scopes.has('offline_access'),
    // The extension's background may call the token, revocation and userinfo
    // endpoints from its own origin only; the authorization endpoint never
    // answers CORS (it is a navigation, B12).
    clientBasedCORS: (_ctx, origin, client) =>
      client.clientId === LAUNCHER_CLIENT_ID && isLauncherOrigin(origin),
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        // RFC 7009 §2.1: a client may revoke only its own tokens. A public client
        // presenting someone else's token gets the same 200 with nothing done, so
        // the endpoint cannot be used to probe tokens.
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      claimsParameter: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(koaCtx, form) {
          koaCtx.type = 'html';
          // The launcher asks "Sign out?" itself; a valid ID token of this very session and person
          // (checked by oidc-provider, matched here) may skip the portal's second question
          // (OIDC RP-Initiated Logout 1.0 §2: the OP must ask only without such a hint).
          if (isLauncherLogoutForThisSession(koaCtx.oidc)) {
            koaCtx.set(AUTO_LOGOUT_HEADERS);
            koaCtx.body = autoLogoutPage(form);
            return;
          }
          koaCtx.set(PAGE_SECURITY_HEADERS);
          koaCtx.body = logoutPage(form, koaCtx.host, negotiatePage(koaCtx));
        },
        async postLogoutSuccessSource(koaCtx) {
          koaCtx.set(PAGE_SECURITY_HEADERS);
          koaCtx.type = 'html';
          koaCtx.body = signedOutPage(negotiatePage(koaCtx));
        },
      },
      resourceIndicators: {
        enabled: true,
        // The launcher's access tokens are for the portal API even when it omits `resource`.
        async defaultResource(_ctx, client, oneOf) {
          // Without the API there is no resource server: tokens are for userinfo only.
          if (!config.portalApi) return undefined;
          if (oneOf) return oneOf.includes(audience) ? audience : oneOf;
          return client.clientId === LAUNCHER_CLIENT_ID ? audience : undefined;
        },
        async useGrantedResource() {
          return true;
        },
        async getResourceServerInfo(_ctx, resource, client) {
          if (!config.portalApi || resource !== audience) {
            throw new errors.InvalidTarget('unknown resource indicator');
          }
          // B6/B14: the portal API is the launcher's alone. An app the admin registered signs
          // people in to itself; a token for the API would let it act as them at the portal.
          if (client.clientId !== LAUNCHER_CLIENT_ID) {
            throw new errors.InvalidTarget('this client may not ask for the portal API');
          }
          return {
            scope: API_SCOPES,
            audience,
            accessTokenTTL: life.accessToken,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    formats: {
      customizers: {
        // RFC 9068 JWT access tokens plus what the API's step-up checks need (RFC 9470 §3).
        async jwt(oidcCtx, token, jwt) {
          const source = oidcCtx.oidc.entities.RefreshToken ?? oidcCtx.oidc.entities.AuthorizationCode;
          if (source) {
            if (source.acr) jwt.payload.acr = source.acr;
            if (source.amr) jwt.payload.amr = source.amr;
            if (source.authTime) jwt.payload.auth_time = source.authTime;
          }
          const sessionUid = (token as { sessionUid?: string }).sessionUid;
          if (sessionUid) jwt.payload.sid = sessionUid;
          // The grant it was issued under: the API refuses the token once that grant is
          // revoked (sign-out of that session, password change or reset, refresh-token reuse).
          const grantId = (token as { grantId?: string }).grantId;
          if (grantId) jwt.payload.grant_id = grantId;
        },
      },
    },
    ttl: {
      AccessToken: life.accessToken,
      AuthorizationCode: life.authorizationCode,
      IdToken: life.idToken,
      Interaction: life.interaction,
      Grant: life.refreshTokenAbsolute,
      // Idle lifetime per rotation, never beyond the absolute lifetime counted
      // from the first token of the chain (`iiat`) (B4).
      RefreshToken(_ctx, token) {
        const issuedAt = (token as { iiat?: number }).iiat ?? Math.floor(Date.now() / 1000);
        const absoluteLeft = issuedAt + life.refreshTokenAbsolute - Math.floor(Date.now() / 1000);
        return Math.max(1, Math.min(life.refreshTokenIdle, absoluteLeft));
      },
      // Idle timeout, renewed on every use of the session, capped by the
      // absolute timeout counted from the last authentication (B13).
      Session(_ctx, session) {
        const loginMs = (session.loginTs ?? Math.floor(Date.now() / 1000)) * 1000;
        const absoluteLeft = loginMs + life.sessionAbsolute * 1000 - Date.now();
        return secondsFromNow(Math.min(life.sessionIdle * 1000, absoluteLeft));
      },
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    loadExistingGrant: implicitFirstPartyGrant,
    async renderError(koaCtx, out) {
      koaCtx.set(PAGE_SECURITY_HEADERS);
      koaCtx.type = 'html';
      const expired =
        out.error === 'invalid_request' && /session|expired|not found/i.test(out.error_description ?? '');
      const texts = negotiatePage(koaCtx);
      const { errors: text } = texts.t;
      koaCtx.body = expired
        ? errorPage(text.expiredTitle, text.expiredText, texts)
        : errorPage(text.genericTitle, text.generic(out.error_description ?? out.error), texts);
    },
  };

  const provider = new Provider(ctx.issuer, configuration);
  provider.proxy = false;
  return provider;
}
