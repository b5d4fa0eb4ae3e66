/** Raw SQL in tests (schema checks, rows written behind the services' backs), on either database. */
import type { RawBuilder } from 'kysely';
import type { Database } from '../src/db/database.ts';

/** The first column of every row of a query. */
export async function column(db: Database, query: RawBuilder<unknown>): Promise<unknown[]> {
  const { rows } = await query.execute(db.kysely);
  return rows.map((row) => Object.values(row as Record<string, unknown>)[0]);
}

/** Runs a statement; resolves to the rows it returned (if any). */
export async function exec<T = Record<string, unknown>>(db: Database, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db.kysely)).rows;
}
