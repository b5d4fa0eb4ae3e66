/**
 * SQL for `downloads` (migration 050): the agent builds the admin offers.
 */
import type { Selectable } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DownloadsTable } from '../db/schema.ts';

/** A stored download. Exactly one of `file_name` (served by the portal) and `url` is set. */
export type DownloadRow = Selectable<DownloadsTable>;

/** Every download, in the admin's order. */
export function listDownloads(db: Database): Promise<DownloadRow[]> {
  return db.executor().selectFrom('downloads').selectAll().orderBy('sort_order').orderBy('id').execute();
}

/** The download the portal serves as `fileName`, if any. */
export function findDownloadByFileName(db: Database, fileName: string): Promise<DownloadRow | undefined> {
  return db
    .executor()
    .selectFrom('downloads')
    .selectAll()
    .where('file_name', '=', fileName)
    .executeTakeFirst();
}
