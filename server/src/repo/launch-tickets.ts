/** Launch tickets (B14). SQL only here; services/launch.ts owns the rules. */
import { sql } from 'kysely';
import { type Database, first, run } from '../db/database.ts';

/** A stored launch ticket (by digest). */
export interface LaunchTicketRecord {
  idHash: string;
  userId: string;
  appId: string;
  targetLinkUri: string;
  createdAt: number;
  expiresAt: number;
  /**
   * How the person had authenticated when the ticket was made (the launching
   * access token's `acr`, `amr`, `auth_time` in seconds; migration 120), for
   * the SAML assertion; null when not recorded.
   */
  acr: string | null;
  amr: string[];
  authTime: number | null;
}

interface TicketRow {
  id_hash: string;
  user_id: string;
  app_id: string;
  target_link_uri: string;
  created_at: number;
  expires_at: number;
  acr: string | null;
  amr: string | null;
  auth_time: number | null;
}

export type LaunchTicketsRepo = ReturnType<typeof createLaunchTicketsRepo>;

/** Repository over `launch_tickets`. */
export function createLaunchTicketsRepo(db: Database) {
  return {
    async insert(ticket: LaunchTicketRecord): Promise<void> {
      await run(
        db,
        sql`INSERT INTO launch_tickets (id_hash, user_id, app_id, target_link_uri, created_at, expires_at,
              acr, amr, auth_time)
            VALUES (${ticket.idHash}, ${ticket.userId}, ${ticket.appId}, ${ticket.targetLinkUri},
              ${ticket.createdAt}, ${ticket.expiresAt}, ${ticket.acr}, ${JSON.stringify(ticket.amr)},
              ${ticket.authTime})`,
      );
    },
    /**
     * Consumes a live ticket in one guarded statement, so a replay (even a
     * concurrent one, through another node) finds nothing (C10). Returns the
     * ticket, or undefined.
     */
    async consume(idHash: string, now: number): Promise<LaunchTicketRecord | undefined> {
      const row = await first(
        db,
        sql<TicketRow>`UPDATE launch_tickets SET consumed_at = ${now}
           WHERE id_hash = ${idHash} AND consumed_at IS NULL AND expires_at > ${now}
           RETURNING id_hash, user_id, app_id, target_link_uri, created_at, expires_at, acr, amr, auth_time`,
      );
      return (
        row && {
          idHash: row.id_hash,
          userId: row.user_id,
          appId: row.app_id,
          targetLinkUri: row.target_link_uri,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
          acr: row.acr,
          amr: row.amr ? (JSON.parse(row.amr) as string[]) : [],
          authTime: row.auth_time,
        }
      );
    },
    /**
     * Drops expired tickets, seeking them by the `expires_at` index (migration
     * 070). A consumed ticket is already refused by {@link consume}; it goes
     * with its expiry, at most `lifetimes.launchTicket` later.
     */
    async purge(now: number): Promise<void> {
      await run(db, sql`DELETE FROM launch_tickets WHERE expires_at <= ${now}`);
    },
  };
}
