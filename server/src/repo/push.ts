/**
 * SQL for approver devices and push challenges (migration 100). SQL lives
 * only in `repo/`; the rules (rate limit, number matching, signatures) live in
 * `services/push.ts`.
 *
 * Every state change of a challenge is one guarded UPDATE (`WHERE state =
 * 'pending'` / `'approved'` and not expired), so an answer or a sign-in
 * finishing counts once even when raced through two nodes (B15, C10).
 */
import type { Selectable } from 'kysely';
import { changed, type Database } from '../db/database.ts';
import type { ApproverDevicesTable, PushChallengeState, PushChallengesTable } from '../db/schema.ts';
import { insertWithinLimit } from './limited-insert.ts';

/** A stored approver device. */
export type ApproverRow = Selectable<ApproverDevicesTable>;

/** Where a challenge stands (see the migration). */
export type ChallengeState = PushChallengeState;

/** A stored push challenge (`choices`: JSON array of three numbers). */
export type ChallengeRow = Selectable<PushChallengesTable>;

/** Why {@link insertApprover} stored nothing. */
export type ApproverInsertRefusal = 'duplicate' | 'limit';

/** Approver devices of one user, oldest first. */
export function listApprovers(db: Database, userId: string): Promise<ApproverRow[]> {
  return db
    .executor()
    .selectFrom('approver_devices')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** One of the user's devices (undefined when it is not theirs or was removed). */
export function findApprover(db: Database, userId: string, id: string): Promise<ApproverRow | undefined> {
  return db
    .executor()
    .selectFrom('approver_devices')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Whether the user has an approver device. */
export async function hasApprovers(db: Database, userId: string): Promise<boolean> {
  const row = await db
    .executor()
    .selectFrom('approver_devices')
    .select((eb) => eb.lit(1).as('one'))
    .where('user_id', '=', userId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Inserts a device unless the user has `limit` devices or this key already (B21, {@link insertWithinLimit}). */
export async function insertApprover(
  db: Database,
  row: ApproverRow,
  limit: number,
): Promise<true | ApproverInsertRefusal> {
  const stored = await insertWithinLimit(db, {
    table: 'approver_devices',
    row: { ...row, last_used_at: null },
    owner: 'user_id',
    limit,
    unique: ['user_id', 'public_key_jwk'],
  });
  return stored === 'stored' ? true : stored;
}

/** Removes one of the user's devices; false when there is none with this id. */
export async function deleteApprover(db: Database, userId: string, id: string): Promise<boolean> {
  const result = await db
    .executor()
    .deleteFrom('approver_devices')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return changed(result) === 1;
}

/** Records a device's last answer. */
export async function touchApprover(db: Database, id: string, now: number): Promise<void> {
  await db
    .executor()
    .updateTable('approver_devices')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * Inserts a challenge unless the user was sent `limit` challenges since
 * `since` (B15 rate limit, {@link insertWithinLimit}). Returns whether it was stored.
 */
export async function insertChallenge(
  db: Database,
  row: Omit<ChallengeRow, 'state' | 'device_id' | 'answered_at'>,
  limit: number,
  since: number,
): Promise<boolean> {
  const stored = await insertWithinLimit(db, {
    table: 'push_challenges',
    row: { ...row },
    owner: 'user_id',
    limit,
    since: { column: 'created_at', after: since },
  });
  return stored === 'stored';
}

/** Withdraws the pending challenges of a sign-in (a new one replaces them, or the user chose another factor). */
export async function withdrawPending(db: Database, interactionUid: string): Promise<void> {
  await db
    .executor()
    .updateTable('push_challenges')
    .set({ state: 'withdrawn' })
    .where('interaction_uid', '=', interactionUid)
    .where('state', '=', 'pending')
    .execute();
}

/** The newest challenge of a sign-in. */
export function latestChallenge(db: Database, interactionUid: string): Promise<ChallengeRow | undefined> {
  return db
    .executor()
    .selectFrom('push_challenges')
    .selectAll()
    .where('interaction_uid', '=', interactionUid)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** One challenge by id. */
export function findChallenge(db: Database, id: string): Promise<ChallengeRow | undefined> {
  return db.executor().selectFrom('push_challenges').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A user's challenges still waiting for an answer, oldest first. */
export function pendingChallenges(
  db: Database,
  userId: string,
  now: number,
  limit: number,
): Promise<ChallengeRow[]> {
  return db
    .executor()
    .selectFrom('push_challenges')
    .selectAll()
    .where('user_id', '=', userId)
    .where('state', '=', 'pending')
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Answers a pending, unexpired challenge of the user once; false when it was not pending (any more). */
export async function answerChallenge(
  db: Database,
  answer: { id: string; userId: string; state: ChallengeState; deviceId: string; now: number },
): Promise<boolean> {
  const result = await db
    .executor()
    .updateTable('push_challenges')
    .set({ state: answer.state, device_id: answer.deviceId, answered_at: answer.now })
    .where('id', '=', answer.id)
    .where('user_id', '=', answer.userId)
    .where('state', '=', 'pending')
    .where('expires_at', '>', answer.now)
    .executeTakeFirst();
  return changed(result) === 1;
}

/** Takes an approved challenge for the sign-in it is bound to, once; false otherwise. */
export async function useApproved(
  db: Database,
  use: { id: string; interactionUid: string; userId: string; now: number },
): Promise<boolean> {
  const result = await db
    .executor()
    .updateTable('push_challenges')
    .set({ state: 'used' })
    .where('id', '=', use.id)
    .where('interaction_uid', '=', use.interactionUid)
    .where('user_id', '=', use.userId)
    .where('state', '=', 'approved')
    .where('expires_at', '>', use.now)
    .executeTakeFirst();
  return changed(result) === 1;
}
