/** The provider's key sets (`provider_keys`, migration 080). SQL only here; oidc/keys.ts owns the keys. */
import { changed, type Database } from '../db/database.ts';

/** The stored JSON of a key set, if any. */
export async function findKeySet(db: Database, name: string): Promise<string | undefined> {
  const row = await db
    .executor()
    .selectFrom('provider_keys')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.value;
}

/**
 * Stores a key set unless one of that name exists already. Two nodes starting
 * together on an empty database both try; the first insert wins and both then
 * read it back, so they sign with the same keys.
 */
export async function insertKeySetIfAbsent(
  db: Database,
  name: string,
  value: string,
  now: number,
): Promise<void> {
  await db
    .executor()
    .insertInto('provider_keys')
    .values({ name, value, created_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/** Replaces a key set if it is still `expected`; false when someone changed it meanwhile. */
export async function replaceKeySet(
  db: Database,
  name: string,
  expected: string,
  value: string,
): Promise<boolean> {
  const result = await db
    .executor()
    .updateTable('provider_keys')
    .set({ value })
    .where('name', '=', name)
    .where('value', '=', expected)
    .executeTakeFirst();
  return changed(result) === 1;
}
