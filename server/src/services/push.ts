/**
 * Push approvals with number matching (issue 13; SECURITY.md A15, B15):
 * approver devices, prompts bound to one pending sign-in, and the answers
 * their device keys sign.
 *
 * Contract:
 * - {@link sendPrompt} withdraws the sign-in's earlier prompts and stores a
 *   new one living {@link PUSH_PROMPT_LIFETIME_SECONDS} (B15), or throws
 *   {@link PushRateLimited} past {@link PUSH_PROMPTS_PER_WINDOW} per user.
 * - {@link answerPrompt} verifies the device's ECDSA P-256 signature over
 *   {@link pushAnswerMessage} with node's WebCrypto and decides on the
 *   portal: the number chosen must be the one on the sign-in page (the
 *   launcher is never told which one it is). A wrong number refuses the
 *   sign-in and counts as a failure (lockout, B9). Each prompt is answered
 *   once; a device removed a moment ago answers nothing.
 * - {@link takeApproval} lets the one sign-in the prompt is bound to finish,
 *   once.
 * Step-up and audit of enrolment are the routes' job.
 */
import { randomInt, randomUUID, webcrypto } from 'node:crypto';
import {
  type Approver,
  type ApproverCreate,
  MAX_APPROVERS_PER_USER,
  MAX_PENDING_PROMPTS,
  PUSH_PROMPT_LIFETIME_SECONDS,
  PUSH_PROMPTS_PER_WINDOW,
  PUSH_RATE_WINDOW_SECONDS,
  type PushAnswer,
  type PushOutcome,
  type PushPrompt,
  pushAnswerMessage,
} from '../../../contract/push.ts';
import { ApiProblem } from '../api/problem.ts';
import type { PortalContext } from '../context.ts';
import * as repo from '../repo/push.ts';
import { accountSubject, recordFailure } from './lockout.ts';
import { describeDevice } from './user-agent.ts';

const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Thrown by {@link sendPrompt} when the user was sent too many prompts lately. */
export class PushRateLimited extends Error {
  override name = 'PushRateLimited';
}

function toApprover(row: repo.ApproverRow): Approver {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    lastUsedAt: row.last_used_at == null ? null : new Date(Number(row.last_used_at)).toISOString(),
  };
}

/** The user's approver devices, oldest first. */
export async function listUserApprovers(ctx: Pick<PortalContext, 'db'>, userId: string): Promise<Approver[]> {
  return (await repo.listApprovers(ctx.db, userId)).map(toApprover);
}

/** Imports a stored or offered public key; throws when it is not a point on P-256. */
function importPublicKey(jwk: {
  kty: string;
  crv: string;
  x: string;
  y: string;
}): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, P256, false, [
    'verify',
  ]);
}

/**
 * Enrols a device.
 *
 * @throws {ApiProblem} 422 `approver_key_invalid`, 409 `collection_limit` (B21) or `validation_failed` for a duplicate.
 */
export async function addApprover(
  ctx: Pick<PortalContext, 'db' | 'clock'>,
  userId: string,
  input: ApproverCreate,
): Promise<Approver> {
  const { kty, crv, x, y } = input.publicKey;
  try {
    await importPublicKey({ kty, crv, x, y });
  } catch {
    throw new ApiProblem(422, 'approver_key_invalid', 'Device key not accepted', {
      detail: 'The device key is not an ECDSA P-256 public key.',
      errors: { publicKey: 'Not a point on the P-256 curve.' },
    });
  }
  const row: repo.ApproverRow = {
    id: randomUUID(),
    user_id: userId,
    name: input.name,
    public_key_jwk: JSON.stringify({ kty, crv, x, y }),
    created_at: ctx.clock(),
    last_used_at: null,
  };
  const stored = await repo.insertApprover(ctx.db, row, MAX_APPROVERS_PER_USER);
  if (stored === 'limit') {
    throw new ApiProblem(409, 'collection_limit', 'Too many approver devices', {
      detail: `You can have at most ${MAX_APPROVERS_PER_USER} approver devices. Remove one first.`,
    });
  }
  if (stored === 'duplicate') {
    throw new ApiProblem(409, 'approver_key_invalid', 'Device already enrolled', {
      detail: 'This device is already an approver.',
    });
  }
  return toApprover(row);
}

