/**
 * The background's side of the popup snapshot (see ./popup-snapshot.ts):
 * stores who is signed in and the launcher state without apps, or removes it.
 *
 * Contract: background only. Never throws: the snapshot is an optimisation,
 * and a failed write only means the popup waits for the background's answer.
 */
import type { LauncherPrefsWire, LauncherState } from '../messaging.ts';
import { popupSnapshotItem, sessionItem } from '../storage.ts';
import { snapshotFromState } from './popup-snapshot.ts';

/** Stores the snapshot of `state` for `owner`, or removes it when signed out. */
export async function publishPopupSnapshot(
  state: LauncherState,
  owner: { issuer: string; sub: string } | null,
): Promise<void> {
  const snapshot = snapshotFromState(state, owner);
  try {
    // The state was built a moment ago; if that person has signed out since (or someone else signed
    // in), writing it now would bring the old snapshot back after sign-out cleared it.
    if (snapshot && (await isSignedIn(snapshot))) {
      await popupSnapshotItem.set({ ...snapshot, state: { ...snapshot.state } });
    } else {
      await popupSnapshotItem.remove();
    }
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
    if (!(await isSignedIn(current))) return;
    await popupSnapshotItem.set({
      ...current,
      state: { ...current.state, launcher: { ...launcher, prefs } },
    });
  } catch {
    // Not fatal, see the contract.
  }
}

/** True when `owner` is the person signed in right now (the session in storage.session). */
async function isSignedIn(owner: { issuer: string; sub: string }): Promise<boolean> {
  const session = await sessionItem.get();
  return session !== null && session.issuer === owner.issuer && session.user.sub === owner.sub;
}
