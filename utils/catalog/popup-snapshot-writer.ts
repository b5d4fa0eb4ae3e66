/**
 * The background's side of the popup snapshot (see ./popup-snapshot.ts):
 * stores who is signed in and the launcher state without apps, or removes it.
 *
 * Contract: background only. Never throws: the snapshot is an optimisation,
 * and a failed write only means the popup waits for the background's answer.
 */
import type { LauncherPrefsWire, LauncherState } from '../messaging.ts';
import { popupSnapshotItem } from '../storage.ts';
import { snapshotFromState } from './popup-snapshot.ts';

/** Stores the snapshot of `state` for `owner`, or removes it when signed out. */
export async function publishPopupSnapshot(
  state: LauncherState,
  owner: { issuer: string; sub: string } | null,
): Promise<void> {
  const snapshot = snapshotFromState(state, owner);
  try {
    if (snapshot) await popupSnapshotItem.set({ ...snapshot, state: { ...snapshot.state } });
    else await popupSnapshotItem.remove();
  } catch {
    // Not fatal, see the contract.
  }
}

/**
 * Replaces the favorites, recents and layout in the stored snapshot, so a
 * popup opened after a pin or a launch paints them in the right order.
 */
export async function updatePopupSnapshotPrefs(prefs: LauncherPrefsWire): Promise<void> {
  try {
    const current = await popupSnapshotItem.get();
    const launcher = current?.state.launcher;
    if (!current || typeof launcher !== 'object' || launcher === null) return;
    await popupSnapshotItem.set({
      ...current,
      state: { ...current.state, launcher: { ...launcher, prefs } },
    });
  } catch {
    // Not fatal, see the contract.
  }
}
