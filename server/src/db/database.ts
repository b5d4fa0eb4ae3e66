/**
 * The portal's one SQLite database (better-sqlite3, WAL) and its forward-only
 * migrations (C9).
 *
 * Contract: {@link openDatabase} returns a database with every migration in
 * `migrations/*.sql` applied exactly once, in filename order, each inside its
 * own transaction and recorded in `schema_migrations`. Re-opening is
 * idempotent. IDENTITY owns migration numbers 001–049, API 050–099.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';

/** The better-sqlite3 handle (synchronous; one per process is enough). */
export type Database = BetterSqlite3.Database;

/** Folder of the `NNN-name.sql` migration files. */
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Raised when the database on disk was migrated by a newer portal than this one. */
export class DatabaseVersionError extends Error {
  override name = 'DatabaseVersionError';
  readonly code = 'database_too_new';
}

/** Lists migration files (`NNN-*.sql`) in the order they apply. */
export function listMigrations(dir = MIGRATIONS_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{3}-[a-z0-9-]+\.sql$/.test(name))
    .sort();
}

/**
 * Opens (creating if needed) the database at `file` and applies pending
 * migrations. Pass `':memory:'` for a throwaway database.
 *
 * @throws {DatabaseVersionError} when the file records a migration this build does not know.
 */
export function openDatabase(file: string, options: { migrationsDir?: string } = {}): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  // WAL keeps readers and the writer apart and survives crashes (C9); NORMAL is
  // durable across application crashes with WAL. busy_timeout lets the CLI and a
  // running portal share the file.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, options.migrationsDir ?? MIGRATIONS_DIR);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: Database, dir: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`);
  const files = listMigrations(dir);
  const applied = new Set(
    db
      .prepare('SELECT name FROM schema_migrations')
      .pluck()
      .all()
      .map((name) => String(name)),
  );
  const unknown = [...applied].filter((name) => !files.includes(name));
  if (unknown.length > 0) {
    throw new DatabaseVersionError(
      `The database was migrated by a newer portal (${unknown.join(', ')}). Run the newer portal or restore a backup.`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  for (const name of files) {
    if (applied.has(name)) continue;
    const sql = fs.readFileSync(path.join(dir, name), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      record.run(name, Date.now());
    })();
  }
}