/** Removes a device; from now on its answers are refused. @throws {ApiProblem} 404 when it is not the user's. */
export async function removeApprover(
  ctx: Pick<PortalContext, 'db'>,
  userId: string,
  id: string,
): Promise<void> {
  if (!(await repo.deleteApprover(ctx.db, userId, id))) {
    throw new ApiProblem(404, 'not_found', 'No such device', {
      detail: 'This approver device does not exist.',
    });
  }
}

/** Whether prompts can be sent to the user (they have an approver). */
export function canPush(ctx: Pick<PortalContext, 'db'>, userId: string): Promise<boolean> {
  return repo.hasApprovers(ctx.db, userId);
}

/** Three different two-digit numbers in random order, one of them `number`. */
function choicesAround(number: number): number[] {
  const choices = [number];
  while (choices.length < 3) {
    const other = randomInt(10, 100);
    if (!choices.includes(other)) choices.push(other);
  }
  for (let i = choices.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [choices[i], choices[j]] = [choices[j] as number, choices[i] as number];
  }
  return choices;
}

/** What a new prompt says about the sign-in. */
export interface PromptOrigin {
  userId: string;
  interactionUid: string;
  appName: string | null;
  userAgent: string | null;
  ip: string | null;
}

/**
 * Sends a new prompt for a pending sign-in (earlier prompts of it are
 * withdrawn). Returns its id and the number to show on the sign-in page.
 *
 * @throws {PushRateLimited} past the per-user limit (B15).
 */
export async function sendPrompt(
  ctx: Pick<PortalContext, 'db' | 'clock'>,
  origin: PromptOrigin,
): Promise<{ id: string; number: number; expiresAt: number }> {
  const now = ctx.clock();
  const number = randomInt(10, 100);
  const device = describeDevice(origin.userAgent);
  const browser = device.browser ? [device.browser, device.os].filter(Boolean).join(' on ') : null;
  const row = {
    id: randomUUID(),
    user_id: origin.userId,
    interaction_uid: origin.interactionUid,
    number,
    choices: JSON.stringify(choicesAround(number)),
    app_name: origin.appName,
    browser,
    ip: origin.ip,
    created_at: now,
    expires_at: now + PUSH_PROMPT_LIFETIME_SECONDS * 1000,
  };
  await repo.withdrawPending(ctx.db, origin.interactionUid);
  if (
    !(await repo.insertChallenge(ctx.db, row, PUSH_PROMPTS_PER_WINDOW, now - PUSH_RATE_WINDOW_SECONDS * 1000))
  ) {
    throw new PushRateLimited('Too many prompts were sent to this account; wait a few minutes.');
  }
  return { id: row.id, number, expiresAt: row.expires_at };
}

/** Withdraws a sign-in's pending prompt (the user chose another factor). */
export function withdrawPrompts(ctx: Pick<PortalContext, 'db'>, interactionUid: string): Promise<void> {
  return repo.withdrawPending(ctx.db, interactionUid);
}

/** Where a sign-in's newest prompt stands, as its page needs it. */
export async function promptStatus(
  ctx: Pick<PortalContext, 'db' | 'clock'>,
  interactionUid: string,
): Promise<
  { id: string; number: number; state: repo.ChallengeState | 'expired'; expiresAt: number } | undefined
> {
  const row = await repo.latestChallenge(ctx.db, interactionUid);
  if (!row) return undefined;
  const expiresAt = Number(row.expires_at);
  const expired = expiresAt <= ctx.clock() && (row.state === 'pending' || row.state === 'approved');
  return { id: row.id, number: Number(row.number), state: expired ? 'expired' : row.state, expiresAt };
}

