/**
 * Prepared statements, prepared once per SQLite handle.
 *
 * better-sqlite3 compiles the SQL on every `db.prepare`, and Kysely's SQLite
 * driver calls it per query, so a hot path (a launch: token's grant, user,
 * app, assignment, ticket, audit) paid for parsing and planning each time.
 * {@link withStatementCache} returns the same handle with `prepare` memoised
 * by SQL text; everything else (`transaction`, `pragma`, `close`…) is the
 * handle's own.
 *
 * Contract: every SQL text must mean one statement mode. `.pluck()`, `.raw()`
 * and `.expand()` switch a statement's mode for good, so the same text must
 * not be used once plucked and once not (each text in `repo/` has one use).
 * (Kysely's driver never switches modes.) Texts are fixed strings or built from fixed pieces;
 * SQL must never embed values. As a guard, past {@link MAX_CACHED} texts a
 * new text is prepared per call again, as before.
 */
import type BetterSqlite3 from 'better-sqlite3';

type Database = BetterSqlite3.Database;

/** Distinct SQL texts kept per handle. */
const MAX_CACHED = 1000;

const cached = new WeakMap<Database, Database>();
const caching = new WeakSet<Database>();

/** The handle with `prepare` cached per SQL text; the same wrapper for the same handle. */
export function withStatementCache(db: Database): Database {
  if (caching.has(db)) return db;
  const existing = cached.get(db);
  if (existing) return existing;
  const statements = new Map<string, ReturnType<Database['prepare']>>();
  const prepare = (source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      statement = db.prepare(source);
      if (statements.size < MAX_CACHED) statements.set(source, statement);
    }
    return statement;
  };
  const wrapper = new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, target);
      // Native methods need the real handle as `this`.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  cached.set(db, wrapper);
  caching.add(wrapper);
  return wrapper;
}
