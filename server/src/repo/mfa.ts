/**
 * TOTP credentials and recovery codes. SQL only here; the rules live in
 * services/totp.ts.
 */
import type { Database } from '../db/database.ts';

/** A user's TOTP credential. */
export interface TotpRecord {
  userId: string;
  secret: string;
  createdAt: number;
  /** Null while the enrollment waits for its confirming code (inactive, B11). */
  confirmedAt: number | null;
  lastStep: number;
}

interface TotpRow {
  user_id: string;
  secret: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: number;
}

export type MfaRepo = ReturnType<typeof createMfaRepo>;

/** Repository over `totp_credentials` and `recovery_codes`. */
export function createMfaRepo(db: Database, clock: () => number) {
  const acceptStep = db.prepare(
    // The guard makes "each step once" a single atomic statement (B8): of two
    // concurrent submits of the same code only one UPDATE changes a row.
    `UPDATE totp_credentials SET last_step = @step
     WHERE user_id = @userId AND last_step < @step AND (@pending = 1 OR confirmed_at IS NOT NULL)
       AND (@pending = 0 OR confirmed_at IS NULL)`,
  );
  return {
    getTotp(userId: string): TotpRecord | undefined {
      const row = db
        .prepare<[string], TotpRow>('SELECT * FROM totp_credentials WHERE user_id = ?')
        .get(userId);
      return (
        row && {
          userId: row.user_id,
          secret: row.secret,
          createdAt: row.created_at,
          confirmedAt: row.confirmed_at,
          lastStep: row.last_step,
        }
      );
    },
    /** Replaces any pending enrollment; refuses (returns false) when a confirmed one exists. */
    startPending(userId: string, secret: string): boolean {
      const result = db
        .prepare(
          `INSERT INTO totp_credentials (user_id, secret, created_at) VALUES (?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
             last_step = 0
           WHERE totp_credentials.confirmed_at IS NULL`,
        )
        .run(userId, secret, clock());
      return result.changes === 1;
    },
    /** Writes a confirmed credential directly (seed, admin import). */
    setConfirmed(userId: string, secret: string): void {
      db.prepare(
        `INSERT INTO totp_credentials (user_id, secret, created_at, confirmed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
           confirmed_at = excluded.confirmed_at, last_step = 0`,
      ).run(userId, secret, clock(), clock());
    },
    /**
     * Records `step` as used when it is later than the last accepted one.
     * `pending` selects the unconfirmed enrollment instead of the active one.
     * Returns false when another request already used this (or a later) step.
     */
    acceptStep(userId: string, step: number, pending = false): boolean {
      return acceptStep.run({ userId, step, pending: pending ? 1 : 0 }).changes === 1;
    },
    markConfirmed(userId: string): void {
      db.prepare(
        'UPDATE totp_credentials SET confirmed_at = ? WHERE user_id = ? AND confirmed_at IS NULL',
      ).run(clock(), userId);
    },
    deleteTotp(userId: string): void {
      db.prepare('DELETE FROM totp_credentials WHERE user_id = ?').run(userId);
      db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
    },
    replaceRecoveryCodes(userId: string, hashes: string[]): void {
      db.transaction(() => {
        db.prepare('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
        const insert = db.prepare(
          'INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)',
        );
        for (const hash of hashes) insert.run(userId, hash, clock());
      })();
    },
    /** Marks an unused code as used; false if unknown or already used (single use, one statement). */
    useRecoveryCode(userId: string, hash: string): boolean {
      return (
        db
          .prepare(
            'UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
          )
          .run(clock(), userId, hash).changes === 1
      );
    },
    countUnusedRecoveryCodes(userId: string): number {
      return db
        .prepare('SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL')
        .pluck()
        .get(userId) as number;
    },
  };
}
