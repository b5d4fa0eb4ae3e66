/**
 * SSO launch tickets and OIDC third-party-initiated login (B14).
 *
 * `createLaunchTicket` mints a random 256-bit, single-use ticket that lives
 * at most `lifetimes.launchTicket` (≤ 60 s) and returns
 * `${issuer}/launch/{ticket}`. Opening that URL consumes the ticket and
 * redirects to the app's `initiate_login_uri` with `iss`, `login_hint` and
 * `target_link_uri`; the app then starts an ordinary authorization request,
 * so the user's session (and MFA policy) decides, never the ticket alone.
 *
 * A SAML app's ticket instead leads to a signed Response posted to the app's
 * registered ACS (saml/sso.ts): {@link redeemLaunchTicket} hands back a
 * {@link SamlLaunch} with the authentication the launching access token
 * carried, which the assertion states (B20).
 *
 * The ticket itself is never stored: the table holds its SHA-256, so a copy
 * of the database cannot replay live tickets.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ThirdPartyInitiatedLogin OIDC Core §4
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PortalContext } from '../context.ts';
import type { AppRecord } from '../repo/apps.ts';
import type { UserRecord } from '../repo/users.ts';

type LaunchContext = Pick<PortalContext, 'repos' | 'clock' | 'audit' | 'issuer' | 'config' | 'db'>;

declare const assigned: unique symbol;
/** An app read by {@link findAssignedApp}: it exists and is assigned to the user it was read for. */
export type AssignedApp = AppRecord & { readonly [assigned]: true };

/** Expected launch failures, with a `code` the API and pages branch on. */
export class LaunchError extends Error {
  override name = 'LaunchError';
  constructor(
    readonly code: 'unknown_app' | 'not_assigned' | 'not_launchable' | 'invalid_target' | 'invalid_ticket',
    message: string,
  ) {
    super(message);
  }
}

/** How the launching person had authenticated (the access token's `acr`, `amr`, `auth_time` in seconds). */
export interface LaunchAuthentication {
  acr: string | null;
  amr: string[];
  authTime: number | null;
}

/** A redeemed SAML app ticket: who, into which app, through which registered ACS, authenticated how. */
export interface SamlLaunch {
  kind: 'saml';
  app: AppRecord;
  user: UserRecord;
  acsUrl: string;
  authentication: LaunchAuthentication & { authTime: number };
}

const digest = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

/**
 * True when `target` is one of the app's registered target URLs: an exact
 * match, or under a registered entry ending in `/` on the same origin. Query
 * and fragment never widen a match, so no open redirect (B14; RFC 9700 §4.11).
 */
export function isRegisteredTarget(app: Pick<AppRecord, 'targetLinkUris'>, target: string): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (url.username || url.password || !['https:', 'http:'].includes(url.protocol)) return false;
  return app.targetLinkUris.some((registered) => {
    if (registered === url.href) return true;
    if (!registered.endsWith('/')) return false;
    const base = new URL(registered);
    return base.origin === url.origin && url.pathname.startsWith(base.pathname);
  });
}

/**
 * Reads an app and checks it is assigned to the user, in one place, so a
 * caller that must look at the app first (the API's step-up check) does not
 * read it twice.
 *
 * @throws {LaunchError} `unknown_app`, `not_assigned`.
 */
export async function findAssignedApp(
  ctx: LaunchContext,
  userId: string,
  appId: string,
): Promise<AssignedApp> {
  const app = await ctx.repos.apps.findById(appId);
  if (!app) throw new LaunchError('unknown_app', 'This app does not exist.');
  if (!(await ctx.repos.apps.isAssigned(appId, userId))) {
    throw new LaunchError('not_assigned', 'This app is not assigned to you. Ask your admin for access.');
  }
  return app as AssignedApp;
}

/**
 * Mints a launch ticket for an assigned app (by id, or as
 * {@link findAssignedApp} returned it). The caller (API) has already checked
 * the access token and the app's MFA freshness (B6). The ticket and its audit
 * entry are written in one transaction. Expired tickets are purged by the
 * portal's housekeeping timer (app.ts), not here.
 *
 * A SAML app's ticket names its default ACS and needs `authentication`
 * (the assertion states it).
 *
 * @throws {LaunchError} `unknown_app`, `not_assigned`, `not_launchable` (no initiate_login_uri, no ACS), `invalid_target`.
 */
