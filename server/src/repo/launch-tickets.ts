/** Launch tickets (B14). SQL only here; services/launch.ts owns the rules. */
import type { Insertable, Selectable } from 'kysely';
import { compileOnce } from '../db/compiled.ts';
import type { Database } from '../db/database.ts';
import type { LaunchTicketsTable } from '../db/schema.ts';

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

export type LaunchTicketsRepo = ReturnType<typeof createLaunchTicketsRepo>;

/** Repository over `launch_tickets`. Insert and consume run on every launch: compiled once (db/compiled.ts). */
export function createLaunchTicketsRepo(db: Database) {
  const insert = compileOnce<Insertable<LaunchTicketsTable>, never>(db, (k, arg) =>
    k.insertInto('launch_tickets').values({
      id_hash: arg('id_hash'),
      user_id: arg('user_id'),
      app_id: arg('app_id'),
      target_link_uri: arg('target_link_uri'),
      created_at: arg('created_at'),
      expires_at: arg('expires_at'),
      acr: arg('acr'),
      amr: arg('amr'),
      auth_time: arg('auth_time'),
    }),
  );
  const consume = compileOnce<{ idHash: string; now: number }, Selectable<LaunchTicketsTable>>(db, (k, arg) =>
    k
      .updateTable('launch_tickets')
      .set({ consumed_at: arg('now') })
      .where('id_hash', '=', arg('idHash'))
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', arg('now'))
      .returning([
        'id_hash',
        'user_id',
        'app_id',
        'target_link_uri',
        'created_at',
        'expires_at',
        'acr',
        'amr',
        'auth_time',
      ]),
  );
  return {
    async insert(ticket: LaunchTicketRecord): Promise<void> {
      await insert.run({
        id_hash: ticket.idHash,
        user_id: ticket.userId,
        app_id: ticket.appId,
        target_link_uri: ticket.targetLinkUri,
        created_at: ticket.createdAt,
        expires_at: ticket.expiresAt,
        acr: ticket.acr,
        amr: JSON.stringify(ticket.amr),
        auth_time: ticket.authTime,
      });
    },
    /**
     * Consumes a live ticket in one guarded statement, so a replay (even a
     * concurrent one, through another node) finds nothing (C10). Returns the
     * ticket, or undefined.
     */
    async consume(idHash: string, now: number): Promise<LaunchTicketRecord | undefined> {
      const row = await consume.first({ idHash, now });
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
      await db.executor().deleteFrom('launch_tickets').where('expires_at', '<=', now).execute();
    },
  };
}
