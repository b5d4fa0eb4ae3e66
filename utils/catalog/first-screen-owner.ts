/**
 * The background's side of the popup's first-screen snapshot
 * (./first-screen.ts): who the snapshot may be shown to.
 *
 * The popup paints its first screen from `localStorage` in its first frame,
 * before any asynchronous read (issue 15). `localStorage` is read synchronously
 * but a service worker cannot reach it, so the background cannot clear it at
 * sign-out. Instead the background names the signed-in person in the popup's
 * own address (`action.setPopup`, `popup.html?owner=<marker>`), and the popup
 * paints a snapshot only when it was stored under that same marker; with
 * nobody signed in the address carries no marker and the popup shows nothing
 * from the snapshot (and deletes it). So a snapshot is never shown to another
 * person, whatever is left in `localStorage`.
 *
 * The marker is a digest of issuer and subject (stable for one person, so a
 * new sign-in by the same person keeps the first screen). It follows the
 * popup snapshot in `storage.session` (utils/storage.ts `popupSnapshotItem`),
 * which the background writes only for the signed-in person and which is
 * cleared with the session (sign-out, identity change); the popup address
 * set by the API also resets with the browser, like `storage.session`.
 *
 * Contract: background only (uses `browser.action`).
 */
import { browser } from 'wxt/browser';
import { readRaw, STORAGE_LOCATIONS, unwrapStored } from '../storage-locations.ts';
import { sha256Hex } from './catalog-delta.ts';
import { OWNER_PARAM } from './first-screen.ts';

const SNAPSHOT = STORAGE_LOCATIONS.popupSnapshot;
const POPUP_PATH = '/popup.html';

/** The first-screen owner marker of one person at one portal. */
export function ownerMarker(owner: { issuer: string; sub: string }): Promise<string> {
  return sha256Hex(`${owner.issuer}\n${owner.sub}`, 32);
}

/** The popup's address for `marker` (none: no snapshot may be shown). */
export function popupPathFor(marker: string | null): string {
  return marker ? `${POPUP_PATH}?${OWNER_PARAM}=${marker}` : POPUP_PATH;
}

/** What this needs of `browser.action` (a fake in tests). */
export interface PopupAddressPort {
  setPopup(details: { popup: string }): Promise<void>;
}

/**
 * Keeps the popup's address in step with the signed-in person. `set` is
 * idempotent and never throws (a failure only means the popup cannot paint
 * its first screen early).
 */
export function createPopupOwner(action: PopupAddressPort = browser.action) {
  let current: string | null | undefined;
  let queue: Promise<void> = Promise.resolve();
  function set(marker: string | null): Promise<void> {
    queue = queue.then(async () => {
      if (current === marker) return;
      try {
        await action.setPopup({ popup: popupPathFor(marker) });
        current = marker;
      } catch {
        current = undefined;
      }
    });
    return queue;
  }
  /** Follows the stored popup snapshot's owner (raw `storage.session` value). */
  async function follow(raw: unknown): Promise<void> {
    const value = unwrapStored(SNAPSHOT, raw) as { issuer?: unknown; sub?: unknown } | undefined;
    const owner =
      value && typeof value.issuer === 'string' && typeof value.sub === 'string'
        ? { issuer: value.issuer, sub: value.sub }
        : null;
    await set(owner ? await ownerMarker(owner) : null);
  }
  /**
   * Listens for the popup snapshot's changes (sign-out and identity change remove it; the
   * background writes it for the signed-in person only). Returns the unsubscribe.
   */
  function watch(): () => void {
    const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      const change = changes[SNAPSHOT.key];
      if (area === SNAPSHOT.area && change) void follow(change.newValue);
    };
    browser.storage.onChanged.addListener(listener);
    return () => browser.storage.onChanged.removeListener(listener);
  }
  /** Sets the address from the stored snapshot (worker start: the address may predate a change). */
  async function reconcile(): Promise<void> {
    await follow(await readRaw(SNAPSHOT.area, SNAPSHOT.key).catch(() => undefined));
  }
  return { set, follow, watch, reconcile };
}
export type PopupOwner = ReturnType<typeof createPopupOwner>;
