/**
 * Keeps the toolbar button current: gathers the {@link ToolbarInput} from
 * the session and the policy (no catalog, no portal request), words it in
 * the policy's language and applies it (./apply.ts).
 *
 * Contract: background only; never throws. Updates run one at a time, in
 * order, so a slow earlier one never overwrites a later state.
 */
import { assuranceRuleFor, provenMfaTime } from '../auth/step-up.ts';
import { chooseLanguage, t } from '../i18n.ts';
import { nextTask } from '../next-task.ts';
import type { Settings } from '../policy/index.ts';
import { sessionItem } from '../storage.ts';
import { applyToolbarView, TOOLBAR_ALARM, type ToolbarApis } from './apply.ts';
import { isPortalUnreachable } from './portal-reachability.ts';
import { type ToolbarInput, toolbarView } from './toolbar-state.ts';

export interface ToolbarServiceOptions {
  /** `browser` in the background. */
  apis: ToolbarApis;
  /** The effective settings (the policy store's). */
  settings(): Promise<Settings>;
  now?: () => number;
}

export function createToolbarService(options: ToolbarServiceOptions) {
  const now = options.now ?? Date.now;
  let updates: Promise<void> = Promise.resolve();

  /** What the toolbar reflects: read from the session and policy only. */
  async function input(settings: Settings): Promise<ToolbarInput> {
    if (!settings.portalUrl) return { kind: 'unconfigured' };
    const stored = await sessionItem.get().catch(() => null);
    if (!stored || stored.issuer !== settings.portalUrl || stored.clientId !== settings.clientId) {
      return { kind: 'signedOut' };
    }
    return {
      kind: 'signedIn',
      name: stored.user.name ?? stored.user.email ?? stored.user.sub,
      mfaAuthTime: provenMfaTime(stored.authentication, assuranceRuleFor(settings, stored.issuer), now()),
      mfaMaxAgeSeconds: settings.stepUpMaxAgeSeconds,
      portalUnreachable: await isPortalUnreachable(),
    };
  }

  /** Queues an update of the toolbar to the current state. */
  function refresh(): void {
    updates = updates
      // After the answer that asked for it has gone out (../next-task.ts).
      .then(nextTask)
      .then(async () => {
        const settings = await options.settings();
        const state = await input(settings);
        await chooseLanguage(settings.language);
        await applyToolbarView(options.apis, toolbarView(state, now(), t));
      })
      .catch(() => undefined);
  }

  return {
    refresh,
    /** Wraps a handler: it runs, then the toolbar is brought up to date whatever the outcome. */
    updating<A extends unknown[], R>(handler: (...args: A) => Promise<R>) {
      return async (...args: A): Promise<R> => {
        try {
          return await handler(...args);
        } finally {
          refresh();
        }
      };
    },
    /** The minute alarm (./apply.ts) re-renders the MFA minutes. */
    handleAlarm(alarm: { name: string }): void {
      if (alarm.name === TOOLBAR_ALARM) refresh();
    },
    /** Resolves once every update queued so far was applied (tests, diagnostics). */
    settled: (): Promise<void> => updates,
  };
}

export type ToolbarService = ReturnType<typeof createToolbarService>;