/** The user's pending prompts as approvers see them (never the number itself). */
export async function pendingPrompts(
  ctx: Pick<PortalContext, 'db' | 'clock'>,
  userId: string,
): Promise<PushPrompt[]> {
  const rows = await repo.pendingChallenges(ctx.db, userId, ctx.clock(), MAX_PENDING_PROMPTS);
  return rows.map((row) => ({
    id: row.id,
    choices: JSON.parse(row.choices) as number[],
    app: row.app_name,
    browser: row.browser,
    ipAddress: row.ip,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    expiresAt: new Date(Number(row.expires_at)).toISOString(),
  }));
}

/** Verifies an ECDSA P-256 / SHA-256 signature (r‖s) by a stored JWK over `data`. */
async function signatureValid(publicKeyJwk: string, signature: string, data: Uint8Array): Promise<boolean> {
  try {
    const key = await importPublicKey(JSON.parse(publicKeyJwk));
    return await webcrypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      Buffer.from(signature, 'base64url'),
      data,
    );
  } catch {
    return false;
  }
}

const gone = () =>
  new ApiProblem(409, 'push_prompt_gone', 'Prompt no longer open', {
    detail: 'This sign-in was already answered, withdrawn or has expired.',
  });

/**
 * Takes an approver's signed answer (A15, B15).
 *
 * @throws {ApiProblem} 403 `push_signature_invalid` (unknown or removed device, bad signature),
 *   404 for a prompt that is not the user's, 409 `push_prompt_gone` when it is not open any more.
 */
export async function answerPrompt(
  ctx: Pick<PortalContext, 'db' | 'clock' | 'repos' | 'config' | 'audit'>,
  user: { id: string; email: string },
  promptId: string,
  answer: PushAnswer,
  ip: string | null,
): Promise<PushOutcome> {
  const device = await repo.findApprover(ctx.db, user.id, answer.deviceId);
  const data = pushAnswerMessage(promptId, answer.number, answer.decision);
  if (!device || !(await signatureValid(device.public_key_jwk, answer.signature, data))) {
    await ctx.audit('push.signature_refused', { userId: user.id, ip, promptId, deviceId: answer.deviceId });
    throw new ApiProblem(403, 'push_signature_invalid', 'Answer not accepted', {
      detail: 'This device is not an approver of your account, or its signature does not match the answer.',
    });
  }
  const challenge = await repo.findChallenge(ctx.db, promptId);
  if (!challenge || challenge.user_id !== user.id) {
    throw new ApiProblem(404, 'not_found', 'No such prompt', {
      detail: 'This sign-in prompt does not exist.',
    });
  }
  let outcome: PushOutcome;
  if (answer.decision === 'approve') {
    outcome = answer.number === Number(challenge.number) ? 'approved' : 'wrong_number';
  } else {
    outcome = answer.decision === 'deny' ? 'denied' : 'reported';
  }
  const now = ctx.clock();
  if (
    !(await repo.answerChallenge(ctx.db, {
      id: promptId,
      userId: user.id,
      state: outcome,
      deviceId: device.id,
      now,
    }))
  ) {
    throw gone();
  }
  await repo.touchApprover(ctx.db, device.id, now);
  if (outcome === 'wrong_number') await recordFailure(ctx, [accountSubject(user.email)]);
  if (outcome === 'reported') {
    // "This wasn't me": the sign-in ends here; its password step must be passed again.
    const progress = await ctx.repos.interactionProgress.get(challenge.interaction_uid, now);
    if (progress) {
      await ctx.repos.interactionProgress.save({
        ...progress,
        userId: null,
        passwordVerified: false,
        secondFactorVerified: false,
      });
    }
  }
  await ctx.audit(`push.${outcome}`, {
    userId: user.id,
    email: user.email,
    ip,
    promptId,
    deviceId: device.id,
    signInFrom: challenge.ip,
    signInBrowser: challenge.browser,
  });
  return outcome;
}

/** Lets the sign-in the approved prompt is bound to finish, once (B15). */
export function takeApproval(
  ctx: Pick<PortalContext, 'db' | 'clock'>,
  use: { promptId: string; interactionUid: string; userId: string },
): Promise<boolean> {
  return repo.useApproved(ctx.db, {
    id: use.promptId,
    interactionUid: use.interactionUid,
    userId: use.userId,
    now: ctx.clock(),
  });
}
