/**
 * The per-user collection rule (B21) and the per-user rate limit (B15),
 * written once: insert a row unless its owner already has `limit` rows in the
 * table (or, with `since`, rows created after a time), or the row clashes with
 * one already stored on the table's unique key.
 *
 * One guarded statement decides (`INSERT … SELECT … WHERE (SELECT COUNT(*) …)
 * < limit ON CONFLICT (…) DO NOTHING`), so two concurrent writes can neither
 * both add the same row nor pass the limit together. On SQLite the statement
 * alone is enough (one writer at a time). On PostgreSQL it is not: under READ
 * COMMITTED the count does not see a concurrent, uncommitted insert, so the
 * statement runs in a transaction that first takes an advisory lock on the
 * (table, owner) pair, which queues writers to one collection and nobody else.
 * When nothing was stored, a second read tells a duplicate from a full
 * collection, so the API can answer 409 or its limit problem.
 *
 * Values are cast to their SQL type because PostgreSQL types the parameters
 * of a bare SELECT list as text; the type follows the JavaScript value
 * (string → TEXT, number → BIGINT, boolean → INTEGER 0/1). A null value is
 * left out of the column list, so the column takes its default.
 */
import { type RawBuilder, sql } from 'kysely';
import { type Database, first, run } from '../db/database.ts';

/** A value of a row to store. */
export type CellValue = string | number | boolean | null;

/** What {@link insertWithinLimit} did. */
export type LimitedInsertResult = 'stored' | 'duplicate' | 'limit';

export interface LimitedInsert {
  table: string;
  /** Column → value; the owner column must be among them. */
  row: Record<string, CellValue>;
  /** The column that names the collection's owner (the user). */
  owner: string;
  /** Rows the owner may have at most. */
  limit: number;
  /** The columns of the unique key that makes a second copy a duplicate (none: no duplicates). */
  unique?: readonly string[];
  /** Count only the owner's rows whose `column` is greater than `after` (a rate window). */
  since?: { column: string; after: number };
}

export async function insertWithinLimit(db: Database, spec: LimitedInsert): Promise<LimitedInsertResult> {
  const { table, row, owner, limit, unique = [], since } = spec;
  if (!(owner in row) || unique.some((column) => !(column in row))) {
    throw new TypeError(`insertWithinLimit(${table}): the owner and unique columns must have values`);
  }
  const columns = Object.keys(row).filter((column) => row[column] !== null);
  const insert = sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((column) => sql.ref(column)))})
        SELECT ${sql.join(columns.map((column) => cast(row[column] as Exclude<CellValue, null>)))}
        WHERE (SELECT COUNT(*) FROM ${sql.table(table)} WHERE ${sql.ref(owner)} = ${row[owner]}${
          since ? sql` AND ${sql.ref(since.column)} > ${since.after}` : sql``
        }) < ${limit}
        ${unique.length > 0 ? sql`ON CONFLICT (${sql.join(unique.map((column) => sql.ref(column)))}) DO NOTHING` : sql``}`;
  const changed =
    db.dialect === 'postgres'
      ? await db.transaction(async () => {
          await first(db, sql`SELECT pg_advisory_xact_lock(hashtext(${`${table}:${String(row[owner])}`}))`);
          return run(db, insert);
        })
      : await run(db, insert);
  if (changed === 1) return 'stored';
  if (unique.length === 0) return 'limit';
  const clash = sql.join(
    unique.map((column) => sql`${sql.ref(column)} = ${row[column]}`),
    sql` AND `,
  );
  const duplicate = await first(db, sql`SELECT 1 AS one FROM ${sql.table(table)} WHERE ${clash}`);
  return duplicate ? 'duplicate' : 'limit';
}

function cast(value: string | number | boolean): RawBuilder<unknown> {
  if (typeof value === 'string') return sql`CAST(${value} AS TEXT)`;
  if (typeof value === 'boolean') return sql`CAST(${value ? 1 : 0} AS INTEGER)`;
  return sql`CAST(${value} AS BIGINT)`;
}
