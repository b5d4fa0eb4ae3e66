/** Device details of portal sessions (GET /me/sessions). SQL only here. */
import { sql } from 'kysely';
import { all, type Database, first, run } from '../db/database.ts';

/** Device details of one portal session. */
export interface SessionMetaRecord {
  sessionUid: string;
  userId: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: number;
  lastSeenAt: number;
}

interface SessionMetaRow {
  session_uid: string;
  user_id: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_seen_at: number;
}

export type SessionMetaRepo = ReturnType<typeof createSessionMetaRepo>;

/** Repository over `session_meta`. */
export function createSessionMetaRepo(db: Database) {
  const toRecord = (row: SessionMetaRow): SessionMetaRecord => ({
    sessionUid: row.session_uid,
    userId: row.user_id,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
  });
  return {
    /** Records a sign-in on a session; a new account on the same session uid starts a new record. */
    async touch(entry: Omit<SessionMetaRecord, 'createdAt' | 'lastSeenAt'>, now: number): Promise<void> {
      await run(
        db,
        sql`INSERT INTO session_meta (session_uid, user_id, user_agent, ip, created_at, last_seen_at)
            VALUES (${entry.sessionUid}, ${entry.userId}, ${entry.userAgent}, ${entry.ip}, ${now}, ${now})
            ON CONFLICT (session_uid) DO UPDATE SET last_seen_at = excluded.last_seen_at,
              user_agent = excluded.user_agent, ip = excluded.ip,
              created_at = CASE WHEN session_meta.user_id = excluded.user_id THEN session_meta.created_at
                                ELSE excluded.created_at END,
              user_id = excluded.user_id`,
      );
    },
    async seen(sessionUid: string, now: number): Promise<void> {
      await run(db, sql`UPDATE session_meta SET last_seen_at = ${now} WHERE session_uid = ${sessionUid}`);
    },
    async get(sessionUid: string): Promise<SessionMetaRecord | undefined> {
      const row = await first(
        db,
        sql<SessionMetaRow>`SELECT * FROM session_meta WHERE session_uid = ${sessionUid}`,
      );
      return row && toRecord(row);
    },
    async listForUser(userId: string): Promise<SessionMetaRecord[]> {
      const rows = await all(
        db,
        sql<SessionMetaRow>`SELECT * FROM session_meta WHERE user_id = ${userId} ORDER BY last_seen_at DESC`,
      );
      return rows.map(toRecord);
    },
    async delete(sessionUid: string): Promise<void> {
      await run(db, sql`DELETE FROM session_meta WHERE session_uid = ${sessionUid}`);
    },
  };
}
