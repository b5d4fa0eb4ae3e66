/** Device details of portal sessions (GET /me/sessions). SQL only here. */
import type { Database } from '../db/database.ts';

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
    touch(entry: Omit<SessionMetaRecord, 'createdAt' | 'lastSeenAt'>, now: number): void {
      db.prepare(
        `INSERT INTO session_meta (session_uid, user_id, user_agent, ip, created_at, last_seen_at)
         VALUES (@sessionUid, @userId, @userAgent, @ip, @now, @now)
         ON CONFLICT (session_uid) DO UPDATE SET last_seen_at = excluded.last_seen_at,
           user_agent = excluded.user_agent, ip = excluded.ip,
           created_at = CASE WHEN session_meta.user_id = excluded.user_id THEN session_meta.created_at
                             ELSE excluded.created_at END,
           user_id = excluded.user_id`,
      ).run({ ...entry, now });
    },
    seen(sessionUid: string, now: number): void {
      db.prepare('UPDATE session_meta SET last_seen_at = ? WHERE session_uid = ?').run(now, sessionUid);
    },
    get(sessionUid: string): SessionMetaRecord | undefined {
      const row = db
        .prepare<[string], SessionMetaRow>('SELECT * FROM session_meta WHERE session_uid = ?')
        .get(sessionUid);
      return row && toRecord(row);
    },
    listForUser(userId: string): SessionMetaRecord[] {
      return db
        .prepare<[string], SessionMetaRow>(
          'SELECT * FROM session_meta WHERE user_id = ? ORDER BY last_seen_at DESC',
        )
        .all(userId)
        .map(toRecord);
    },
    delete(sessionUid: string): void {
      db.prepare('DELETE FROM session_meta WHERE session_uid = ?').run(sessionUid);
    },
  };
}
