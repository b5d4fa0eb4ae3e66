/**
 * Background handlers for the push approval messages ({@link pushProtocol}):
 * enrol this browser as an approver (a new device key, registered after a
 * fresh second factor, B11), list and remove approver devices, read the
 * prompts waiting here and answer one with a signature of the device key
 * (A15).
 *
 * Contract:
 * - The number chosen goes to the portal as it is: only the portal knows the
 *   number on the sign-in page and decides (B15). The launcher never learns
 *   which of the three is right.
 * - A portal that no longer knows this browser's device (removed from another
 *   device, or answers refused as unsigned) makes the browser forget its key,
 *   so it stops listening; enrolling again makes a new one.
 * - Changes resolve with an `AccountResult`, answers with a
 *   {@link PushAnswerResult}; only bugs reject.
 */
import {
  approverSchema,
  approversResponseSchema,
  type PushPrompt,
  pushOutcomeSchema,
  pushPromptsResponseSchema,
} from '../../contract/push.ts';
import { change, read, toAccountProblem, type WithStepUp } from '../account/handlers.ts';
import { AuthError } from '../auth/errors.ts';
import { noContentSchema, type PortalRequest } from '../portal/account-api.ts';
import type { DeviceKey } from './device-key.ts';
import type { PushAnswerResult, PushProtocol, PushRequest, PushResponse } from './protocol.ts';

/** Who is signed in where (null: signed out, or a provider without the portal API). */
export type PortalAccount = () => Promise<{ issuer: string; sub: string } | null>;

export interface PushHandlersOptions {
  request: PortalRequest;
  withStepUp: WithStepUp;
  account: PortalAccount;
  deviceKey: DeviceKey;
  /** The prompts kept for the popup and the notifications (./prompt-inbox.ts). */
  inbox: {
    update(prompts: PushPrompt[]): Promise<void>;
    drop(id: string): Promise<void>;
    current(): Promise<PushPrompt[]>;
  };
  /** Tells the watcher to connect or disconnect after enrolment changed (./prompt-watcher.ts). */
  enrolmentChanged(): Promise<void>;
}

export type PushHandlers = {
  [N in keyof PushProtocol]: (request: PushRequest<N>) => Promise<PushResponse<N>>;
};

const ALREADY_ENROLLED = 'This browser already approves your sign-ins.';
const NOT_ENROLLED =
  'This browser does not approve sign-ins for your account. Turn it on in the security centre.';

export function createPushHandlers(options: PushHandlersOptions): PushHandlers {
  const { request, deviceKey, inbox } = options;

  async function requireAccount(): Promise<{ issuer: string; sub: string }> {
    const account = await options.account();
    if (!account) throw new AuthError('signed_out', 'You are signed out. Sign in to continue.');
    return account;
  }

  /** This browser's device id for the signed-in person, or null when it is not their approver. */
  async function ownDeviceId(account: { issuer: string; sub: string }): Promise<string | null> {
    return (await deviceKey.current(account.issuer, account.sub))?.deviceId ?? null;
  }

  async function forgetKey(): Promise<void> {
    await deviceKey.forget();
    await options.enrolmentChanged();
  }

  return {
    listApprovers: () =>
      read(async () => {
        const account = await requireAccount();
        const { approvers } = await request('GET', '/me/approvers', approversResponseSchema);
        let own = await ownDeviceId(account);
        if (own !== null && !approvers.some((approver) => approver.id === own)) {
          // Removed from another device (or by an administrator): this browser no longer approves.
          await forgetKey();
          own = null;
        }
        return {
          approvers: approvers.map((approver) => ({ ...approver, thisBrowser: approver.id === own })),
          thisBrowserEnrolled: own !== null,
        };
      }),

    enrolApprover: async ({ name }) => {
      const account = await options.account();
      if (account && (await ownDeviceId(account)) !== null) {
        return { ok: false, problem: { code: 'validation_failed', message: ALREADY_ENROLLED } };
      }
      return change(async () => {
        const account = await requireAccount();
        const publicKey = await deviceKey.create(account.issuer);
        const approver = await options.withStepUp('approve sign-ins from this browser', () =>
          request('POST', '/me/approvers', approverSchema, { name, publicKey }),
        );
        await deviceKey.enrolled(account.issuer, approver.id, account.sub);
        await options.enrolmentChanged();
        return approver;
      });
    },

    removeApprover: ({ id }) =>
      change(async () => {
        const account = await requireAccount();
        await request('DELETE', `/me/approvers/${encodeURIComponent(id)}`, noContentSchema);
        if ((await ownDeviceId(account)) === id) await forgetKey();
        return {};
      }),

    async getPushPrompts() {
      const account = await options.account();
      if (!account || (await ownDeviceId(account)) === null) return { enrolled: false, prompts: [] };
      try {
        const { prompts } = await request('GET', '/me/push/prompts', pushPromptsResponseSchema);
        await inbox.update(prompts);
        return { enrolled: true, prompts: await inbox.current() };
      } catch (error) {
        // Offline or signed out a moment ago: what the stream delivered last is still worth showing.
        if (!toAccountProblem(error)) throw error;
        return { enrolled: true, prompts: await inbox.current() };
      }
    },

    async answerPushPrompt({ id, decision, number }): Promise<PushAnswerResult> {
      try {
        const account = await requireAccount();
        if ((await ownDeviceId(account)) === null) {
          return { ok: false, problem: { code: 'push_signature_invalid', message: NOT_ENROLLED } };
        }
        const { deviceId, signature } = await deviceKey.signAnswer(account.issuer, id, number, decision);
        const { outcome } = await request(
          'POST',
          `/me/push/prompts/${encodeURIComponent(id)}/answer`,
          pushOutcomeSchema,
          {
            deviceId,
            decision,
            number,
            signature,
          },
        );
        await inbox.drop(id);
        return { ok: true, outcome };
      } catch (error) {
        const problem = toAccountProblem(error);
        if (!problem) throw error;
        if (problem.code === 'push_prompt_gone') await inbox.drop(id);
        // The portal does not know this device (any more): stop listening; enrolling again fixes it.
        if (problem.code === 'push_signature_invalid') await forgetKey();
        return { ok: false, problem };
      }
    },
  };
}
