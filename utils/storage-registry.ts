/**
 * The storage registry's machinery: how an item is declared, read (with its
 * migrations and schema), written and cleared. The items themselves are
 * declared in ./storage.ts, the one registry (CONVENTIONS.md), which
 * re-exports everything here; the contract is written there.
 */
import * as z from 'zod/mini';
import { lazy } from '../contract/lazy.ts';
import { readRaw, removeRaw, type StorageAreaName, writeRaw } from './storage-locations.ts';

export type { StorageAreaName } from './storage-locations.ts';
/** Events that clear items: sign-out, and a change of issuer or client id (A11). */
export type ClearEvent = 'signOut' | 'identityChange';

export interface StoredItemOptions<T> {
  key: string;
  area: StorageAreaName;
  schema: z.core.$ZodType<T>;
  /**
   * Bumped when the stored shape changes; older values go through
   * `migrations`. `null`: stored plain, without the `{ version, value }`
   * envelope (formats that predate the registry).
   */
  version: number | null;
  /** `migrations[n]` turns a version n-1 value into version n. */
  migrations?: Record<number, (previous: unknown) => unknown>;
  fallback: T;
  clearOn: readonly ClearEvent[];
  /** Why it is stored and what it holds. */
  description: string;
}

export interface StoredItem<T> extends StoredItemOptions<T> {
  get(): Promise<T>;
  set(value: T): Promise<void>;
  remove(): Promise<void>;
}

/** Options of a family: like an item's, with a key prefix instead of a key, never cleared by an event. */
export interface StoredFamilyOptions<T> extends Omit<StoredItemOptions<T>, 'key' | 'clearOn' | 'migrations'> {
  keyPrefix: string;
}

/** Items of one shape kept under one key per owner (`keyPrefix` + the owner's id). */
export interface StoredFamily<T> extends StoredFamilyOptions<T> {
  /** The item of one owner; `id` is appended to the prefix as it is. */
  item(id: string): StoredItem<T>;
}

const envelopeSchema = lazy(() => z.object({ version: z.int().check(z.gte(0)), value: z.unknown() }));

/** Every item defined so far, for {@link clearStoredItems}. */
const registry: StoredItem<unknown>[] = [];
/** Every family defined so far. */
const families: StoredFamily<unknown>[] = [];

function createItem<T>(options: StoredItemOptions<T>): StoredItem<T> {
  return {
    ...options,
    async get() {
      const raw = await readRaw(options.area, options.key);
      if (raw === undefined) return options.fallback;
      const value = migrate(options, raw);
      if (value.ok) return value.value;
      // Unreadable (older format without migration, tampered, truncated): drop it, lose nothing valid.
      await removeRaw(options.area, options.key);
      return options.fallback;
    },
    async set(value) {
      const parsed = z.parse(options.schema, value);
      const stored = options.version === null ? parsed : { version: options.version, value: parsed };
      await writeRaw(options.area, options.key, stored);
    },
    async remove() {
      await removeRaw(options.area, options.key);
    },
  };
}

/**
 * Declares a stored item. Values are written as `{ version, value }` so a
 * later release can migrate what an older one wrote (plain when `version` is null).
 */
export function defineStoredItem<T>(options: StoredItemOptions<T>): StoredItem<T> {
  const taken =
    registry.some((item) => item.key === options.key && item.area === options.area) ||
    families.some((family) => family.area === options.area && options.key.startsWith(family.keyPrefix));
  if (taken) throw new Error(`Stored item ${options.area}:${options.key} is declared twice.`);
  const item = createItem(options);
  registry.push(item as StoredItem<unknown>);
  return item;
}

/** Declares a family of stored items, one per owner (see {@link StoredFamily}). */
export function defineStoredFamily<T>(options: StoredFamilyOptions<T>): StoredFamily<T> {
  const taken =
    families.some((family) => family.area === options.area && family.keyPrefix === options.keyPrefix) ||
    registry.some((item) => item.area === options.area && item.key.startsWith(options.keyPrefix));
  if (taken) throw new Error(`Stored family ${options.area}:${options.keyPrefix}* is declared twice.`);
  const family: StoredFamily<T> = {
    ...options,
    item: (id) => createItem({ ...options, key: `${options.keyPrefix}${id}`, clearOn: [] }),
  };
  families.push(family as StoredFamily<unknown>);
  return family;
}

function migrate<T>(options: StoredItemOptions<T>, raw: unknown): { ok: true; value: T } | { ok: false } {
  if (options.version === null) {
    const parsed = z.safeParse(options.schema, raw);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false };
  }
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success || envelope.data.version > options.version) return { ok: false };
  let value = envelope.data.value;
  for (let version = envelope.data.version + 1; version <= options.version; version++) {
    const step = options.migrations?.[version];
    if (!step) return { ok: false };
    try {
      value = step(value);
    } catch {
      return { ok: false };
    }
  }
  const parsed = z.safeParse(options.schema, value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false };
}

/**
 * Removes every item declared with `clearOn` containing `event`. One failing
 * area (e.g. IndexedDB unavailable) does not stop the others; the keys that
 * could not be removed are returned.
 */
export async function clearStoredItems(event: ClearEvent): Promise<string[]> {
  const items = registry.filter((item) => item.clearOn.includes(event));
  const results = await Promise.allSettled(items.map((item) => item.remove()));
  return items.filter((_, index) => results[index]?.status === 'rejected').map((item) => item.key);
}

/** The declared items (for tests and diagnostics). */
export function storedItems(): readonly StoredItem<unknown>[] {
  return registry;
}

/** The declared families (for tests and diagnostics). */
export function storedFamilies(): readonly StoredFamily<unknown>[] {
  return families;
}
