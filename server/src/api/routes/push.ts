/**
 * Push approvals for the launcher (issue 13; A15, B15):
 * `GET/POST /me/approvers`, `DELETE /me/approvers/{id}` (approver devices),
 * `GET /me/push/prompts` (poll), `GET /me/push/stream` (server-sent events),
 * `POST /me/push/prompts/{id}/answer` (a signed answer).
 *
 * Enrolling a device is a sensitive change (B11: fresh second factor).
 * Removing one needs no step-up, so a device can remove itself and a lost
 * one can be cut off at once; removal only takes power away.
 */
import { SENSITIVE_CHANGE_MAX_AGE } from '../../../../contract/constants.ts';
import {
  approverCreateSchema,
  approverSchema,
  approversResponseSchema,
  pushAnswerSchema,
  pushOutcomeSchema,
  pushPromptsResponseSchema,
} from '../../../../contract/push.ts';
import {
  addApprover,
  answerPrompt,
  listUserApprovers,
  pendingPrompts,
  removeApprover,
} from '../../services/push.ts';
import { notifyPrompts, openPromptStream } from '../../services/push-stream.ts';
import { hasActiveTotp } from '../../services/totp.ts';
import { requireRecentAuthentication } from '../auth.ts';
import { defineRoute } from '../route.ts';

/** Approver and prompt routes. */
export const pushRoutes = [
  defineRoute({
    method: 'GET',
    path: '/me/approvers',
    auth: true,
    response: approversResponseSchema,
    handler: async ({ portal, user }) => ({ body: { approvers: await listUserApprovers(portal, user.id) } }),
  }),

  defineRoute({
    method: 'POST',
    path: '/me/approvers',
    auth: true,
    body: approverCreateSchema,
    response: approverSchema,
    handler: async ({ portal, user, token, body, request }) => {
      requireRecentAuthentication(token, {
        hasSecondFactor: await hasActiveTotp(portal, user.id),
        maxAgeSeconds: SENSITIVE_CHANGE_MAX_AGE,
        clock: portal.clock,
        what: 'approve sign-ins from this browser',
      });
      const approver = await addApprover(portal, user.id, body);
      await portal.audit('push.approver_added', {
        userId: user.id,
        ip: request.ip,
        deviceId: approver.id,
        name: approver.name,
      });
      return { status: 201, body: approver, headers: { Location: `/api/v1/me/approvers/${approver.id}` } };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/me/approvers/:id',
    auth: true,
    handler: async ({ portal, user, request }) => {
      const id = request.params.id as string;
      await removeApprover(portal, user.id, id);
      await portal.audit('push.approver_removed', { userId: user.id, ip: request.ip, deviceId: id });
      return { status: 204 };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/me/push/prompts',
    auth: true,
    response: pushPromptsResponseSchema,
    handler: async ({ portal, user }) => ({ body: { prompts: await pendingPrompts(portal, user.id) } }),
  }),

  defineRoute({
    method: 'GET',
    path: '/me/push/stream',
    auth: true,
    handler: ({ portal, user, token, request }) => ({
      stream: openPromptStream(portal, {
        userId: user.id,
        grantId: token.grantId,
        expiresAt: token.expiresAt,
        raw: request.raw,
      }),
    }),
  }),

  defineRoute({
    method: 'POST',
    path: '/me/push/prompts/:id/answer',
    auth: true,
    body: pushAnswerSchema,
    response: pushOutcomeSchema,
    handler: async ({ portal, user, body, request }) => {
      const outcome = await answerPrompt(portal, user, request.params.id as string, body, request.ip);
      notifyPrompts(portal, user.id);
      return { body: { outcome } };
    },
  }),
];
