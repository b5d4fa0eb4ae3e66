/**
 * The sign-in pages as oidc-provider interactions: email → password → second
 * factor, plus step-up (second factor only, when the portal session is still
 * valid) and the automatic consent of first-party clients.
 *
 * Decisions this module makes (and why):
 * - Lockout answers (B9, B18). Every password attempt runs the same argon2
 *   work — against the real hash, or a dummy hash when the account does not
 *   exist or is disabled — before anything is decided, so timing reveals
 *   nothing. Counters exist for any typed address, known or not. Below the
 *   threshold a failure says "The email or password is not right."; once the
 *   account's or the address's counter is over the threshold, EVERY attempt,
 *   right password or wrong, known account or not, gets the one same
 *   "locked" page. So a locked account and a wrong password are
 *   indistinguishable in status, body and timing, and the lock message cannot
 *   be used to discover accounts (unknown addresses lock the same way).
 * - Disabled accounts fail exactly like a wrong password.
 * - When MFA is required but the user has no authenticator, a page says so and
 *   the authorization ends with `unmet_authentication_requirements`.
 * - All registered clients are first-party (the launcher, apps the admin
 *   registered): consent is granted without a screen, including
 *   `offline_access`.
 * - CSRF: each interaction has a random token stored server-side that every
 *   form must echo. SameSite=Lax cookies already keep cross-site POSTs out;
 *   the token is the second, browser-independent layer.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ParameterizedContext } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { ACR_MFA, ACR_PASSWORD } from '../../../contract/constants.ts';
import { readFormBody } from '../api/body.ts';
import type { PortalContext } from '../context.ts';
import type { InteractionProgress } from '../repo/interaction-progress.ts';
import type { UserRecord } from '../repo/users.ts';
import { redeemLaunchTicket } from '../services/launch.ts';
import {
  accountSubject,
  addressSubject,
  checkLock,
  clearAccountFailures,
  recordFailure,
} from '../services/lockout.ts';
import { verifyAgainstDummy, verifyPassword } from '../services/passwords.ts';
import { hasActiveTotp, verifySecondFactorMethod } from '../services/totp.ts';
import {
  emailPage,
  errorPage,
  mfaNotSetUpPage,
  PAGE_SECURITY_HEADERS,
  passwordPage,
  secondFactorPage,
} from '../views/pages.ts';
import { LAUNCH_APP_PARAM, requestsMfa } from './provider.ts';

/** What the sign-in pages say; constants so tests assert the exact wording. */
export const MESSAGES = {
  badCredentials: 'The email or password is not right. Check them and try again.',
  locked: 'Your account is locked after too many failed attempts. Contact your admin.',
  badCode: 'That code is not right. Enter the current code from your authenticator app, or a recovery code.',
  badEmail: 'Enter your company email address, like name@example.com.',
  expired: 'This sign-in has expired. Go back to the app you came from and start again.',
  badForm: 'This form has expired. Reload the page and try again.',
} as const;

/** RFC 8176 `amr` values for what the user proved. */
const AMR_PASSWORD = ['pwd'];
const AMR_MFA = ['pwd', 'otp', 'mfa'];

type KoaContext = ParameterizedContext;
type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function sendPage(koa: KoaContext, body: string, status = 200): void {
  koa.set(PAGE_SECURITY_HEADERS);
  koa.status = status;
  koa.type = 'html';
  koa.body = body;
}

