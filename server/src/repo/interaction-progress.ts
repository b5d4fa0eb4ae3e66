/** Server-side progress of sign-in interactions. SQL only here. */
import type { Database } from '../db/database.ts';

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
    get(uid: string, now: number): InteractionProgress | undefined {
      const row = db
        .prepare<
          [string, number],
          {
            uid: string;
            csrf: string;
            email: string | null;
            user_id: string | null;
            password_verified: number;
            second_factor_verified: number;
            expires_at: number;
          }
        >('SELECT * FROM interaction_progress WHERE uid = ? AND expires_at > ?')
        .get(uid, now);
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
    save(progress: InteractionProgress): void {
      db.prepare(
        `INSERT INTO interaction_progress
           (uid, csrf, email, user_id, password_verified, second_factor_verified, expires_at)
         VALUES (@uid, @csrf, @email, @userId, @passwordVerified, @secondFactorVerified, @expiresAt)
         ON CONFLICT (uid) DO UPDATE SET csrf = excluded.csrf, email = excluded.email, user_id = excluded.user_id,
           password_verified = excluded.password_verified,
           second_factor_verified = excluded.second_factor_verified, expires_at = excluded.expires_at`,
      ).run({
        ...progress,
        passwordVerified: progress.passwordVerified ? 1 : 0,
        secondFactorVerified: progress.secondFactorVerified ? 1 : 0,
      });
    },
    delete(uid: string): void {
      db.prepare('DELETE FROM interaction_progress WHERE uid = ?').run(uid);
    },
    purge(now: number): void {
      db.prepare('DELETE FROM interaction_progress WHERE expires_at <= ?').run(now);
    },
  };
}
