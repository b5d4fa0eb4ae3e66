/** Device details of portal sessions (GET /me/sessions). SQL only here. */
import type { Selectable } from 'kysely';
import type { Database } from '../db/database.ts';
import type { SessionMetaTable } from '../db/schema.ts';

/** Device details of one portal session. */
export interface SessionMetaRecord {
  sessionUid: string;
  userId: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: number;
  lastSeenAt: number;
}

type SessionMetaRow = Selectable<SessionMetaTable>;

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
      await db
        .executor()
        .insertInto('session_meta')
        .values({
          session_uid: entry.sessionUid,
          user_id: entry.userId,
          user_agent: entry.userAgent,
          ip: entry.ip,
          created_at: now,
          last_seen_at: now,
        })
        .onConflict((oc) =>
          oc.column('session_uid').doUpdateSet((eb) => ({
            last_seen_at: eb.ref('excluded.last_seen_at'),
            user_agent: eb.ref('excluded.user_agent'),
            ip: eb.ref('excluded.ip'),
            created_at: eb
              .case()
              .when('session_meta.user_id', '=', eb.ref('excluded.user_id'))
              .then(eb.ref('session_meta.created_at'))
              .else(eb.ref('excluded.created_at'))
              .end(),
            user_id: eb.ref('excluded.user_id'),
          })),
        )
        .execute();
    },
    async seen(sessionUid: string, now: number): Promise<void> {
      await db
        .executor()
        .updateTable('session_meta')
        .set({ last_seen_at: now })
        .where('session_uid', '=', sessionUid)
        .execute();
    },
    async get(sessionUid: string): Promise<SessionMetaRecord | undefined> {
      const row = await db
        .executor()
        .selectFrom('session_meta')
        .selectAll()
        .where('session_uid', '=', sessionUid)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async listForUser(userId: string): Promise<SessionMetaRecord[]> {
      const rows = await db
        .executor()
        .selectFrom('session_meta')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('last_seen_at', 'desc')
        .execute();
      return rows.map(toRecord);
    },
    async delete(sessionUid: string): Promise<void> {
      await db.executor().deleteFrom('session_meta').where('session_uid', '=', sessionUid).execute();
    },
  };
}
