/** Launch tickets (B14). SQL only here; services/launch.ts owns the rules. */
import type { Database } from '../db/database.ts';

/** A stored launch ticket (by digest). */
export interface LaunchTicketRecord {
  idHash: string;
  userId: string;
  appId: string;
  targetLinkUri: string;
  createdAt: number;
  expiresAt: number;
}

export type LaunchTicketsRepo = ReturnType<typeof createLaunchTicketsRepo>;

/** Repository over `launch_tickets`. */
export function createLaunchTicketsRepo(db: Database) {
  return {
    insert(ticket: LaunchTicketRecord): void {
      db.prepare(
        `INSERT INTO launch_tickets (id_hash, user_id, app_id, target_link_uri, created_at, expires_at)
         VALUES (@idHash, @userId, @appId, @targetLinkUri, @createdAt, @expiresAt)`,
      ).run(ticket);
    },
    /**
     * Consumes a live ticket in one guarded statement, so a replay (even a
     * concurrent one) finds nothing. Returns the ticket, or undefined.
     */
    consume(idHash: string, now: number): LaunchTicketRecord | undefined {
      const row = db
        .prepare<
          [number, string, number],
          {
            id_hash: string;
            user_id: string;
            app_id: string;
            target_link_uri: string;
            created_at: number;
            expires_at: number;
          }
        >(
          `UPDATE launch_tickets SET consumed_at = ?
           WHERE id_hash = ? AND consumed_at IS NULL AND expires_at > ?
           RETURNING id_hash, user_id, app_id, target_link_uri, created_at, expires_at`,
        )
        .get(now, idHash, now);
      return (
        row && {
          idHash: row.id_hash,
          userId: row.user_id,
          appId: row.app_id,
          targetLinkUri: row.target_link_uri,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
        }
      );
    },
    /**
     * Drops expired tickets, seeking them by the `expires_at` index (migration
     * 070). A consumed ticket is already refused by {@link consume}; it goes
     * with its expiry, at most `lifetimes.launchTicket` later.
     */
    purge(now: number): void {
      db.prepare('DELETE FROM launch_tickets WHERE expires_at <= ?').run(now);
    },
  };
}
