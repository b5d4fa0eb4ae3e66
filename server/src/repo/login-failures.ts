/**
 * Failure counters behind throttling and lockout (B9). SQL only here; the
 * policy (thresholds, waits) lives in services/lockout.ts.
 */
import { sql } from 'kysely';
import { type Database, first, run } from '../db/database.ts';

/** Failure counter of one subject (account or address). */
export interface FailureRecord {
  subject: string;
  failures: number;
  firstFailureAt: number;
  lastFailureAt: number;
  lockedUntil: number | null;
}

interface FailureRow {
  subject: string;
  failures: number;
  first_failure_at: number;
  last_failure_at: number;
  locked_until: number | null;
}

export type LoginFailuresRepo = ReturnType<typeof createLoginFailuresRepo>;

/**
 * Repository over `login_failures`. Counters live in the database, so every
 * node of a portal counts the same failures (B9).
 */
export function createLoginFailuresRepo(db: Database) {
  return {
    async get(subject: string): Promise<FailureRecord | undefined> {
      const row = await first(db, sql<FailureRow>`SELECT * FROM login_failures WHERE subject = ${subject}`);
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
      await run(
        db,
        sql`INSERT INTO login_failures (subject, failures, first_failure_at, last_failure_at, locked_until)
            VALUES (${record.subject}, ${record.failures}, ${record.firstFailureAt}, ${record.lastFailureAt},
              ${record.lockedUntil})
            ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures,
              first_failure_at = excluded.first_failure_at, last_failure_at = excluded.last_failure_at,
              locked_until = excluded.locked_until`,
      );
    },
    async clear(subject: string): Promise<void> {
      await run(db, sql`DELETE FROM login_failures WHERE subject = ${subject}`);
    },
  };
}