/** Mounts the interaction and launch routes on the provider's Koa app. */
export function mountInteractions(ctx: PortalContext): void {
  const { provider, repos, config } = ctx;

  const loadProgress = (uid: string): InteractionProgress =>
    repos.interactionProgress.get(uid, ctx.clock()) ?? {
      uid,
      csrf: randomBytes(24).toString('base64url'),
      email: null,
      userId: null,
      passwordVerified: false,
      expiresAt: ctx.clock() + config.lifetimes.interaction * 1000,
    };

  const activeUser = (id: string | undefined): UserRecord | undefined => {
    const user = id ? repos.users.findById(id) : undefined;
    return user && !user.disabled ? user : undefined;
  };

  /** The app a request is about (for "Verify it's you to open Payroll"). */
  const appNameFor = (details: Details, userId?: string | null): string | undefined => {
    const launchApp = details.params[LAUNCH_APP_PARAM];
    if (typeof launchApp === 'string' && userId && repos.apps.isAssigned(launchApp, userId)) {
      return repos.apps.findById(launchApp)?.name;
    }
    const clientId = details.params.client_id;
    return typeof clientId === 'string' ? repos.apps.findByClientId(clientId)?.name : undefined;
  };

  const mfaRequested = (details: Details) =>
    requestsMfa(details.params, details.params.claims ? safeJson(details.params.claims) : undefined);

  /** Whether this sign-in must include the second factor, for a user who has one. */
  const wantsSecondFactor = (details: Details) =>
    config.mfaAtSignIn ||
    mfaRequested(details) ||
    // Re-authentication of an MFA session (max_age passed, or prompt=login)
    // keeps its level: the last MFA is what went stale.
    (details.session?.acr === ACR_MFA &&
      (details.prompt.reasons.includes('max_age') || details.prompt.reasons.includes('login_prompt')));

  /**
   * Whether this request goes on past the password for `user`: to the code page when the
   * user has an authenticator and the request wants one; to "MFA is not set up" when the
   * client demands MFA (acr) of a user without one.
   */
  const needsSecondFactor = (details: Details, user: UserRecord) =>
    hasActiveTotp(ctx, user.id) ? wantsSecondFactor(details) : mfaRequested(details);

  /** A still-valid session whose user only needs to prove something more (step-up or re-auth). */
  const sessionUserFor = (details: Details): UserRecord | undefined => {
    const reasons = details.prompt.reasons;
    if (reasons.some((r) => ['no_session', 'id_token_hint', 'claims_id_token_sub_value'].includes(r)))
      return undefined;
    const user = activeUser(details.session?.accountId);
    const hint = details.params.login_hint;
    if (user && typeof hint === 'string' && hint && hint.toLowerCase() !== user.email.toLowerCase())
      return undefined;
    return user;
  };

  const finish = async (koa: KoaContext, details: Details, result: InteractionResults) => {
    repos.interactionProgress.delete(details.uid);
    const returnTo = await provider.interactionResult(koa.req, koa.res, result, {
      mergeWithLastSubmission: false,
    });
    koa.status = 303;
    koa.redirect(returnTo);
  };

  const finishLogin = async (koa: KoaContext, details: Details, user: UserRecord, withMfa: boolean) => {
    const stepUp = details.session?.accountId === user.id;
    clearAccountFailures(ctx, user.email);
    ctx.audit(withMfa && stepUp ? 'step_up.succeeded' : 'sign_in.succeeded', {
      userId: user.id,
      email: user.email,
      ip: koa.ip,
      acr: withMfa ? ACR_MFA : ACR_PASSWORD,
      client: details.params.client_id,
    });
    await finish(koa, details, {
      login: {
        accountId: user.id,
        acr: withMfa ? ACR_MFA : ACR_PASSWORD,
        amr: withMfa ? AMR_MFA : AMR_PASSWORD,
        remember: true,
      },
    });
  };

  const autoConsent = async (koa: KoaContext, details: Details) => {
    const { prompt, params, session } = details;
    const accountId = session?.accountId;
    if (!accountId) throw new Error('consent without a session');
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id as string });
    if (!grant) throw new Error('grant vanished');
    const missing = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    const returnTo = await provider.interactionResult(koa.req, koa.res, { consent: { grantId } });
    koa.status = 303;
    koa.redirect(returnTo);
  };

  /** Renders the page for where this interaction stands. */
  const show = async (koa: KoaContext, details: Details, progress: InteractionProgress, error?: string) => {
    const base = `/interaction/${details.uid}`;
    const page = { base, csrf: progress.csrf, error };
    const sessionUser = sessionUserFor(details);

    // Step-up / re-authentication of a still-valid session: never ask for the
    // email again, and for step-up (RFC 9470) only the second factor. An
    // explicit prompt=login re-checks the password too.
    const fullReauth = details.prompt.reasons.includes('login_prompt');
    if (!progress.userId && !progress.email && sessionUser) {
      progress.email = sessionUser.email;
      // The session already proved the password: go straight to the second factor (or,
      // for a user without one, to the page that says MFA is not set up).
      if (!fullReauth && needsSecondFactor(details, sessionUser)) {
        progress.userId = sessionUser.id;
        progress.passwordVerified = true;
      }
      repos.interactionProgress.save(progress);
    }

    if (progress.userId && progress.passwordVerified) {
      const appName = appNameFor(details, progress.userId);
      if (hasActiveTotp(ctx, progress.userId)) {
        return sendPage(
          koa,
          secondFactorPage({
            ...page,
            action: `${base}/second-factor`,
            appName,
            stepUp: !!sessionUser,
            email: progress.email ?? undefined,
          }),
          error ? 401 : 200,
        );
      }
      return sendPage(koa, mfaNotSetUpPage({ ...page, action: `${base}/mfa-missing`, appName }));
    }
    if (progress.email) {
      return sendPage(
        koa,
        passwordPage({
          ...page,
          action: `${base}/password`,
          email: progress.email,
          forgotPasswordUrl: '/reset-password',
          canChangeEmail: !sessionUser,
        }),
        error ? 401 : 200,
      );
    }
    const hint = details.params.login_hint;
    return sendPage(
      koa,
      emailPage({
        ...page,
        action: `${base}/email`,
        email: typeof hint === 'string' ? hint : undefined,
        appName: appNameFor(details),
      }),
      error ? 400 : 200,
    );
  };

  const handlers: Record<
    string,
    (koa: KoaContext, details: Details, progress: InteractionProgress, form: URLSearchParams) => Promise<void>
  > = {
    async email(koa, details, progress, form) {
      const email = (form.get('email') ?? '').trim();
      if (!/^[^\s@]{1,64}@[^\s@]{1,190}$/.test(email)) return show(koa, details, progress, MESSAGES.badEmail);
      progress.email = email;
      progress.userId = null;
      progress.passwordVerified = false;
      repos.interactionProgress.save(progress);
      koa.status = 303;
      koa.redirect(`/interaction/${details.uid}`);
    },

    async 'change-email'(koa, details, progress) {
      progress.email = null;
      progress.userId = null;
      progress.passwordVerified = false;
      repos.interactionProgress.save(progress);
      koa.status = 303;
      koa.redirect(`/interaction/${details.uid}`);
    },

    async password(koa, details, progress, form) {
      if (!progress.email) return show(koa, details, progress);
      const email = progress.email;
      const password = form.get('password') ?? '';
      const subjects = [accountSubject(email), addressSubject(koa.ip)];
      const user = activeUser(repos.users.findByEmail(email)?.id);
      // Same argon2 work whatever the account's state (B9/B18 timing).
      const passwordOk =
        password.length <= 1024 && user?.passwordHash
          ? await verifyPassword(user.passwordHash, password)
          : await verifyAgainstDummy(password.slice(0, 1024));
      const lock = checkLock(ctx, subjects);
      if (lock.locked) {
        if (!passwordOk) recordFailure(ctx, subjects);
        ctx.audit('sign_in.locked', { email, userId: user?.id, ip: koa.ip });
        return show(koa, details, progress, MESSAGES.locked);
      }
      if (!passwordOk || !user) {
        const lockedNow = recordFailure(ctx, subjects);
        ctx.audit(lockedNow ? 'sign_in.locked' : 'sign_in.failed', {
          email,
          userId: user?.id,
          ip: koa.ip,
          reason: 'bad_credentials',
        });
        return show(koa, details, progress, lockedNow ? MESSAGES.locked : MESSAGES.badCredentials);
      }
      if (!needsSecondFactor(details, user)) return finishLogin(koa, details, user, false);
      progress.userId = user.id;
      progress.passwordVerified = true;
      repos.interactionProgress.save(progress);
      koa.status = 303;
      koa.redirect(`/interaction/${details.uid}`);
    },

    async 'second-factor'(koa, details, progress, form) {
      const user = activeUser(progress.userId ?? undefined);
      if (!user || !progress.passwordVerified || !hasActiveTotp(ctx, user.id))
        return show(koa, details, progress);
      const subjects = [accountSubject(user.email), addressSubject(koa.ip)];
      if (checkLock(ctx, subjects).locked) {
        ctx.audit('sign_in.locked', { email: user.email, userId: user.id, ip: koa.ip, factor: 'totp' });
        return show(koa, details, progress, MESSAGES.locked);
      }
      const method = verifySecondFactorMethod(ctx, user.id, form.get('code') ?? '');
      if (!method) {
        const lockedNow = recordFailure(ctx, subjects);
        ctx.audit(lockedNow ? 'sign_in.locked' : 'sign_in.mfa_failed', {
          email: user.email,
          userId: user.id,
          ip: koa.ip,
        });
        return show(koa, details, progress, lockedNow ? MESSAGES.locked : MESSAGES.badCode);
      }
      return finishLogin(koa, details, user, true);
    },

    async 'mfa-missing'(koa, details, progress) {
      const user = activeUser(progress.userId ?? undefined);
      ctx.audit('sign_in.mfa_not_set_up', { userId: user?.id, email: user?.email, ip: koa.ip });
      return finish(koa, details, {
        error: 'unmet_authentication_requirements',
        error_description: 'multi-factor authentication is required but not set up for this account',
      });
    },

    async abort(koa, details) {
      return finish(koa, details, {
        error: 'access_denied',
        error_description: 'the user cancelled the sign-in',
      });
    },
  };

  provider.use(async (koa, next) => {
    const path = koa.path;
    const launch = /^\/launch\/([^/]+)$/.exec(path);
    if (launch && koa.method === 'GET') {
      const target = redeemLaunchTicket(ctx, launch[1] as string, koa.ip);
      if (typeof target !== 'string')
        return sendPage(koa, errorPage('This link cannot be used', target.message), 410);
      koa.set('Cache-Control', 'no-store');
      koa.set('Referrer-Policy', 'no-referrer');
      koa.redirect(target);
      return;
    }

    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/([a-z-]+))?$/.exec(path);
    if (!match) return next();
    const [, uid, step] = match;

    let details: Details;
    try {
      details = await provider.interactionDetails(koa.req, koa.res);
    } catch {
      return sendPage(koa, errorPage('This sign-in has expired', MESSAGES.expired), 400);
    }
    if (details.uid !== uid)
      return sendPage(koa, errorPage('This sign-in has expired', MESSAGES.expired), 400);

    if (koa.method === 'GET' && !step) {
      if (details.prompt.name === 'consent') return autoConsent(koa, details);
      const progress = loadProgress(details.uid);
      repos.interactionProgress.save(progress);
      return show(koa, details, progress);
    }

    const handler = step ? handlers[step] : undefined;
    if (koa.method !== 'POST' || !handler) {
      koa.status = 405;
      return;
    }
    const form = await readFormBody(koa.req, 16 * 1024);
    const progress = repos.interactionProgress.get(details.uid, ctx.clock());
    if (!progress || !sameToken(form.get('csrf') ?? '', progress.csrf)) {
      return sendPage(koa, errorPage('This form has expired', MESSAGES.badForm), 403);
    }
    if (details.prompt.name !== 'login') return autoConsent(koa, details);
    return handler(koa, details, progress, form);
  });
}

function safeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
