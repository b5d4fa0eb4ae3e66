/** Server-side progress of sign-in interactions. SQL only here. */
import { sql } from 'kysely';
import { type Database, first, run } from '../db/database.ts';

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

interface ProgressRow {
  uid: string;
  csrf: string;
  email: string | null;
  user_id: string | null;
  password_verified: number;
  second_factor_verified: number;
  expires_at: number;
}

export type InteractionProgressRepo = ReturnType<typeof createInteractionProgressRepo>;

/** Repository over `interaction_progress`. */
export function createInteractionProgressRepo(db: Database) {
  return {
    async get(uid: string, now: number): Promise<InteractionProgress | undefined> {
      const row = await first(
        db,
        sql<ProgressRow>`SELECT * FROM interaction_progress WHERE uid = ${uid} AND expires_at > ${now}`,
      );
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
      await run(
        db,
        sql`INSERT INTO interaction_progress
              (uid, csrf, email, user_id, password_verified, second_factor_verified, expires_at)
            VALUES (${progress.uid}, ${progress.csrf}, ${progress.email}, ${progress.userId},
              ${progress.passwordVerified ? 1 : 0}, ${progress.secondFactorVerified ? 1 : 0}, ${progress.expiresAt})
            ON CONFLICT (uid) DO UPDATE SET csrf = excluded.csrf, email = excluded.email,
              user_id = excluded.user_id, password_verified = excluded.password_verified,
              second_factor_verified = excluded.second_factor_verified, expires_at = excluded.expires_at`,
      );
    },
    async delete(uid: string): Promise<void> {
      await run(db, sql`DELETE FROM interaction_progress WHERE uid = ${uid}`);
    },
    async purge(now: number): Promise<void> {
      await run(db, sql`DELETE FROM interaction_progress WHERE expires_at <= ${now}`);
    },
  };
}
