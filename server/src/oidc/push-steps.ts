/**
 * The sign-in's push steps (issue 13; B15): "Send a prompt to my launcher"
 * on the second-factor page, the waiting page with the number, its status
 * poll, and finishing the sign-in once the prompt was approved — only the
 * sign-in (interaction) the prompt is bound to, only once, only within its
 * two minutes.
 *
 * Steps (POST `/interaction/{uid}/…`, CSRF-checked like every step):
 * `push-send` (send or send again), `push-status` (JSON `{ state }` for the
 * page's script), `push-complete` (go on: finish when approved, else say
 * why not), `push-cancel` (withdraw the prompt, back to the code).
 */
import type { PortalContext } from '../context.ts';
import type { UserRecord } from '../repo/users.ts';
import { accountSubject, addressSubject, checkLock } from '../services/lockout.ts';
import {
  canPush,
  PushRateLimited,
  promptStatus,
  sendPrompt,
  takeApproval,
  withdrawPrompts,
} from '../services/push.ts';
import { notifyPrompts } from '../services/push-stream.ts';
import { hasActiveTotp } from '../services/totp.ts';
import type { PageTexts } from '../views/i18n/index.ts';
import { errorPage } from '../views/pages.ts';
import { PUSH_WAIT_HEADERS, pushWaitPage } from '../views/push-pages.ts';
import { type Details, type KoaContext, type StepRequest, sendPage } from './interaction-kit.ts';

/** What the push steps need from the interaction module. */
export interface PushHooks {
  /** The active user of the interaction. */
  user: (request: StepRequest) => Promise<UserRecord | undefined>;
  show: (request: StepRequest, error?: string) => Promise<void>;
  finishWithPush: (request: StepRequest, user: UserRecord) => Promise<void>;
  appName: (details: Details, userId: string) => Promise<string | undefined>;
}

/**
 * Shows the waiting page when this sign-in has a prompt pending (or approved
 * and not yet taken); false when it has none, so the caller shows the code page.
 */
export async function showPushWait(
  ctx: PortalContext,
  page: {
    koa: KoaContext;
    details: Details;
    texts: PageTexts;
    base: string;
    csrf: string;
    error?: string;
    email?: string;
  },
): Promise<boolean> {
  const status = await promptStatus(ctx, page.details.uid);
  if (!status || (status.state !== 'pending' && status.state !== 'approved')) return false;
  sendPage(page.koa, pushWaitPage({ ...page, number: status.number }), page.error ? 401 : 200);
  page.koa.set(PUSH_WAIT_HEADERS);
  return true;
}

/** Whether the second-factor page offers "Send a prompt to my launcher". */
export function offersPush(ctx: PortalContext, userId: string): Promise<boolean> {
  return canPush(ctx, userId);
}

/** The push step handlers (see the module header). */
export function pushSteps(
  ctx: PortalContext,
  hooks: PushHooks,
): Record<string, (request: StepRequest) => Promise<void>> {
  /** The user, when this sign-in stands at its second factor and they have an approver. */
  const atSecondFactor = async (request: StepRequest) => {
    const user = await hooks.user(request);
    if (!user || !request.progress.passwordVerified || request.progress.secondFactorVerified)
      return undefined;
    return (await hasActiveTotp(ctx, user.id)) && (await canPush(ctx, user.id)) ? user : undefined;
  };
  const backToPage = (request: StepRequest) => {
    request.koa.status = 303;
    request.koa.redirect(`/interaction/${request.details.uid}`);
  };

  return {
    async 'push-send'(request) {
      const { koa, details, texts } = request;
      const user = await atSecondFactor(request);
      if (!user) return hooks.show(request);
      if ((await checkLock(ctx, [accountSubject(user.email), addressSubject(koa.ip)])).locked) {
        return hooks.show(request, texts.t.messages.locked);
      }
      try {
        await sendPrompt(ctx, {
          userId: user.id,
          interactionUid: details.uid,
          appName: (await hooks.appName(details, user.id)) ?? null,
          userAgent: koa.get('User-Agent') || null,
          ip: koa.ip || null,
        });
      } catch (error) {
        if (!(error instanceof PushRateLimited)) throw error;
        await ctx.audit('push.rate_limited', { userId: user.id, email: user.email, ip: koa.ip });
        return hooks.show(request, texts.t.push.rateLimited);
      }
      notifyPrompts(ctx, user.id);
      await ctx.audit('push.sent', { userId: user.id, email: user.email, ip: koa.ip });
      return backToPage(request);
    },

    async 'push-status'({ koa, details }) {
      const status = await promptStatus(ctx, details.uid);
      koa.set('Cache-Control', 'no-store');
      koa.type = 'application/json';
      koa.body = JSON.stringify({ state: status?.state ?? 'none' });
    },

    async 'push-complete'(request) {
      const { koa, details, texts } = request;
      const status = await promptStatus(ctx, details.uid);
      if (status?.state === 'reported') {
        return sendPage(koa, errorPage(texts.t.push.reportedTitle, texts.t.push.reported, texts), 403);
      }
      const user = await atSecondFactor(request);
      if (!user || !status) return hooks.show(request);
      switch (status.state) {
        case 'approved':
          if (
            await takeApproval(ctx, { promptId: status.id, interactionUid: details.uid, userId: user.id })
          ) {
            return hooks.finishWithPush(request, user);
          }
          return hooks.show(request, texts.t.push.expired);
        case 'pending':
          return backToPage(request);
        case 'expired':
          await withdrawPrompts(ctx, details.uid);
          notifyPrompts(ctx, user.id);
          return hooks.show(request, texts.t.push.expired);
        case 'denied':
        case 'wrong_number':
          return hooks.show(request, texts.t.push.denied);
        default:
          return hooks.show(request);
      }
    },

    async 'push-cancel'(request) {
      await withdrawPrompts(ctx, request.details.uid);
      const user = await hooks.user(request);
      if (user) notifyPrompts(ctx, user.id);
      return backToPage(request);
    },
  };
}
