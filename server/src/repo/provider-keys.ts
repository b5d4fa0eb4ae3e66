/** The provider's key sets (`provider_keys`, migration 080). SQL only here; oidc/keys.ts owns the keys. */
import { sql } from 'kysely';
import { type Database, first, run } from '../db/database.ts';

/** The stored JSON of a key set, if any. */
export async function findKeySet(db: Database, name: string): Promise<string | undefined> {
  return (await first(db, sql<{ value: string }>`SELECT value FROM provider_keys WHERE name = ${name}`))
    ?.value;
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
  await run(
    db,
    sql`INSERT INTO provider_keys (name, value, created_at) VALUES (${name}, ${value}, ${now})
        ON CONFLICT (name) DO NOTHING`,
  );
}

/** Replaces a key set if it is still `expected`; false when someone changed it meanwhile. */
export async function replaceKeySet(
  db: Database,
  name: string,
  expected: string,
  value: string,
): Promise<boolean> {
  return (
    (await run(
      db,
      sql`UPDATE provider_keys SET value = ${value} WHERE name = ${name} AND value = ${expected}`,
    )) === 1
  );
}
