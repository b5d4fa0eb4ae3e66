/**
 * TOTP credentials and recovery codes. SQL only here; the rules live in
 * services/totp.ts.
 */
import { changed, type Database } from '../db/database.ts';

/** A user's TOTP credential. */
export interface TotpRecord {
  userId: string;
  secret: string;
  createdAt: number;
  /** Null while the enrollment waits for its confirming code (inactive, B11). */
  confirmedAt: number | null;
  lastStep: number;
}

export type MfaRepo = ReturnType<typeof createMfaRepo>;

/** Repository over `totp_credentials` and `recovery_codes`. */
export function createMfaRepo(db: Database, clock: () => number) {
  return {
    async getTotp(userId: string): Promise<TotpRecord | undefined> {
      const row = await db
        .executor()
        .selectFrom('totp_credentials')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
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
      const result = await db
        .executor()
        .insertInto('totp_credentials')
        .values({ user_id: userId, secret, created_at: clock() })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet((eb) => ({
              secret: eb.ref('excluded.secret'),
              created_at: eb.ref('excluded.created_at'),
              last_step: 0,
            }))
            .where('totp_credentials.confirmed_at', 'is', null),
        )
        .executeTakeFirst();
      return changed(result) === 1;
    },
    /** Writes a confirmed credential directly (seed, admin import). */
    async setConfirmed(userId: string, secret: string): Promise<void> {
      await db
        .executor()
        .insertInto('totp_credentials')
        .values({ user_id: userId, secret, created_at: clock(), confirmed_at: clock() })
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet((eb) => ({
            secret: eb.ref('excluded.secret'),
            created_at: eb.ref('excluded.created_at'),
            confirmed_at: eb.ref('excluded.confirmed_at'),
            last_step: 0,
          })),
        )
        .execute();
    },
    /**
     * Records `step` as used when it is later than the last accepted one.
     * `pending` selects the unconfirmed enrollment instead of the active one.
     * Returns false when another request (on any node) already used this (or
     * a later) step: the guard makes "each step once" a single atomic
     * statement (B8), so of two concurrent submits only one UPDATE changes a row.
     */
    async acceptStep(userId: string, step: number, pending = false): Promise<boolean> {
      const result = await db
        .executor()
        .updateTable('totp_credentials')
        .set({ last_step: step })
        .where('user_id', '=', userId)
        .where('last_step', '<', step)
        .where('confirmed_at', pending ? 'is' : 'is not', null)
        .executeTakeFirst();
      return changed(result) === 1;
    },
    async markConfirmed(userId: string): Promise<void> {
      await db
        .executor()
        .updateTable('totp_credentials')
        .set({ confirmed_at: clock() })
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is', null)
        .execute();
    },
    async deleteTotp(userId: string): Promise<void> {
      await db.transaction(async () => {
        await db.executor().deleteFrom('totp_credentials').where('user_id', '=', userId).execute();
        await db.executor().deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      });
    },
    async replaceRecoveryCodes(userId: string, hashes: string[]): Promise<void> {
      await db.transaction(async () => {
        await db.executor().deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
        for (const hash of hashes) {
          await db
            .executor()
            .insertInto('recovery_codes')
            .values({ user_id: userId, code_hash: hash, created_at: clock() })
            .execute();
        }
      });
    },
    /** Marks an unused code as used; false if unknown or already used (single use, one statement). */
    async useRecoveryCode(userId: string, hash: string): Promise<boolean> {
      const result = await db
        .executor()
        .updateTable('recovery_codes')
        .set({ used_at: clock() })
        .where('user_id', '=', userId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return changed(result) === 1;
    },
    async countUnusedRecoveryCodes(userId: string): Promise<number> {
      const row = await db
        .executor()
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}
