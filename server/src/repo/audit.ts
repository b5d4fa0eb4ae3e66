/** Audit log rows (B17). SQL only here; services/audit.ts decides what may be written. */
import { sql } from 'kysely';
import { all, type Database, run } from '../db/database.ts';

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

interface AuditRow {
  id: number;
  at: number;
  event: string;
  user_id: string | null;
  email: string | null;
  app_id: string | null;
  ip: string | null;
  details: string;
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;

/** Repository over `audit_log` (append and read only). */
export function createAuditRepo(db: Database) {
  return {
    async insert(entry: Omit<AuditRecord, 'id'>): Promise<void> {
      await run(
        db,
        sql`INSERT INTO audit_log (at, event, user_id, email, app_id, ip, details)
            VALUES (${entry.at}, ${entry.event}, ${entry.userId}, ${entry.email}, ${entry.appId}, ${entry.ip},
              ${JSON.stringify(entry.details)})`,
      );
    },
    /** Newest first. */
    async list(options: { userId?: string; limit?: number } = {}): Promise<AuditRecord[]> {
      const limit = options.limit ?? 1000;
      const rows = await all(
        db,
        options.userId
          ? sql<AuditRow>`SELECT * FROM audit_log WHERE user_id = ${options.userId} ORDER BY id DESC LIMIT ${limit}`
          : sql<AuditRow>`SELECT * FROM audit_log ORDER BY id DESC LIMIT ${limit}`,
      );
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
