/**
 * Push approval messages (issue 13; A15, B15): the options page enrols this
 * browser and manages approver devices; the popup reads pending prompts and
 * answers them. Same style as utils/account/protocol.ts (verb → zod request
 * and response), spread into `protocol` in utils/messaging.ts, so the same
 * envelope, sender check (A6) and validation apply.
 *
 * Contract:
 * - Nothing here carries key material: the background creates, keeps and uses
 *   the device key (utils/push/device-key.ts); pages only name a decision and
 *   the number chosen. The portal decides whether the number was right.
 * - Changes answer an `AccountResult` (utils/account/protocol.ts); reads fail
 *   with an `AccountError` code.
 */
import * as z from 'zod/mini';
import { lazy, lazyEach } from '../../contract/lazy.ts';
import {
  approverCreateSchema,
  approverSchema,
  PUSH_DECISIONS,
  pushPromptSchema,
} from '../../contract/push.ts';
import { accountProblemSchema, accountResultSchema } from '../account/protocol.ts';

const empty = lazy(() => z.strictObject({}));
const id = lazy(() => z.string().check(z.minLength(1), z.maxLength(100)));

/** An approver device as the security centre lists it. */
export const approverViewSchema = lazy(() =>
  z.extend(approverSchema, {
    /** True for the device whose key this browser holds. */
    thisBrowser: z.boolean(),
  }),
);
export type ApproverView = z.infer<typeof approverViewSchema>;

/** How an answer went: the portal's outcome, or an expected problem (gone, offline, not enrolled…). */
export const pushAnswerResultSchema = lazy(() =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), outcome: z.enum(['approved', 'denied', 'reported', 'wrong_number']) }),
    z.object({ ok: z.literal(false), problem: accountProblemSchema }),
  ]),
);
export type PushAnswerResult = z.infer<typeof pushAnswerResultSchema>;

/** The push verbs, spread into `protocol` in utils/messaging.ts. */
export const pushProtocol = lazyEach({
  /** `GET /me/approvers`, with this browser marked; `thisBrowserEnrolled` false offers enrolment. */
  listApprovers: () => ({
    request: empty,
    response: z.object({
      approvers: z.array(approverViewSchema).check(z.maxLength(50)),
      thisBrowserEnrolled: z.boolean(),
    }),
  }),
  /** A new device key, registered as `POST /me/approvers` under `name` (step-up, B11). */
  enrolApprover: () => ({
    request: z.strictObject({ name: approverCreateSchema.shape.name }),
    response: accountResultSchema(approverSchema),
  }),
  /** `DELETE /me/approvers/{id}`; this browser's own forgets its key too. */
  removeApprover: () => ({ request: z.strictObject({ id }), response: accountResultSchema(empty) }),
  /** The prompts waiting for this browser (none when it is not an approver). */
  getPushPrompts: () => ({
    request: empty,
    response: z.object({ enrolled: z.boolean(), prompts: z.array(pushPromptSchema).check(z.maxLength(20)) }),
  }),
  /** Signs and sends the answer to one prompt (A15). */
  answerPushPrompt: () => ({
    request: z
      .strictObject({
        id,
        decision: z.enum(PUSH_DECISIONS),
        number: z.nullable(z.int().check(z.gte(10), z.lte(99))),
      })
      .check(
        z.refine((answer) => (answer.decision === 'approve') === (answer.number !== null), {
          message: 'Approve names a number; deny and "this wasn\'t me" do not.',
        }),
      ),
    response: pushAnswerResultSchema,
  }),
});

export type PushProtocol = typeof pushProtocol;
export type PushVerb = keyof PushProtocol;
export type PushRequest<N extends PushVerb> = z.output<PushProtocol[N]['request']>;
export type PushResponse<N extends PushVerb> = z.output<PushProtocol[N]['response']>;
