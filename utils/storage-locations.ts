/**
 * Where each stored item lives: the address book of the storage registry
 * (utils/storage.ts), and the only module that touches the storage areas.
 *
 * Why a module of its own: the registry attaches a zod schema to every item,
 * and zod is too large for the popup (tests/unit/bundle-size.test.ts). The
 * popup reads two items before the background answers (the snapshot and the
 * catalog cache, utils/catalog/popup-snapshot.ts); it finds them here, by the
 * same location the registry declares them with, and reads them raw: the
 * background validated them when it wrote them.
 *
 * Contract: every location is declared by exactly one item (or family) in
 * utils/storage.ts (tested there); nothing else names a storage key.
 *
 * Reads of one area asked for side by side go to the browser as one `get`
 * ({@link readRaw}). Home-made, in a few lines: `dataloader`, the kept
 * library for batching, cannot send a pending batch early, which a write here
 * must do first (so that each read sees exactly the writes asked for before
 * it), and it caches values unless told not to.
 */
import { createStore, del as idbDel, get as idbGet, set as idbSet, type UseStore } from 'idb-keyval';
import { browser } from 'wxt/browser';

/** `storage.session` (memory, trusted contexts), `storage.local`, or IndexedDB (idb-keyval). */
export type StorageAreaName = 'session' | 'local' | 'idb';

/** Where one item lives. */
export interface StorageLocation {
  readonly area: StorageAreaName;
  readonly key: string;
  /**
   * The version its value is written with, inside a `{ version, value }`
   * envelope; `null`: written plain, in a format its owning module reads
   * leniently itself (formats that predate the registry).
   */
  readonly version: number | null;
}

/** Where a family of items lives: one key per owner, all starting with `keyPrefix`. */
export interface StorageFamilyLocation {
  readonly area: StorageAreaName;
  readonly keyPrefix: string;
  readonly version: number | null;
}

/** Every stored item's location, by the name of its item in utils/storage.ts. */
export const STORAGE_LOCATIONS = {
  session: { area: 'session', key: 'session', version: 1 },
  pendingFlows: { area: 'session', key: 'pendingFlows', version: 1 },
  launchNotice: { area: 'session', key: 'launchNotice', version: 1 },
  sessionEnded: { area: 'session', key: 'sessionEnded', version: 1 },
  popupSnapshot: { area: 'session', key: 'popupSnapshot', version: 1 },
  stateChanged: { area: 'session', key: 'stateChangedAt', version: 1 },
  portalUnreachable: { area: 'session', key: 'portalUnreachable', version: 1 },
  pushPrompts: { area: 'session', key: 'pushPrompts', version: 1 },
  catalogCache: { area: 'idb', key: 'catalog', version: 1 },
  catalogSummary: { area: 'session', key: 'catalogSummary', version: 1 },
  /** The user's own settings (utils/policy owns and salvages the format). */
  userSettings: { area: 'local', key: 'settings', version: null },
} as const satisfies Record<string, StorageLocation>;

/** Every family's location, by the name of its family in utils/storage.ts. */
export const STORAGE_FAMILY_LOCATIONS = {
  /** Per issuer + subject launcher preferences (utils/catalog/prefs owns and salvages the format). */
  launcherPrefs: { area: 'local', keyPrefix: 'launcherPrefs:', version: null },
} as const satisfies Record<string, StorageFamilyLocation>;

/** The IndexedDB database and object store of the `idb` area. */
export const IDB_LOCATION = { database: 'portal-launcher', store: 'items' } as const;

let idbStore: UseStore | null = null;
function idb(): UseStore {
  idbStore ??= createStore(IDB_LOCATION.database, IDB_LOCATION.store);
  return idbStore;
}

/** The reads of one extension storage area asked for in this turn, not yet sent to the browser. */
interface ReadBatch {
  readonly keys: Set<string>;
  readonly result: Promise<Record<string, unknown>>;
  send(): void;
}
const readBatches = new Map<'session' | 'local', ReadBatch>();

/**
 * Reads of one area asked for side by side (in one turn of the event loop) go to the browser as one
 * `get`: each call is a round trip through the browser's UI thread, answered one after another, and a
 * woken worker answers the popup only after several such reads (issue 15). The batch is sent when the
 * turn's synchronous code is done, or at once before a write or removal in the same area, so every
 * read still sees exactly the writes asked for before it.
 */
function batchedRead(area: 'session' | 'local', key: string): Promise<unknown> {
  let batch = readBatches.get(area);
  if (!batch) {
    const keys = new Set<string>();
    let answer: Pick<PromiseWithResolvers<Record<string, unknown>>, 'resolve' | 'reject'>;
    const result = new Promise<Record<string, unknown>>((resolve, reject) => {
      answer = { resolve, reject };
    });
    const created: ReadBatch = {
      keys,
      result,
      // Sent once: by the first of the turn's end and a write in the area.
      send() {
        if (readBatches.get(area) !== created) return;
        readBatches.delete(area);
        browser.storage[area].get([...keys]).then(answer.resolve, answer.reject);
      },
    };
    readBatches.set(area, created);
    queueMicrotask(created.send);
    batch = created;
  }
  batch.keys.add(key);
  return batch.result.then((values) => values[key]);
}

/** Sends the area's pending reads now, ahead of a write to it. */
function sendReads(area: 'session' | 'local'): void {
  readBatches.get(area)?.send();
}

/** The value stored at `key` in `area`, exactly as stored (`undefined` when none). */
export async function readRaw(area: StorageAreaName, key: string): Promise<unknown> {
  if (area === 'idb') return idbGet(key, idb());
  return batchedRead(area, key);
}

/** Stores `value` at `key` in `area` as it is. */
export async function writeRaw(area: StorageAreaName, key: string, value: unknown): Promise<void> {
  if (area === 'idb') return idbSet(key, value, idb());
  sendReads(area);
  await browser.storage[area].set({ [key]: value });
}

/** Removes `key` from `area`. */
export async function removeRaw(area: StorageAreaName, key: string): Promise<void> {
  if (area === 'idb') return idbDel(key, idb());
  sendReads(area);
  await browser.storage[area].remove(key);
}

/**
 * The value inside a raw stored `{ version, value }` envelope when it was
 * written with `location`'s version, else `undefined` (no value, another
 * version, not an envelope). Unvalidated: for readers without the schema.
 */
export function unwrapStored(location: Pick<StorageLocation, 'version'>, raw: unknown): unknown {
  if (location.version === null) return raw;
  if (typeof raw !== 'object' || raw === null || !('version' in raw) || raw.version !== location.version) {
    return undefined;
  }
  return (raw as { value?: unknown }).value;
}
