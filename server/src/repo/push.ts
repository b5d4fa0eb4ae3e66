/**
 * SQL for approver devices and push challenges (migration 100). SQL lives
 * only in `repo/`; the rules (rate limit, number matching, signatures) live in
 * `services/push.ts`.
 *
 * Every state change of a challenge is one guarded UPDATE (`WHERE state =
 * 'pending'` / `'approved'` and not expired), so an answer or a sign-in
 * finishing counts once even when raced through two nodes (B15, C10).
 */
import { type Selectable, sql } from 'kysely';
import { all, type Database, first, run } from '../db/database.ts';
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
  return all(
    db,
    sql<ApproverRow>`SELECT * FROM approver_devices WHERE user_id = ${userId} ORDER BY created_at, id`,
  );
}

/** One of the user's devices (undefined when it is not theirs or was removed). */
export function findApprover(db: Database, userId: string, id: string): Promise<ApproverRow | undefined> {
  return first(db, sql<ApproverRow>`SELECT * FROM approver_devices WHERE user_id = ${userId} AND id = ${id}`);
}

/** Whether the user has an approver device. */
export async function hasApprovers(db: Database, userId: string): Promise<boolean> {
  return (
    (await first(db, sql`SELECT 1 AS one FROM approver_devices WHERE user_id = ${userId} LIMIT 1`)) !==
    undefined
  );
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
  return (await run(db, sql`DELETE FROM approver_devices WHERE user_id = ${userId} AND id = ${id}`)) === 1;
}

/** Records a device's last answer. */
export async function touchApprover(db: Database, id: string, now: number): Promise<void> {
  await run(db, sql`UPDATE approver_devices SET last_used_at = ${now} WHERE id = ${id}`);
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
  await run(
    db,
    sql`UPDATE push_challenges SET state = 'withdrawn'
        WHERE interaction_uid = ${interactionUid} AND state = 'pending'`,
  );
}

/** The newest challenge of a sign-in. */
export function latestChallenge(db: Database, interactionUid: string): Promise<ChallengeRow | undefined> {
  return first(
    db,
    sql<ChallengeRow>`SELECT * FROM push_challenges WHERE interaction_uid = ${interactionUid}
      ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
}

/** One challenge by id. */
export function findChallenge(db: Database, id: string): Promise<ChallengeRow | undefined> {
  return first(db, sql<ChallengeRow>`SELECT * FROM push_challenges WHERE id = ${id}`);
}

/** A user's challenges still waiting for an answer, oldest first. */
export function pendingChallenges(
  db: Database,
  userId: string,
  now: number,
  limit: number,
): Promise<ChallengeRow[]> {
  return all(
    db,
    sql<ChallengeRow>`SELECT * FROM push_challenges
      WHERE user_id = ${userId} AND state = 'pending' AND expires_at > ${now}
      ORDER BY created_at, id LIMIT ${limit}`,
  );
}

/** Answers a pending, unexpired challenge of the user once; false when it was not pending (any more). */
export async function answerChallenge(
  db: Database,
  answer: { id: string; userId: string; state: ChallengeState; deviceId: string; now: number },
): Promise<boolean> {
  const changed = await run(
    db,
    sql`UPDATE push_challenges SET state = ${answer.state}, device_id = ${answer.deviceId}, answered_at = ${answer.now}
        WHERE id = ${answer.id} AND user_id = ${answer.userId} AND state = 'pending' AND expires_at > ${answer.now}`,
  );
  return changed === 1;
}

/** Takes an approved challenge for the sign-in it is bound to, once; false otherwise. */
export async function useApproved(
  db: Database,
  use: { id: string; interactionUid: string; userId: string; now: number },
): Promise<boolean> {
  const changed = await run(
    db,
    sql`UPDATE push_challenges SET state = 'used'
        WHERE id = ${use.id} AND interaction_uid = ${use.interactionUid} AND user_id = ${use.userId}
          AND state = 'approved' AND expires_at > ${use.now}`,
  );
  return changed === 1;
}
