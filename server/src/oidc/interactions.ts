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
 * - A user who has a second factor (authenticator; passkey, passkey-steps.ts) gives it at every sign-in (B7). A
 *   user who must have MFA (portal setting or the admin's flag) and has none,
 *   or whose app asks for MFA (step-up) without one, sets one up right here
 *   (mfa-enrolment.ts) and the sign-in then completes with MFA.
 * - Cancel ends the authorization with `access_denied` (RFC 6749 §4.1.2.1).
 * - Pages speak the browser's language (en, de, ar; views/i18n).
 * - All registered clients are first-party (the launcher, apps the admin
 *   registered): consent is granted without a screen, including
 *   `offline_access`.
 * - CSRF: each interaction has a random token stored server-side that every
 *   form must echo. SameSite=Lax cookies already keep cross-site POSTs out;
 *   the token is the second, browser-independent layer.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { InteractionResults } from 'oidc-provider';
import { ACR_MFA, ACR_PASSWORD } from '../../../contract/constants.ts';
import { readFormBody } from '../api/body.ts';
import type { PortalContext } from '../context.ts';
import type { InteractionProgress } from '../repo/interaction-progress.ts';
import type { UserRecord } from '../repo/users.ts';
import { mustHaveMfa } from '../services/accounts.ts';
import {
  accountSubject,
  addressSubject,
  checkLock,
  clearAccountFailures,
  recordFailure,
} from '../services/lockout.ts';
import { hasSecondFactor } from '../services/passkeys.ts';
import { verifyAgainstDummy, verifyPassword } from '../services/passwords.ts';
import { hasActiveTotp, verifySecondFactorMethod } from '../services/totp.ts';
import { en } from '../views/i18n/en.ts';
import { negotiatePage, type PageTexts } from '../views/i18n/index.ts';
import { errorPage, passwordPage } from '../views/pages.ts';
import {
  autoConsent,
  type Details,
  type KoaContext,
  type StepRequest,
  safeJson,
  sendPage,
} from './interaction-kit.ts';
import { enrolmentSteps, showEnrolment } from './mfa-enrolment.ts';
import { passkeySteps, sendEmailPage, sendSecondFactorPage } from './passkey-steps.ts';
import { servePortalPage } from './portal-pages.ts';
import { LAUNCH_APP_PARAM, requestsMfa } from './provider.ts';
import { offersPush, pushSteps, showPushWait } from './push-steps.ts';

/** What the sign-in pages say in English; constants so tests assert the exact wording. */
export const MESSAGES = en.messages;

/** RFC 8176 `amr` values for what the user proved. */
const AMR_PASSWORD = ['pwd'];
const AMR_MFA = ['pwd', 'otp', 'mfa'];
/** Approved on the launcher (issue 13): a software-held device key (`swk`), sent as a push prompt. */
const AMR_PUSH = ['pwd', 'swk', 'push', 'mfa'];

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Mounts the interaction and launch routes on the provider's Koa app. */
export function mountInteractions(ctx: PortalContext): void {
  const { provider, repos, config } = ctx;

  const loadProgress = async (uid: string): Promise<InteractionProgress> =>
    (await repos.interactionProgress.get(uid, ctx.clock())) ?? {
      uid,
      csrf: randomBytes(24).toString('base64url'),
      email: null,
      userId: null,
      passwordVerified: false,
      secondFactorVerified: false,
      expiresAt: ctx.clock() + config.lifetimes.interaction * 1000,
    };

  const activeUser = async (id: string | null | undefined): Promise<UserRecord | undefined> => {
    const user = id ? await repos.users.findById(id) : undefined;
    return user && !user.disabled ? user : undefined;
  };

  /** The app a request is about (for "Verify it's you to open Payroll"). */
  const appNameFor = async (details: Details, userId?: string | null): Promise<string | undefined> => {
    const launchApp = details.params[LAUNCH_APP_PARAM];
    if (typeof launchApp === 'string' && userId && (await repos.apps.isAssigned(launchApp, userId))) {
      return (await repos.apps.findById(launchApp))?.name;
    }
    const clientId = details.params.client_id;
    return typeof clientId === 'string' ? (await repos.apps.findByClientId(clientId))?.name : undefined;
  };

  const mfaRequested = (details: Details) =>
    requestsMfa(details.params, details.params.claims ? safeJson(details.params.claims) : undefined);

  /**
   * Whether this sign-in goes on past the password for `user`: for a user who has an
   * authenticator (B7; unless the admin turned `mfaAtSignIn` off) or must have one, and
   * when the request asks for MFA (a user without a factor then sets one up).
   */
  const needsSecondFactor = async (details: Details, user: UserRecord) =>
    (ctx.config.mfaAtSignIn && (await hasSecondFactor(ctx, user.id))) ||
    mustHaveMfa(ctx, user) ||
    mfaRequested(details);

  /** A still-valid session whose user only needs to prove something more (step-up or re-auth). */
  const sessionUserFor = async (details: Details): Promise<UserRecord | undefined> => {
    const reasons = details.prompt.reasons;
    if (reasons.some((r) => ['no_session', 'id_token_hint', 'claims_id_token_sub_value'].includes(r)))
      return undefined;
    const user = await activeUser(details.session?.accountId);
    const hint = details.params.login_hint;
    if (user && typeof hint === 'string' && hint && hint.toLowerCase() !== user.email.toLowerCase())
      return undefined;
    return user;
  };

  const finish = async (koa: KoaContext, details: Details, result: InteractionResults) => {
    await repos.interactionProgress.delete(details.uid);
    const returnTo = await provider.interactionResult(koa.req, koa.res, result, {
      mergeWithLastSubmission: false,
    });
    koa.status = 303;
    koa.redirect(returnTo);
  };

  const finishLogin = async (
    koa: KoaContext,
    details: Details,
    user: UserRecord,
    withMfa: boolean,
    amr = withMfa ? AMR_MFA : AMR_PASSWORD,
  ) => {
    const stepUp = details.session?.accountId === user.id;
    await clearAccountFailures(ctx, user.email);
    await ctx.audit(withMfa && stepUp ? 'step_up.succeeded' : 'sign_in.succeeded', {
      userId: user.id,
      email: user.email,
      ip: koa.ip,
      acr: withMfa ? ACR_MFA : ACR_PASSWORD,
      amr,
      client: details.params.client_id,
    });
    await finish(koa, details, {
      login: {
        accountId: user.id,
        acr: withMfa ? ACR_MFA : ACR_PASSWORD,
        amr,
        remember: true,
      },
    });
  };

  /** Renders the page for where this interaction stands. */
  const show = async (
    koa: KoaContext,
    details: Details,
    progress: InteractionProgress,
    texts: PageTexts,
    error?: string,
  ) => {
    const base = `/interaction/${details.uid}`;
    const page = { base, csrf: progress.csrf, error, texts };
    const sessionUser = await sessionUserFor(details);

    // Step-up / re-authentication of a still-valid session: never ask for the
    // email again, and for step-up (RFC 9470) only the second factor. An
    // explicit prompt=login re-checks the password too.
    const fullReauth = details.prompt.reasons.includes('login_prompt');
    if (!progress.userId && !progress.email && sessionUser) {
      progress.email = sessionUser.email;
      // The session already proved the password: go straight to the second factor (or,
      // for a user without one, to setting one up).
      if (!fullReauth && (await needsSecondFactor(details, sessionUser))) {
        progress.userId = sessionUser.id;
        progress.passwordVerified = true;
      }
      await repos.interactionProgress.save(progress);
    }

    const user = await activeUser(progress.userId);
    if (user && progress.passwordVerified) {
      if ((await hasSecondFactor(ctx, user.id)) && !progress.secondFactorVerified) {
        const email = progress.email ?? undefined;
        if (await showPushWait(ctx, { koa, details, texts, base, csrf: progress.csrf, error, email })) return;
        return sendSecondFactorPage(ctx, koa, user, {
          ...page,
          uid: details.uid,
          action: `${base}/second-factor`,
          appName: await appNameFor(details, user.id),
          stepUp: !!sessionUser,
          email,
          push: await offersPush(ctx, user.id),
        });
      }
      return showEnrolment(
        ctx,
        { appName: appNameFor },
        { koa, details, texts, base, csrf: progress.csrf, error },
        user,
        progress.secondFactorVerified,
      );
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
    return sendEmailPage(ctx, koa, {
      ...page,
      uid: details.uid,
      action: `${base}/email`,
      email: typeof hint === 'string' ? hint : undefined,
      appName: await appNameFor(details),
    });
  };

  const reshow = (request: StepRequest, error?: string) =>
    show(request.koa, request.details, request.progress, request.texts, error);

  /** Keeps what the user proved so far and sends them on to the sign-in's next page. */
  const saveAndContinue = async ({ koa, details, progress }: StepRequest) => {
    await repos.interactionProgress.save(progress);
    koa.status = 303;
    koa.redirect(`/interaction/${details.uid}`);
  };

  /** A (new) email starts the sign-in over: nothing is proven for it yet. */
  const startOver = (request: StepRequest, email: string | null) => {
    const { progress } = request;
    progress.email = email;
    progress.userId = null;
    progress.passwordVerified = false;
    progress.secondFactorVerified = false;
    return saveAndContinue(request);
  };

  const handlers: Record<string, (request: StepRequest) => Promise<void>> = {
    async email(request) {
      const { form, texts } = request;
      const email = (form.get('email') ?? '').trim();
      if (!/^[^\s@]{1,64}@[^\s@]{1,190}$/.test(email)) return reshow(request, texts.t.messages.badEmail);
      await startOver(request, email);
    },

    'change-email': (request) => startOver(request, null),

    async password(request) {
      const { koa, details, progress, form } = request;
      const { messages } = request.texts.t;
      if (!progress.email) return reshow(request);
      const email = progress.email;
      const password = form.get('password') ?? '';
      const subjects = [accountSubject(email), addressSubject(koa.ip)];
      const user = await activeUser((await repos.users.findByEmail(email))?.id);
      // Same argon2 work whatever the account's state (B9/B18 timing).
      const passwordOk =
        password.length <= 1024 && user?.passwordHash
          ? await verifyPassword(user.passwordHash, password)
          : await verifyAgainstDummy(password.slice(0, 1024));
      const lock = await checkLock(ctx, subjects);
      if (lock.locked) {
        if (!passwordOk) await recordFailure(ctx, subjects);
        await ctx.audit('sign_in.locked', { email, userId: user?.id, ip: koa.ip });
        return reshow(request, messages.locked);
      }
      if (!passwordOk || !user) {
        const lockedNow = await recordFailure(ctx, subjects);
        await ctx.audit(lockedNow ? 'sign_in.locked' : 'sign_in.failed', {
          email,
          userId: user?.id,
          ip: koa.ip,
          reason: 'bad_credentials',
        });
        return reshow(request, lockedNow ? messages.locked : messages.badCredentials);
      }
      if (!(await needsSecondFactor(details, user))) return finishLogin(koa, details, user, false);
      progress.userId = user.id;
      progress.passwordVerified = true;
      await saveAndContinue(request);
    },

    async 'second-factor'(request) {
      const { koa, details, progress, form } = request;
      const { messages } = request.texts.t;
      const user = await activeUser(progress.userId);
      if (!user || !progress.passwordVerified || !(await hasActiveTotp(ctx, user.id))) return reshow(request);
      const subjects = [accountSubject(user.email), addressSubject(koa.ip)];
      if ((await checkLock(ctx, subjects)).locked) {
        await ctx.audit('sign_in.locked', { email: user.email, userId: user.id, ip: koa.ip, factor: 'totp' });
        return reshow(request, messages.locked);
      }
      const method = await verifySecondFactorMethod(ctx, user.id, form.get('code') ?? '');
      if (!method) {
        const lockedNow = await recordFailure(ctx, subjects);
        await ctx.audit(lockedNow ? 'sign_in.locked' : 'sign_in.mfa_failed', {
          email: user.email,
          userId: user.id,
          ip: koa.ip,
        });
        return reshow(request, lockedNow ? messages.locked : messages.badCode);
      }
      return finishLogin(koa, details, user, true);
    },

    ...passkeySteps(ctx, {
      activeUser,
      show: reshow,
      finish: (request, user, amr) => finishLogin(request.koa, request.details, user, true, amr),
    }),

    ...enrolmentSteps(ctx, {
      user: (request) => activeUser(request.progress.userId),
      show: reshow,
      finishWithMfa: (request, user, amr) => finishLogin(request.koa, request.details, user, true, amr),
      appName: appNameFor,
    }),

    ...pushSteps(ctx, {
      user: (request) => activeUser(request.progress.userId),
      show: reshow,
      finishWithPush: (request, user) => finishLogin(request.koa, request.details, user, true, AMR_PUSH),
      appName: appNameFor,
    }),

    async abort({ koa, details }) {
      return finish(koa, details, {
        error: 'access_denied',
        error_description: 'the user cancelled the sign-in',
      });
    },
  };

  provider.use(async (koa, next) => {
    if (await servePortalPage(ctx, koa)) return;
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/([a-z-]+))?$/.exec(koa.path);
    if (!match) return next();
    const [, uid, step] = match;
    const texts = negotiatePage(koa);
    const expired = () =>
      sendPage(koa, errorPage(texts.t.errors.expiredTitle, texts.t.messages.expired, texts), 400);

    let details: Details;
    try {
      details = await provider.interactionDetails(koa.req, koa.res);
    } catch {
      return expired();
    }
    if (details.uid !== uid) return expired();

    if (koa.method === 'GET' && !step) {
      if (details.prompt.name === 'consent') return autoConsent(provider, koa, details);
      const progress = await loadProgress(details.uid);
      await repos.interactionProgress.save(progress);
      return show(koa, details, progress, texts);
    }

    const handler = step ? handlers[step] : undefined;
    if (koa.method !== 'POST' || !handler) {
      koa.status = 405;
      return;
    }
    const form = await readFormBody(koa.req, 16 * 1024);
    const progress = await repos.interactionProgress.get(details.uid, ctx.clock());
    if (!progress || !sameToken(form.get('csrf') ?? '', progress.csrf)) {
      return sendPage(koa, errorPage(texts.t.errors.formExpiredTitle, texts.t.messages.badForm, texts), 403);
    }
    if (details.prompt.name !== 'login') return autoConsent(provider, koa, details);
    return handler({ koa, details, progress, form, texts });
  });
}
