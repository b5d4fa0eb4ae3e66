/**
 * The signed-in person's launcher preferences as the background serves
 * them: whose they are (issuer + subject of the session), the launch hook
 * that records recents, and the popup's changes (pins, order, layout). Each
 * change is also written to the popup snapshot, so the next popup paints in
 * the right order.
 *
 * Contract: background only. {@link PrefsService.recordLaunch} never throws
 * (a launch must not fail for its bookkeeping); {@link PrefsService.change}
 * throws `signed_out` without a session and {@link CatalogError} where the
 * favorites rules refuse.
 */
import { AuthError } from '../auth/errors.ts';
import type { LauncherPrefsWire } from '../messaging.ts';
import { sessionItem } from '../storage.ts';
import { updatePopupSnapshotPrefs } from './popup-snapshot-writer.ts';
import {
  applyPrefsChange,
  defaultPrefs,
  type LauncherPrefs,
  loadPrefs,
  type PrefsChange,
  type PrefsOwner,
  updatePrefs,
} from './prefs.ts';

export interface PrefsServiceOptions {
  /** Policy `pinnedApps`: shown first, never unpinned. */
  pinnedApps(): Promise<readonly string[]>;
}

/** The preferences as the popup receives them. */
export function prefsForWire(prefs: LauncherPrefs): LauncherPrefsWire {
  return { favorites: prefs.favorites.ids, recents: prefs.recents.ids, view: prefs.view };
}

/** Whose launcher preferences: the signed-in person at their portal (issuer + subject), or null. */
export async function currentPrefsOwner(): Promise<PrefsOwner | null> {
  const stored = await sessionItem.get().catch(() => null);
  return stored ? { issuer: stored.issuer, sub: stored.user.sub } : null;
}

export function createPrefsService(options: PrefsServiceOptions) {
  /** Writes a change for the signed-in person and mirrors it into the popup snapshot. */
  async function update(
    owner: PrefsOwner,
    change: (prefs: LauncherPrefs) => LauncherPrefs,
  ): Promise<LauncherPrefsWire> {
    const prefs = prefsForWire(await updatePrefs(owner, change));
    await updatePopupSnapshotPrefs(prefs);
    return prefs;
  }

  return {
    /** One person's preferences; defaults when signed out or unreadable. */
    async load(owner: PrefsOwner | null): Promise<LauncherPrefs> {
      return owner ? await loadPrefs(owner).catch(() => defaultPrefs()) : defaultPrefs();
    },

    /**
     * The launcher's launch hook: the app moves to the front of recents.
     * Recorded here, not in the popup: the popup may close when the app's tab opens.
     */
    async recordLaunch(appId: string): Promise<void> {
      const owner = await currentPrefsOwner();
      if (!owner) return;
      await update(owner, (prefs) => applyPrefsChange(prefs, { action: 'launched', appId }, [])).catch(
        () => undefined,
      );
    },

    /** A change the person made in the popup; answers with the new preferences. */
    async change(change: PrefsChange): Promise<LauncherPrefsWire> {
      const owner = await currentPrefsOwner();
      if (!owner) throw new AuthError('signed_out', 'You are signed out. Sign in to continue.');
      const pinnedApps = await options.pinnedApps();
      return update(owner, (prefs) => applyPrefsChange(prefs, change, pinnedApps));
    },
  };
}

export type PrefsService = ReturnType<typeof createPrefsService>;
