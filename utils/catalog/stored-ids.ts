/**
 * Salvaging lists of app ids from stored data written by an older version,
 * another browser profile or a bug (C8): keep every valid id, in order, once;
 * drop the rest; never throw.
 */
import { appIdSchema } from '../../contract/schemas.ts';

/** At most this many stored entries are looked at, so a huge stored value costs little. */
const SCAN_LIMIT = 10_000;

/**
 * The valid, distinct app ids in `values`, in order, at most `max`. Whole
 * numbers are taken as ids written by versions that stored them unquoted.
 */
export function salvageIds(values: unknown, max: number): string[] {
  if (!Array.isArray(values)) return [];
  const ids: string[] = [];
  const seen = new Set<string>();
  const limit = Math.min(values.length, SCAN_LIMIT);
  for (let i = 0; i < limit && ids.length < max; i++) {
    const value: unknown = values[i];
    const candidate = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
    const parsed = appIdSchema.safeParse(candidate);
    if (parsed.success && !seen.has(parsed.data)) {
      seen.add(parsed.data);
      ids.push(parsed.data);
    }
  }
  return ids;
}

/** The `ids` array of a stored object, or the value itself when it is a bare (pre-versioned) array. */
export function storedIdList(stored: unknown): unknown {
  if (Array.isArray(stored)) return stored;
  if (typeof stored === 'object' && stored !== null && 'ids' in stored)
    return (stored as { ids: unknown }).ids;
  return [];
}

/** True when no id appears twice. */
export function isDistinct(ids: readonly string[]): boolean {
  return new Set(ids).size === ids.length;
}
