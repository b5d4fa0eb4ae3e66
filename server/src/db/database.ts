/**
 * The portal's database: SQLite (better-sqlite3, WAL) by default, or
 * PostgreSQL (`pg`) when given a `postgres://` URL, both behind one Kysely
 * instance, with forward-only migrations (C9).
 *
 * Contract: {@link openDatabase} resolves to a {@link Database} with every
 * migration of its dialect applied exactly once, in filename order, each
 * inside its own transaction and recorded in `schema_migrations`. Re-opening
 * is idempotent. IDENTITY owns migration numbers 001–049, API 050–099.
 * Every SQLite migration `migrations/NNN-name.sql` has a PostgreSQL twin of the
 * same name in `migrations/postgres/` (a test keeps them paired).
 *
 * Repositories run their SQL through {@link Database.executor}: inside
 * {@link Database.transaction} that is the transaction (found through
 * AsyncLocalStorage, so a service calls repositories the same way inside and
 * outside a transaction), otherwise the shared Kysely instance.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, type RawBuilder, SqliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { withStatementCache } from './statements.ts';

/** Which database engine a {@link Database} runs on. */
export type Dialect = 'sqlite' | 'postgres';

// biome-ignore lint/suspicious/noExplicitAny: SQL is written as text (sql``); rows are typed per query.
export type AnyKysely = Kysely<any>;

/** The portal's database handle (see the module comment). */
export interface Database {
  dialect: Dialect;
  kysely: AnyKysely;
  /** The executor for the current async context: the open transaction, or {@link kysely}. */
  executor(): AnyKysely;
  /** Runs `fn` in one transaction; repository calls inside it join it. Nested calls join the outer one. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Folder of the SQLite `NNN-name.sql` migration files; their PostgreSQL twins are in `postgres/`. */
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
export const POSTGRES_MIGRATIONS_DIR = path.join(MIGRATIONS_DIR, 'postgres');

/** Raised when the database was migrated by a newer portal than this one. */
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

/** True for a `postgres://` or `postgresql://` connection URL. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * Opens (creating if needed) the database and applies pending migrations.
 * `target` is a SQLite file, `':memory:'`, or a PostgreSQL URL.
 *
 * @throws {DatabaseVersionError} when the database records a migration this build does not know.
 */
export async function openDatabase(
  target: string,
  options: { migrationsDir?: string } = {},
): Promise<Database> {
  if (!isPostgresUrl(target)) return openSqlite(target, options.migrationsDir ?? MIGRATIONS_DIR);
  const db = openPostgres(target);
  try {
    await migratePostgres(db.kysely, options.migrationsDir ?? POSTGRES_MIGRATIONS_DIR);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function openSqlite(file: string, migrationsDir: string): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const handle = new BetterSqlite3(file);
  // WAL keeps readers and the writer apart and survives crashes (C9); NORMAL is
  // durable across application crashes with WAL. busy_timeout lets the CLI and a
  // running portal share the file.
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 5000');
  try {
    migrateSqlite(handle, migrationsDir);
  } catch (error) {
    handle.close();
    throw error;
  }
  // Kysely's SQLite driver prepares every query; the cache compiles each SQL text once.
  const kysely = new Kysely({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  return wrap('sqlite', kysely);
}

/** int8 (COUNT(*), BIGINT milliseconds) as a JS number: every value the portal stores is below 2^53. */
const INT8_OID = 20;

function openPostgres(url: string): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.PORTAL_DATABASE_POOL_SIZE ?? 10),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  // An idle client that loses its server (restart, failover) must not crash the node.
  pool.on('error', () => {});
  const kysely = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return wrap('postgres', kysely);
}

function wrap(dialect: Dialect, kysely: AnyKysely): Database {
  const current = new AsyncLocalStorage<Transaction<unknown>>();
  return {
    dialect,
    kysely,
    executor: () => (current.getStore() as AnyKysely | undefined) ?? kysely,
    transaction<T>(fn: () => Promise<T>): Promise<T> {
      if (current.getStore()) return fn();
      return kysely.transaction().execute((trx) => current.run(trx, fn));
    },
    close: () => kysely.destroy(),
  };
}

/** Rows of a query run on the current executor. */
export async function all<T>(db: Database, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db.executor())).rows;
}

/** The first row of a query, or undefined. */
export async function first<T>(db: Database, query: RawBuilder<T>): Promise<T | undefined> {
  return (await query.execute(db.executor())).rows[0];
}

/** Runs a write; resolves to the number of rows it changed. */
export async function run(db: Database, query: RawBuilder<unknown>): Promise<number> {
  return Number((await query.execute(db.executor())).numAffectedRows ?? 0);
}

/** Arbitrary number that names the migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK = 4_201_770;

function unknownMigrations(applied: Iterable<string>, files: string[]): void {
  const unknown = [...applied].filter((name) => !files.includes(name));
  if (unknown.length > 0) {
    throw new DatabaseVersionError(
      `The database was migrated by a newer portal (${unknown.join(', ')}). Run the newer portal or restore a backup.`,
    );
  }
}

/** SQLite: synchronous, on the raw handle (`exec` runs a whole script). */
function migrateSqlite(handle: BetterSqlite3.Database, dir: string): void {
  handle.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`);
  const files = listMigrations(dir);
  const applied = new Set(
    handle
      .prepare('SELECT name FROM schema_migrations')
      .pluck()
      .all()
      .map((name) => String(name)),
  );
  unknownMigrations(applied, files);
  const record = handle.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  for (const name of files) {
    if (applied.has(name)) continue;
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    handle.transaction(() => {
      handle.exec(text);
      record.run(name, Date.now());
    })();
  }
}

/** PostgreSQL: one connection holds an advisory lock, so nodes starting together migrate once. */
async function migratePostgres(kysely: AnyKysely, dir: string): Promise<void> {
  const files = listMigrations(dir);
  await kysely.connection().execute(async (connection) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
    try {
      // Inside the lock: two concurrent CREATE TABLE IF NOT EXISTS can both fail in PostgreSQL.
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`.execute(
        connection,
      );
      const rows = await sql<{ name: string }>`SELECT name FROM schema_migrations`.execute(connection);
      const applied = new Set(rows.rows.map((row) => row.name));
      unknownMigrations(applied, files);
      for (const name of files) {
        if (applied.has(name)) continue;
        const text = fs.readFileSync(path.join(dir, name), 'utf8');
        await connection.transaction().execute(async (trx) => {
          await sql.raw(text).execute(trx);
          await sql`INSERT INTO schema_migrations (name, applied_at) VALUES (${name}, ${Date.now()})`.execute(
            trx,
          );
        });
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
    }
  });
}
