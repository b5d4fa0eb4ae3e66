/**
 * Which database engine the portal runs on. Its own module so that the
 * migrations (which branch on it) and database.ts (which runs them) do not
 * import each other.
 */
export type Dialect = 'sqlite' | 'postgres';
