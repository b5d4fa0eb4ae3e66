/**
 * Queries built once with Kysely's builder and run many times with fresh
 * parameters, for the launch path.
 *
 * The builder makes and compiles a query tree on every call (about 8–16 µs
 * here, several queries per launch). {@link compileOnce} builds the query
 * with placeholders where the values go, compiles it once per database, and
 * each call only fills in the parameter list: the same SQL text, so
 * statements.ts still finds the prepared statement. Only values can be
 * placeholders; the query's shape is fixed when it is built.
 */
import type { Compilable } from 'kysely';
import type { Database, PortalKysely } from './database.ts';

/** Stands where a value of the call goes. */
class Slot {
  constructor(readonly key: string) {}
}

/** A query compiled once; each method runs it with `args` on the current executor (the open transaction, if any). */
export interface CompiledOnce<A, R> {
  all(args: A): Promise<R[]>;
  first(args: A): Promise<R | undefined>;
  /** Resolves to the number of rows the statement changed. */
  run(args: A): Promise<number>;
}

/**
 * Compiles `build`'s query for `db`. `arg(key)` in it marks where `args[key]`
 * goes; every other value is fixed.
 */
export function compileOnce<A extends Record<string, unknown>, R>(
  db: Database,
  build: (kysely: PortalKysely, arg: <K extends keyof A & string>(key: K) => A[K]) => Compilable<R>,
): CompiledOnce<A, R> {
  const compiled = build(db.kysely, (key) => new Slot(key) as never).compile();
  const template = compiled.parameters;
  const keys = template.map((value) => (value instanceof Slot ? value.key : undefined));
  const execute = (args: A) =>
    db.executor().executeQuery<R>({
      ...compiled,
      parameters: template.map((value, index) => {
        const key = keys[index];
        return key === undefined ? value : args[key];
      }),
    });
  return {
    all: async (args) => (await execute(args)).rows,
    first: async (args) => (await execute(args)).rows[0],
    run: async (args) => Number((await execute(args)).numAffectedRows ?? 0),
  };
}
