/** Server-side progress of sign-in interactions. SQL only here. */
import type { Database } from '../db/database.ts';
import { takeNew } from './upsert.ts';

/** Where one sign-in interaction stands. */
export interface InteractionProgress {
  uid: string;
  csrf: string;
  email: string | null;
  userId: string | null;
  passwordVerified: boolean;
  /** The second factor was proved (a code, or a just-confirmed enrolment) in this interaction. */
  secondFactorVerified: boolean;
  expiresAt: number;
}

export type InteractionProgressRepo = ReturnType<typeof createInteractionProgressRepo>;

/** Repository over `interaction_progress`. */
export function createInteractionProgressRepo(db: Database) {
  return {
    async get(uid: string, now: number): Promise<InteractionProgress | undefined> {
      const row = await db
        .executor()
        .selectFrom('interaction_progress')
        .selectAll()
        .where('uid', '=', uid)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return (
        row && {
          uid: row.uid,
          csrf: row.csrf,
          email: row.email,
          userId: row.user_id,
          passwordVerified: row.password_verified === 1,
          secondFactorVerified: row.second_factor_verified === 1,
          expiresAt: row.expires_at,
        }
      );
    },
    async save(progress: InteractionProgress): Promise<void> {
      const row = {
        csrf: progress.csrf,
        email: progress.email,
        user_id: progress.userId,
        password_verified: progress.passwordVerified ? 1 : 0,
        second_factor_verified: progress.secondFactorVerified ? 1 : 0,
        expires_at: progress.expiresAt,
      };
      await db
        .executor()
        .insertInto('interaction_progress')
        .values({ uid: progress.uid, ...row })
        .onConflict((oc) => oc.column('uid').doUpdateSet(takeNew(Object.keys(row))))
        .execute();
    },
    async delete(uid: string): Promise<void> {
      await db.executor().deleteFrom('interaction_progress').where('uid', '=', uid).execute();
    },
    async purge(now: number): Promise<void> {
      await db.executor().deleteFrom('interaction_progress').where('expires_at', '<=', now).execute();
    },
  };
}
