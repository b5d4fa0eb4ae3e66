/**
 * Failure counters behind throttling and lockout (B9). SQL only here; the
 * policy (thresholds, waits) lives in services/lockout.ts.
 */
import type { Database } from '../db/database.ts';

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

/** Repository over `login_failures`. */
export function createLoginFailuresRepo(db: Database) {
  return {
    get(subject: string): FailureRecord | undefined {
      const row = db
        .prepare<[string], FailureRow>('SELECT * FROM login_failures WHERE subject = ?')
        .get(subject);
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
    save(record: FailureRecord): void {
      db.prepare(
        `INSERT INTO login_failures (subject, failures, first_failure_at, last_failure_at, locked_until)
         VALUES (@subject, @failures, @firstFailureAt, @lastFailureAt, @lockedUntil)
         ON CONFLICT (subject) DO UPDATE SET failures = excluded.failures,
           first_failure_at = excluded.first_failure_at, last_failure_at = excluded.last_failure_at,
           locked_until = excluded.locked_until`,
      ).run(record);
    },
    clear(subject: string): void {
      db.prepare('DELETE FROM login_failures WHERE subject = ?').run(subject);
    },
  };
}
