/** Audit log rows (B17). SQL only here; services/audit.ts decides what may be written. */
import type { Insertable } from 'kysely';
import { compileOnce } from '../db/compiled.ts';
import type { Database } from '../db/database.ts';
import type { AuditLogTable } from '../db/schema.ts';

/** One audit entry. */
export interface AuditRecord {
  id: number;
  at: number;
  event: string;
  userId: string | null;
  email: string | null;
  appId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;

/** Repository over `audit_log` (append and read only). */
export function createAuditRepo(db: Database) {
  // Every launch writes an entry: compiled once (db/compiled.ts).
  const insert = compileOnce<Required<Omit<Insertable<AuditLogTable>, 'id'>>, never>(db, (k, arg) =>
    k.insertInto('audit_log').values({
      at: arg('at'),
      event: arg('event'),
      user_id: arg('user_id'),
      email: arg('email'),
      app_id: arg('app_id'),
      ip: arg('ip'),
      details: arg('details'),
    }),
  );
  return {
    async insert(entry: Omit<AuditRecord, 'id'>): Promise<void> {
      await insert.run({
        at: entry.at,
        event: entry.event,
        user_id: entry.userId,
        email: entry.email,
        app_id: entry.appId,
        ip: entry.ip,
        details: JSON.stringify(entry.details),
      });
    },
    /** Newest first. */
    async list(options: { userId?: string; limit?: number } = {}): Promise<AuditRecord[]> {
      let query = db.executor().selectFrom('audit_log').selectAll();
      if (options.userId) query = query.where('user_id', '=', options.userId);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(options.limit ?? 1000)
        .execute();
      return rows.map((row) => ({
        id: Number(row.id),
        at: row.at,
        event: row.event,
        userId: row.user_id,
        email: row.email,
        appId: row.app_id,
        ip: row.ip,
        details: JSON.parse(row.details) as Record<string, unknown>,
      }));
    },
  };
}
