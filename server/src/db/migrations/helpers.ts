/**
 * The few places where a migration says something different to SQLite and to
 * PostgreSQL, each named once. Everything else in a migration is Kysely's
 * schema builder, the same for both.
 */
import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

/** Kysely as a migration sees it: untyped, since it builds the schema that `DB` (schema.ts) describes only afterwards. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export type SchemaKysely = Kysely<any>;

/** What every migration module exports (see index.ts). */
export type MigrationUp = (db: SchemaKysely, dialect: Dialect) => Promise<void>;

/** A migration: its recorded name (`NNN-name`) and what it does. */
export interface Migration {
  name: string;
  up: MigrationUp;
}

/**
 * A 64-bit integer (times in milliseconds, counters): SQLite's INTEGER is
 * one already; PostgreSQL's INTEGER is 32-bit, so BIGINT there.
 */
export function int64(dialect: Dialect): 'integer' | 'bigint' {
  return dialect === 'postgres' ? 'bigint' : 'integer';
}

/**
 * Adds an `id` primary key the database numbers itself: SQLite's INTEGER
 * PRIMARY KEY AUTOINCREMENT (never reuses a number), PostgreSQL's identity.
 */
export function withAutoId<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
  dialect: Dialect,
): CreateTableBuilder<T, C | 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigint', (col) => col.generatedByDefaultAsIdentity().primaryKey())
    : table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement());
}

/**
 * A TEXT column unique without regard to case, part one: SQLite keeps it on
 * the column (UNIQUE COLLATE NOCASE); PostgreSQL has no such collation by
 * default and gets a unique index on lower(column) from {@link addUniqueIgnoringCaseIndex}.
 */
export function uniqueIgnoringCase(dialect: Dialect) {
  return (col: ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? col.notNull() : col.notNull().unique().modifyEnd(sql`COLLATE NOCASE`);
}

/** Part two of {@link uniqueIgnoringCase}: PostgreSQL's unique index on lower(column); nothing on SQLite. */
export async function addUniqueIgnoringCaseIndex(
  db: SchemaKysely,
  dialect: Dialect,
  table: string,
  column: string,
) {
  if (dialect !== 'postgres') return;
  await db.schema
    .createIndex(`${table}_${column}_lower`)
    .unique()
    .on(table)
    .expression(sql`lower(${sql.ref(column)})`)
    .execute();
}
