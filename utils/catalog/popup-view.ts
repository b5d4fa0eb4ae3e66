/**
 * What the popup's launcher view needs beyond the launcher's own state:
 * brand, pinned apps and language from policy, the person's favorites,
 * recents and layout, and when the session last proved a second factor (for
 * the MFA markers). Nothing token-like (A5).
 *
 * Contract: background only. Every answer is also published as the popup
 * snapshot (./popup-snapshot-writer.ts), so the next popup paints it before
 * asking (issue 4 speed).
 */
import { assuranceRuleFor, provenMfaTime } from '../auth/step-up.ts';
import type { LauncherState } from '../messaging.ts';
import { nextTask } from '../next-task.ts';
import type { Settings } from '../policy/index.ts';
import { type StoredSession, sessionItem, stateChangedItem } from '../storage.ts';
import { catalogVersion } from './catalog-delta.ts';
import { ownerMarker, type PopupOwner } from './first-screen-owner.ts';
import { publishPopupSnapshot } from './popup-snapshot-writer.ts';
import type { LauncherPrefs } from './prefs.ts';
import { type PrefsService, prefsForWire } from './prefs-service.ts';

/** The `launcher` part of the popup's state. Pure. */
export function launcherViewOf(
  settings: Settings,
  authentication: StoredSession['authentication'] | null,
  prefs: LauncherPrefs,
  nowMs: number,
): NonNullable<LauncherState['launcher']> {
  return {
    brandName: settings.brandName,
    brandColor: settings.brandColor,
    pinnedApps: settings.pinnedApps,
    mfaAuthTime: provenMfaTime(authentication, assuranceRuleFor(settings, settings.portalUrl), nowMs),
    stepUpMaxAgeSeconds: settings.stepUpMaxAgeSeconds,
    appStepUpMaxAge: settings.appStepUpMaxAge,
    prefs: prefsForWire(prefs),
    language: settings.language,
    theme: settings.theme,
  };
}

export interface PopupViewOptions {
  /** The effective settings (the policy store's). */
  settings(): Promise<Settings>;
  prefs: PrefsService;
  /** Names the signed-in person in the popup's address (./first-screen-owner.ts); none in tests. */
  popupOwner?: Pick<PopupOwner, 'set'>;
  /** The stored session the state was built from (the launcher keeps it); read from storage when absent. */
  session?(): Promise<StoredSession | null>;
  now?: () => number;
}

export function createPopupView(options: PopupViewOptions) {
  const now = options.now ?? Date.now;
  // Snapshot writes, one after another in the order of the answers (a later answer's snapshot is never
  // overwritten by an earlier one's). Not awaited by the answer: only the next popup reads it.
  let published: Promise<void> = Promise.resolve();
  return {
    /** Resolves once every snapshot write queued so far is done (tests). */
    published: (): Promise<void> => published,
    /** Completes the launcher's state for the popup and publishes it as the snapshot. */
    async forPopup(state: LauncherState): Promise<LauncherState> {
      // Side by side where they do not depend on each other (a woken worker waits on each, issue 15).
      const [settings, stored] = await Promise.all([
        options.settings(),
        state.status === 'signedIn' ? (options.session?.() ?? sessionItem.get()).catch(() => null) : null,
      ]);
      const owner = stored ? { issuer: stored.issuer, sub: stored.user.sub } : null;
      const [prefs, marker] = await Promise.all([
        options.prefs.load(owner),
        owner && state.status === 'signedIn' ? ownerMarker(owner) : null,
      ]);
      const result: LauncherState = {
        // state.user carries the job title, from the catalog cache the launcher already read and checked.
        ...state,
        // Kept in the catalog cache record (computed when it was stored); the policy's short list has none.
        ...(state.apps ? { catalogVersion: state.catalogVersion ?? (await catalogVersion(state.apps)) } : {}),
        launcher: {
          ...launcherViewOf(settings, stored?.authentication ?? null, prefs, now()),
          ...(marker ? { owner: marker } : {}),
        },
      };
      // The address first: a popup opened from now on may paint this person's first screen.
      await options.popupOwner?.set(marker);
      // After the answer has gone out (../next-task.ts): its storage calls would go ahead of it.
      published = published.then(nextTask).then(() => publishPopupSnapshot(result, owner));
      return result;
    },
  };
}

/** The last value announced: each announcement must differ, or storage reports no change. */
let lastAnnounced = 0;

/**
 * Tells open popups and options pages to ask for the state again (the
 * background changed it on its own). Two announcements in one millisecond
 * still both reach them: the value only ever grows.
 */
export async function announceStateChange(now: () => number = Date.now): Promise<void> {
  lastAnnounced = Math.max(now(), lastAnnounced + 1);
  await stateChangedItem.set(lastAnnounced).catch(() => undefined);
}
