/**
 * Databases as the portals before the schema-builder migrations left them:
 * the shipped `NNN-name.sql` files (kept frozen in fixtures/sql-migrations/,
 * one folder per dialect) applied the way the old runner did, each recorded
 * as `NNN-name.sql`. And a dialect-neutral description of a schema, to
 * compare two databases table by table.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { type Database, isPostgresUrl } from '../../src/db/database.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'sql-migrations');

/** The shipped `.sql` migrations of a dialect, in order. */
export function legacyFiles(dialect: 'sqlite' | 'postgres'): string[] {
  return fs
    .readdirSync(path.join(FIXTURES, dialect))
    .filter((name) => name.endsWith('.sql'))
    .sort();
}

/**
 * Applies the shipped `.sql` files named `files` to `target` as the old
 * runner did, then runs `data` (plain SQL both databases accept) as rows an
 * old portal would have written.
 */
export async function applyLegacy(target: string, files: string[], data = ''): Promise<void> {
  const dialect = isPostgresUrl(target) ? 'postgres' : 'sqlite';
  const text = (name: string) => fs.readFileSync(path.join(FIXTURES, dialect, name), 'utf8');
  if (dialect === 'sqlite') {
    const handle = new BetterSqlite3(target);
    handle.pragma('foreign_keys = ON');
    handle.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    for (const name of files) {
      handle.transaction(() => {
        handle.exec(text(name));
        handle
          .prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)')
          .run(name, Date.now());
      })();
    }
    handle.exec(data);
    handle.close();
    return;
  }
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    for (const name of files) {
      await client.query('BEGIN');
      await client.query(text(name));
      await client.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [
        name,
        Date.now(),
      ]);
      await client.query('COMMIT');
    }
    if (data) await client.query(data);
  } finally {
    await client.end();
  }
}

type Rows = Record<string, unknown>[];

async function rows(db: Database, query: ReturnType<typeof sql>): Promise<Rows> {
  return (await query.execute(db.kysely)).rows as Rows;
}

/** `check (...)` clauses of a CREATE TABLE text, without quotes, spaces or case. */
function checks(createTable: string): string[] {
  const text = createTable
    .toLowerCase()
    .replace(/--[^\n]*/g, '')
    .replace(/["\s]/g, '');
  const found: string[] = [];
  for (let at = text.indexOf('check('); at >= 0; at = text.indexOf('check(', at + 1)) {
    let depth = 0;
    let end = at + 5;
    do {
      if (text[end] === '(') depth++;
      if (text[end] === ')') depth--;
      end++;
    } while (depth > 0 && end < text.length);
    found.push(text.slice(at, end));
  }
  return found.sort();
}

/**
 * Everything the portal relies on in a schema: per table its columns (name,
 * type, nullability, default, key), foreign keys, indexes (with columns and
 * collations), unique and check constraints, and whether ids autoincrement.
 */
export async function describeSchema(db: Database): Promise<Record<string, unknown>> {
  const schema: Record<string, unknown> = {};
  if (db.dialect === 'sqlite') {
    const tables = await rows(
      db,
      sql`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    );
    for (const { name, sql: text } of tables) {
      const table = String(name);
      const indexes = await rows(
        db,
        sql`SELECT name, "unique", origin, partial FROM pragma_index_list(${table})`,
      );
      const described: Record<string, unknown>[] = [];
      for (const index of indexes) {
        const columns = await rows(
          db,
          sql`SELECT name, coll, "desc" FROM pragma_index_xinfo(${String(index.name)}) WHERE key = 1 ORDER BY seqno`,
        );
        described.push({ ...index, columns } as Record<string, unknown>);
      }
      schema[table] = {
        columns: (
          await rows(db, sql`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_xinfo(${table})`)
        ).map((column) => ({ ...column, type: String(column.type).toUpperCase() })),
        foreignKeys: await rows(
          db,
          sql`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(${table})`,
        ),
        indexes: described.sort((a, b) => String(a.name).localeCompare(String(b.name))),
        checks: checks(String(text)),
        autoincrement: /autoincrement/i.test(String(text)),
      };
    }
    return schema;
  }
  const columns = await rows(
    db,
    sql`SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default, is_identity,
          identity_generation
        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const constraints = await rows(
    db,
    sql`SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  const indexes = await rows(
    db,
    sql`SELECT tablename AS table_name, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`,
  );
  for (const row of [...columns, ...constraints, ...indexes]) {
    const { table_name, ...rest } = row;
    const key = String(table_name);
    schema[key] ??= { columns: [], constraints: [], indexes: [] };
    const entry = schema[key] as Record<string, Rows>;
    const kind = 'column_name' in rest ? 'columns' : 'conname' in rest ? 'constraints' : 'indexes';
    entry[kind]?.push(rest);
  }
  return schema;
}
