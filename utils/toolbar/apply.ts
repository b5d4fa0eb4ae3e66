/**
 * Applies a {@link ToolbarView} to the browser's action and keeps the MFA
 * minutes current with a one-minute alarm while the factor is fresh (an MV3
 * worker has no lasting timers; alarms wake it).
 *
 * Contract: background only; never throws (a toolbar that failed to update
 * must not break the flow that changed the state).
 */
import type { Browser } from 'wxt/browser';
import type { ToolbarView } from './toolbar-state.ts';

/** The alarm that re-renders the toolbar every minute while the second factor is fresh. */
export const TOOLBAR_ALARM = 'toolbar-refresh';

/** The parts of `browser` this module uses (a fake in unit tests). */
export interface ToolbarApis {
  action: Pick<typeof Browser.action, 'setBadgeText' | 'setBadgeBackgroundColor' | 'setTitle'>;
  alarms: Pick<typeof Browser.alarms, 'create' | 'clear' | 'get'>;
}

/** Sets badge, colour and tooltip; starts or stops the minute alarm. */
export async function applyToolbarView(apis: ToolbarApis, view: ToolbarView): Promise<void> {
  try {
    await Promise.all([
      apis.action.setBadgeText({ text: view.badgeText }),
      apis.action.setBadgeBackgroundColor({ color: view.badgeColor }),
      apis.action.setTitle({ title: view.title }),
    ]);
    if (view.mfaMinutesLeft !== null) {
      // Created once; recreating it on every update would keep pushing the first tick back.
      if (!(await apis.alarms.get(TOOLBAR_ALARM))) {
        await apis.alarms.create(TOOLBAR_ALARM, { periodInMinutes: 1 });
      }
    } else {
      await apis.alarms.clear(TOOLBAR_ALARM);
    }
  } catch {
    // See the contract: the next state change tries again.
  }
}
