/** The SET list of an upsert that takes the new row's values. */

/** Anything with Kysely's `ref` (the expression builder of `onConflict(…).doUpdateSet`). */
interface Refs {
  // biome-ignore lint/suspicious/noExplicitAny: a reference to the `excluded` row; the column names are the caller's.
  ref(reference: any): unknown;
}

/**
 * `column = excluded.column` for each of `columns`, for
 * `.onConflict((oc) => oc.column(…).doUpdateSet(takeNew(columns)))`.
 */
export function takeNew(columns: readonly string[]) {
  return (eb: Refs): Record<string, never> =>
    Object.fromEntries(columns.map((column) => [column, eb.ref(`excluded.${column}`)])) as Record<
      string,
      never
    >;
}
