/**
 * Whether the portal answered the last time the background asked it (the
 * toolbar's "unreachable" state, C3), kept in `storage.session`
 * (`portalUnreachableItem`, cleared on sign-out).
 *
 * Contract: background only; nothing here throws or changes the outcome it
 * observes: a failed write only leaves the badge as it was.
 */

import { isCodedError } from '../errors.ts';
import type { LauncherState, LaunchResult } from '../messaging.ts';
import { portalUnreachableItem } from '../storage.ts';

/** True after a request to the portal failed with a network error, until it answers again. */
export function isPortalUnreachable(): Promise<boolean> {
  return portalUnreachableItem.get().catch(() => false);
}

async function record(unreachable: boolean): Promise<void> {
  await portalUnreachableItem.set(unreachable).catch(() => undefined);
}

/**
 * Notes what a signed-in catalog refresh says about the portal. Only a
 * refresh says whether the portal answers; a cached read says nothing.
 */
export async function noteCatalogRefresh(state: LauncherState): Promise<void> {
  if (state.status === 'signedIn') await record(state.appsProblem?.code === 'network');
}

/** Passes a launch's outcome through, noting whether the portal answered it. */
export async function noteLaunch(launching: Promise<LaunchResult>): Promise<LaunchResult> {
  const result = await launching.catch(async (error: unknown) => {
    // AuthError or PortalApiError: both name an unreachable portal `network`.
    if (isCodedError(error, 'network')) await record(true);
    throw error;
  });
  if (result.outcome === 'opened') await record(false);
  return result;
}
