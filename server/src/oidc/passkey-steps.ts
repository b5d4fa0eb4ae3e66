/**
 * Passkeys inside a sign-in interaction (B19):
 * - as the second factor after the password, and at step-up: offered first
 *   when the user has one (`passkey` step);
 * - alone, from the email page, when the admin allows it (`passkey-sign-in`
 *   step; user verification always required).
 * Each page render binds a fresh challenge to this interaction (and, for the
 * second factor, to its user); the first answer uses it up (services/passkeys.ts).
 * `amr` says which method was used (RFC 8176, see services/passkeys.ts); `acr` is MFA.
 */
import type { PortalContext } from '../context.ts';
import type { UserRecord } from '../repo/users.ts';
import { accountSubject, addressSubject, checkLock, recordFailure } from '../services/lockout.ts';
import {
  afterPassword,
  authenticationOptions,
  hasPasskey,
  PasskeyError,
  passkeysAllowed,
  verifyPasskeyUse,
} from '../services/passkeys.ts';
import { hasActiveTotp } from '../services/totp.ts';
import type { SafeHtml } from '../views/html.ts';
import type { PageTexts } from '../views/i18n/index.ts';
import { emailPage, secondFactorPage } from '../views/pages.ts';
import { PASSKEY_PAGE_HEADERS, passkeyBlock } from '../views/passkey-pages.ts';
import { type KoaContext, type StepRequest, sendPage } from './interaction-kit.ts';

/** What the passkey steps need from the interaction module. */
export interface PasskeyHooks {
  /** An active user by id (undefined for a disabled or unknown one). */
  activeUser(id: string | null): Promise<UserRecord | undefined>;
  /** Re-renders wherever the interaction stands (with an optional error). */
  show(request: StepRequest, error?: string): Promise<void>;
  /** Completes the login with MFA and these `amr` values. */
  finish(request: StepRequest, user: UserRecord, amr: string[]): Promise<void>;
}

/** Whether passkey-only sign-in is offered. */
export function passkeySignInAllowed(ctx: Pick<PortalContext, 'config' | 'issuer'>): boolean {
  return ctx.config.passkeySignIn && passkeysAllowed(ctx);
}

/** The "Use your passkey" block for `user`'s second factor, or null when they have none. */
export async function secondFactorPasskeyBlock(
  ctx: PortalContext,
  view: { uid: string; base: string; csrf: string; texts: PageTexts; codeFollows: boolean },
  user: UserRecord,
): Promise<SafeHtml | null> {
  if (!(await hasPasskey(ctx, user.id))) return null;
  const requestOptions = await authenticationOptions(ctx, { id: `signin:${view.uid}`, userId: user.id });
  return passkeyBlock({
    texts: view.texts,
    action: `${view.base}/passkey`,
    csrf: view.csrf,
    requestOptions,
    alone: false,
    codeFollows: view.codeFollows,
  });
}

/**
 * The second-factor (or step-up) page for `user`: the passkey first when they have one, then
 * the code form when they have an authenticator app (scripts allowed only with a passkey).
 */
export async function sendSecondFactorPage(
  ctx: PortalContext,
  koa: KoaContext,
  user: UserRecord,
  options: Omit<Parameters<typeof secondFactorPage>[0], 'passkey' | 'codeForm'> & { uid: string },
): Promise<void> {
  const codeForm = await hasActiveTotp(ctx, user.id);
  const view = { uid: options.uid, base: options.base, csrf: options.csrf, texts: options.texts };
  const passkey = await secondFactorPasskeyBlock(ctx, { ...view, codeFollows: codeForm }, user);
  sendPage(
    koa,
    secondFactorPage({ ...options, passkey, codeForm }),
    options.error ? 401 : 200,
    passkey ? PASSKEY_PAGE_HEADERS : undefined,
  );
}

/** The "Sign in with a passkey" block of the email page, or null when the admin does not allow it. */
export async function signInPasskeyBlock(
  ctx: PortalContext,
  view: { uid: string; base: string; csrf: string; texts: PageTexts },
): Promise<SafeHtml | null> {
  if (!passkeySignInAllowed(ctx)) return null;
  const requestOptions = await authenticationOptions(ctx, { id: `signin-alone:${view.uid}`, userId: null });
  return passkeyBlock({
    texts: view.texts,
    action: `${view.base}/passkey-sign-in`,
    csrf: view.csrf,
    requestOptions,
    alone: true,
    codeFollows: false,
  });
}

/** The email page, with "Sign in with a passkey" when the admin allows it. */
export async function sendEmailPage(
  ctx: PortalContext,
  koa: KoaContext,
  options: Omit<Parameters<typeof emailPage>[0], 'passkey'> & { uid: string },
): Promise<void> {
  const view = { uid: options.uid, base: options.base, csrf: options.csrf, texts: options.texts };
  const passkey = await signInPasskeyBlock(ctx, view);
  sendPage(
    koa,
    emailPage({ ...options, passkey }),
    options.error ? 400 : 200,
    passkey ? PASSKEY_PAGE_HEADERS : undefined,
  );
}

/** The POST steps, keyed by their path segment. */
export function passkeySteps(
  ctx: PortalContext,
  hooks: PasskeyHooks,
): Record<'passkey' | 'passkey-sign-in', (request: StepRequest) => Promise<void>> {
  const failed = async (
    request: StepRequest,
    email: string | undefined,
    userId: string | undefined,
    why: string,
  ) => {
    await ctx.audit('sign_in.mfa_failed', {
      email,
      userId,
      ip: request.koa.ip,
      factor: 'passkey',
      reason: why,
    });
    await hooks.show(request, request.texts.t.passkey.failed);
  };
  return {
    async passkey(request) {
      const { koa, details, progress, form } = request;
      const user = await hooks.activeUser(progress.userId);
      if (!user || !progress.passwordVerified || !(await hasPasskey(ctx, user.id)))
        return hooks.show(request);
      const subjects = [accountSubject(user.email), addressSubject(koa.ip)];
      if ((await checkLock(ctx, subjects)).locked)
        return hooks.show(request, request.texts.t.messages.locked);
      try {
        const use = await verifyPasskeyUse(
          ctx,
          { id: `signin:${details.uid}`, userId: user.id },
          form.get('response') ?? '',
        );
        return hooks.finish(request, user, afterPassword(use.amr));
      } catch (error) {
        if (!(error instanceof PasskeyError)) throw error;
        await recordFailure(ctx, subjects);
        return failed(request, user.email, user.id, error.code);
      }
    },

    async 'passkey-sign-in'(request) {
      const { koa, details, form } = request;
      if (!passkeySignInAllowed(ctx)) return hooks.show(request);
      try {
        const use = await verifyPasskeyUse(
          ctx,
          { id: `signin-alone:${details.uid}`, userId: null },
          form.get('response') ?? '',
        );
        const user = await hooks.activeUser(use.credential.userId);
        // A disabled account fails like any refused passkey; a locked one stays locked.
        if (!user) return failed(request, undefined, undefined, 'account_inactive');
        if ((await checkLock(ctx, [accountSubject(user.email), addressSubject(koa.ip)])).locked) {
          return hooks.show(request, request.texts.t.messages.locked);
        }
        if (!use.userVerified) return failed(request, user.email, user.id, 'not_verified');
        request.progress.email = user.email;
        return hooks.finish(request, user, use.amr);
      } catch (error) {
        if (!(error instanceof PasskeyError)) throw error;
        return failed(request, undefined, undefined, error.code);
      }
    },
  };
}
