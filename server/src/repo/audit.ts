/** Audit log rows (B17). SQL only here; services/audit.ts decides what may be written. */
import type { Database } from '../db/database.ts';

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
    insert(entry: Omit<AuditRecord, 'id'>): void {
      db.prepare(
        `INSERT INTO audit_log (at, event, user_id, email, app_id, ip, details)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        entry.at,
        entry.event,
        entry.userId,
        entry.email,
        entry.appId,
        entry.ip,
        JSON.stringify(entry.details),
      );
    },
    /** Newest first. */
    list(options: { userId?: string; limit?: number } = {}): AuditRecord[] {
      const rows = options.userId
        ? db
            .prepare<[string, number], AuditRow>(
              'SELECT * FROM audit_log WHERE user_id = ? ORDER BY id DESC LIMIT ?',
            )
            .all(options.userId, options.limit ?? 1000)
        : db
            .prepare<[number], AuditRow>('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?')
            .all(options.limit ?? 1000);
      return rows.map((row) => ({
        id: row.id,
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