export async function createLaunchTicket(
  ctx: LaunchContext,
  userId: string,
  appOrId: string | AssignedApp,
  targetLinkUri?: string,
  authentication: LaunchAuthentication = { acr: null, amr: [], authTime: null },
): Promise<{ url: string; expiresAt: string }> {
  const app = typeof appOrId === 'string' ? await findAssignedApp(ctx, userId, appOrId) : appOrId;
  const target =
    app.kind === 'saml' ? await samlTarget(ctx, app, authentication) : oidcTarget(app, targetLinkUri);
  const ticket = randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const expiresAt = now + ctx.config.lifetimes.launchTicket * 1000;
  await ctx.db.transaction(async () => {
    await ctx.repos.launchTickets.insert({
      idHash: digest(ticket),
      userId,
      appId: app.id,
      targetLinkUri: target,
      createdAt: now,
      expiresAt,
      ...authentication,
    });
    await ctx.audit('launch.ticket_created', { userId, appId: app.id });
  });
  return { url: `${ctx.issuer}/launch/${ticket}`, expiresAt: new Date(expiresAt).toISOString() };
}

function oidcTarget(app: AppRecord, targetLinkUri: string | undefined): string {
  if (app.kind !== 'oidc' || !app.initiateLoginUri || app.targetLinkUris.length === 0) {
    throw new LaunchError('not_launchable', 'This app cannot be opened from the portal. Ask your admin.');
  }
  const target = targetLinkUri ?? (app.targetLinkUris[0] as string);
  if (!isRegisteredTarget(app, target)) {
    throw new LaunchError('invalid_target', 'That address is not registered for this app.');
  }
  return target;
}

/** A SAML app's default (first registered) ACS. */
async function samlTarget(ctx: LaunchContext, app: AppRecord, authentication: LaunchAuthentication) {
  const sp = await ctx.repos.saml.findByAppId(app.id);
  const acs = sp?.acsUrls[0];
  if (!acs || authentication.authTime === null) {
    throw new LaunchError('not_launchable', 'This app cannot be opened from the portal. Ask your admin.');
  }
  return acs;
}

/**
 * Consumes a ticket and returns where to send the browser: the app's
 * `initiate_login_uri` with `iss`, `login_hint`, `target_link_uri`, or for
 * a SAML app a {@link SamlLaunch} (the caller posts the Response).
 * Returns a {@link LaunchError} value for unknown, used or expired tickets,
 * and re-checks assignment and target at use time.
 */
export async function redeemLaunchTicket(
  ctx: LaunchContext,
  ticket: string,
  ip?: string,
): Promise<string | SamlLaunch | LaunchError> {
  const refused = async (reason: string) => {
    await ctx.audit('launch.ticket_refused', { ip, reason });
    return new LaunchError(
      'invalid_ticket',
      'This launch link has expired or was already used. Open the app again from Portal Launcher.',
    );
  };
  if (!/^[A-Za-z0-9_-]{43}$/.test(ticket)) return refused('malformed');
  const record = await ctx.repos.launchTickets.consume(digest(ticket), ctx.clock());
  if (!record) return refused('unknown_used_or_expired');
  const app = await ctx.repos.apps.findById(record.appId);
  const user = await ctx.repos.users.findById(record.userId);
  if (!app || !user || user.disabled || !(await ctx.repos.apps.isAssigned(app.id, user.id))) {
    return refused('no_longer_allowed');
  }
  if (app.kind === 'saml') {
    const sp = await ctx.repos.saml.findByAppId(app.id);
    if (!sp?.acsUrls.includes(record.targetLinkUri) || record.authTime === null) {
      return refused('target_no_longer_registered');
    }
    await ctx.audit('launch.ticket_used', { userId: user.id, email: user.email, appId: app.id, ip });
    return {
      kind: 'saml',
      app,
      user,
      acsUrl: record.targetLinkUri,
      authentication: { acr: record.acr, amr: record.amr, authTime: record.authTime },
    };
  }
  if (!app.initiateLoginUri) return refused('no_longer_allowed');
  if (!isRegisteredTarget(app, record.targetLinkUri)) return refused('target_no_longer_registered');
  const url = new URL(app.initiateLoginUri);
  url.searchParams.set('iss', ctx.issuer);
  url.searchParams.set('login_hint', user.email);
  url.searchParams.set('target_link_uri', record.targetLinkUri);
  await ctx.audit('launch.ticket_used', { userId: user.id, email: user.email, appId: app.id, ip });
  return url.href;
}
