/**
 * Failure counters behind throttling and lockout (B9). SQL only here; the
 * policy (thresholds, waits) lives in services/lockout.ts.
 */
import type { Database } from '../db/database.ts';
import { takeNew } from './upsert.ts';

/** Failure counter of one subject (account or address). */
export interface FailureRecord {
  subject: string;
  failures: number;
  firstFailureAt: number;
  lastFailureAt: number;
  lockedUntil: number | null;
}

export type LoginFailuresRepo = ReturnType<typeof createLoginFailuresRepo>;

/**
 * Repository over `login_failures`. Counters live in the database, so every
 * node of a portal counts the same failures (B9).
 */
export function createLoginFailuresRepo(db: Database) {
  return {
    async get(subject: string): Promise<FailureRecord | undefined> {
      const row = await db
        .executor()
        .selectFrom('login_failures')
        .selectAll()
        .where('subject', '=', subject)
        .executeTakeFirst();
      return (
        row && {
          subject: row.subject,
          failures: row.failures,
          firstFailureAt: row.first_failure_at,
          lastFailureAt: row.last_failure_at,
          lockedUntil: row.locked_until,
        }
      );
    },
    async save(record: FailureRecord): Promise<void> {
      const row = {
        failures: record.failures,
        first_failure_at: record.firstFailureAt,
        last_failure_at: record.lastFailureAt,
        locked_until: record.lockedUntil,
      };
      await db
        .executor()
        .insertInto('login_failures')
        .values({ subject: record.subject, ...row })
        .onConflict((oc) => oc.column('subject').doUpdateSet(takeNew(Object.keys(row))))
        .execute();
    },
    async clear(subject: string): Promise<void> {
      await db.executor().deleteFrom('login_failures').where('subject', '=', subject).execute();
    },
  };
}
