/**
 * The portal's database: SQLite (better-sqlite3, WAL) by default, or
 * PostgreSQL (`pg`) when given a `postgres://` URL, both behind one Kysely
 * instance, with forward-only migrations (C9).
 *
 * Contract: {@link openDatabase} resolves to a {@link Database} with every
 * migration (migrations/index.ts: one Kysely schema-builder module each, the
 * same for both databases) applied exactly once, in order, each inside its
 * own transaction and recorded in `schema_migrations`. Re-opening is
 * idempotent. IDENTITY owns migration numbers 001–049, API 050–099.
 *
 * Repositories run their queries through {@link Database.executor}: inside
 * {@link Database.transaction} that is the transaction (found through
 * AsyncLocalStorage, so a service calls repositories the same way inside and
 * outside a transaction), otherwise the shared Kysely instance.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  type DeleteResult,
  type InsertResult,
  Kysely,
  PostgresDialect,
  type RawBuilder,
  SqliteDialect,
  sql,
  type Transaction,
  type UpdateResult,
} from 'kysely';
import pg from 'pg';
import { startBackgroundCheckpoints } from './checkpoints.ts';
import type { Dialect } from './dialect.ts';
import { int64 } from './migrations/helpers.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import type { DB } from './schema.ts';
import { withStatementCache } from './statements.ts';

export type { Dialect } from './dialect.ts';

/** The portal's tables (schema.ts) behind Kysely. */
export type PortalKysely = Kysely<DB>;

/** The portal's database handle (see the module comment). */
export interface Database {
  dialect: Dialect;
  kysely: PortalKysely;
  /** The executor for the current async context: the open transaction, or {@link kysely}. */
  executor(): PortalKysely;
  /** Runs `fn` in one transaction; repository calls inside it join it. Nested calls join the outer one. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Names of the migrations this build applies, in order (`NNN-name`, migrations/index.ts). */
export function listMigrations(migrations: readonly Migration[] = MIGRATIONS): string[] {
  return migrations.map((migration) => migration.name);
}

/** Raised when the database was migrated by a newer portal than this one. */
export class DatabaseVersionError extends Error {
  override name = 'DatabaseVersionError';
  readonly code = 'database_too_new';
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
  options: {
    migrations?: readonly Migration[];
    /** SQLite file: WAL checkpoints in a worker thread (checkpoints.ts); the portal server's setting. */
    backgroundCheckpoints?: boolean;
  } = {},
): Promise<Database> {
  const db = isPostgresUrl(target) ? openPostgres(target) : openSqlite(target, options.backgroundCheckpoints);
  try {
    await migrate(db, options.migrations ?? MIGRATIONS);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function openSqlite(file: string, backgroundCheckpoints = false): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const handle = new BetterSqlite3(file);
  // WAL keeps readers and the writer apart and survives crashes (C9); NORMAL is
  // durable across application crashes with WAL. busy_timeout lets the CLI and a
  // running portal share the file.
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 5000');
  // Kysely's SQLite driver prepares every query; the cache compiles each SQL text once.
  const kysely = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  const db = wrap('sqlite', kysely);
  if (!backgroundCheckpoints || file === ':memory:') return db;
  const checkpoints = startBackgroundCheckpoints(handle, file);
  return {
    ...db,
    // The worker's connection goes first, so the last one to close can checkpoint and remove the log.
    async close() {
      await checkpoints.stop();
      await db.close();
    },
  };
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
  const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return wrap('postgres', kysely);
}

function wrap(dialect: Dialect, kysely: PortalKysely): Database {
  const current = new AsyncLocalStorage<Transaction<DB>>();
  return {
    dialect,
    kysely,
    executor: () => current.getStore() ?? kysely,
    transaction<T>(fn: () => Promise<T>): Promise<T> {
      if (current.getStore()) return fn();
      return kysely.transaction().execute((trx) => current.run(trx, fn));
    },
    close: () => kysely.destroy(),
  };
}

/** How many rows a builder write (`executeTakeFirst()` of an insert, update or delete) changed. */
export function changed(result: InsertResult | UpdateResult | DeleteResult): number {
  if ('numUpdatedRows' in result) return Number(result.numUpdatedRows);
  if ('numDeletedRows' in result) return Number(result.numDeletedRows);
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Rows of a sql`` query run on the current executor. */
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

function unknownMigrations(applied: Iterable<string>, known: string[]): void {
  const unknown = [...applied].filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new DatabaseVersionError(
      `The database was migrated by a newer portal (${unknown.join(', ')}). Run the newer portal or restore a backup.`,
    );
  }
}

/**
 * Applies the pending migrations on one connection. On PostgreSQL that
 * connection holds an advisory lock, so nodes starting together migrate once
 * (and two concurrent CREATE TABLE IF NOT EXISTS cannot both fail). Databases
 * migrated by the `.sql` files of earlier portals recorded `NNN-name.sql`:
 * those names become `NNN-name` first, so their migrations are not run again.
 */
async function migrate(db: Database, migrations: readonly Migration[]): Promise<void> {
  const known = migrations.map((migration) => migration.name);
  await db.kysely.connection().execute(async (connection) => {
    // A session-level advisory lock has no builder form.
    if (db.dialect === 'postgres') await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
    try {
      await connection.schema
        .createTable('schema_migrations')
        .ifNotExists()
        .addColumn('name', 'text', (col) => col.primaryKey())
        .addColumn('applied_at', int64(db.dialect), (col) => col.notNull())
        .execute();
      await connection
        .updateTable('schema_migrations')
        .set({ name: sql<string>`substr(name, 1, length(name) - 4)` })
        .where('name', 'like', '%.sql')
        .execute();
      const rows = await connection.selectFrom('schema_migrations').select('name').execute();
      const applied = new Set(rows.map((row) => row.name));
      unknownMigrations(applied, known);
      for (const migration of migrations) {
        if (applied.has(migration.name)) continue;
        await connection.transaction().execute(async (trx) => {
          await migration.up(trx, db.dialect);
          await trx
            .insertInto('schema_migrations')
            .values({ name: migration.name, applied_at: Date.now() })
            .execute();
        });
      }
    } finally {
      if (db.dialect === 'postgres')
        await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
    }
  });
}
