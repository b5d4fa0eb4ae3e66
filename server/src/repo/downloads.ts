/**
 * SQL for `downloads` (migration 050): the agent builds the admin offers.
 */
import { sql } from 'kysely';
import { all, type Database, first } from '../db/database.ts';

/** A stored download. Exactly one of `file_name` (served by the portal) and `url` is set. */
export interface DownloadRow {
  id: string;
  name: string;
  os: 'windows' | 'macos' | 'linux';
  arch: 'x64' | 'arm64' | 'universal';
  version: string;
  file_name: string | null;
  url: string | null;
  sha256: string;
  size_bytes: number;
  sort_order: number;
}

/** Every download, in the admin's order. */
export function listDownloads(db: Database): Promise<DownloadRow[]> {
  return all(db, sql<DownloadRow>`SELECT * FROM downloads ORDER BY sort_order, id`);
}

/** The download the portal serves as `fileName`, if any. */
export function findDownloadByFileName(db: Database, fileName: string): Promise<DownloadRow | undefined> {
  return first(db, sql<DownloadRow>`SELECT * FROM downloads WHERE file_name = ${fileName}`);
}
