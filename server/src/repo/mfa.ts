/**
 * TOTP credentials and recovery codes. SQL only here; the rules live in
 * services/totp.ts.
 */
import { sql } from 'kysely';
import { type Database, first, run } from '../db/database.ts';

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
  return {
    async getTotp(userId: string): Promise<TotpRecord | undefined> {
      const row = await first(db, sql<TotpRow>`SELECT * FROM totp_credentials WHERE user_id = ${userId}`);
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
    async startPending(userId: string, secret: string): Promise<boolean> {
      const changed = await run(
        db,
        sql`INSERT INTO totp_credentials (user_id, secret, created_at) VALUES (${userId}, ${secret}, ${clock()})
            ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
              last_step = 0
            WHERE totp_credentials.confirmed_at IS NULL`,
      );
      return changed === 1;
    },
    /** Writes a confirmed credential directly (seed, admin import). */
    async setConfirmed(userId: string, secret: string): Promise<void> {
      await run(
        db,
        sql`INSERT INTO totp_credentials (user_id, secret, created_at, confirmed_at)
            VALUES (${userId}, ${secret}, ${clock()}, ${clock()})
            ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
              confirmed_at = excluded.confirmed_at, last_step = 0`,
      );
    },
    /**
     * Records `step` as used when it is later than the last accepted one.
     * `pending` selects the unconfirmed enrollment instead of the active one.
     * Returns false when another request (on any node) already used this (or
     * a later) step: the guard makes "each step once" a single atomic
     * statement (B8), so of two concurrent submits only one UPDATE changes a row.
     */
    async acceptStep(userId: string, step: number, pending = false): Promise<boolean> {
      const changed = await run(
        db,
        pending
          ? sql`UPDATE totp_credentials SET last_step = ${step}
                WHERE user_id = ${userId} AND last_step < ${step} AND confirmed_at IS NULL`
          : sql`UPDATE totp_credentials SET last_step = ${step}
                WHERE user_id = ${userId} AND last_step < ${step} AND confirmed_at IS NOT NULL`,
      );
      return changed === 1;
    },
    async markConfirmed(userId: string): Promise<void> {
      await run(
        db,
        sql`UPDATE totp_credentials SET confirmed_at = ${clock()} WHERE user_id = ${userId} AND confirmed_at IS NULL`,
      );
    },
    async deleteTotp(userId: string): Promise<void> {
      await db.transaction(async () => {
        await run(db, sql`DELETE FROM totp_credentials WHERE user_id = ${userId}`);
        await run(db, sql`DELETE FROM recovery_codes WHERE user_id = ${userId}`);
      });
    },
    async replaceRecoveryCodes(userId: string, hashes: string[]): Promise<void> {
      await db.transaction(async () => {
        await run(db, sql`DELETE FROM recovery_codes WHERE user_id = ${userId}`);
        for (const hash of hashes) {
          await run(
            db,
            sql`INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (${userId}, ${hash}, ${clock()})`,
          );
        }
      });
    },
    /** Marks an unused code as used; false if unknown or already used (single use, one statement). */
    async useRecoveryCode(userId: string, hash: string): Promise<boolean> {
      const changed = await run(
        db,
        sql`UPDATE recovery_codes SET used_at = ${clock()}
            WHERE user_id = ${userId} AND code_hash = ${hash} AND used_at IS NULL`,
      );
      return changed === 1;
    },
    async countUnusedRecoveryCodes(userId: string): Promise<number> {
      const row = await first(
        db,
        sql<{
          n: number;
        }>`SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ${userId} AND used_at IS NULL`,
      );
      return Number(row?.n ?? 0);
    },
  };
}
