/**
 * The background's copy of the effective policy, kept current: reading
 * managed storage can take up to a second on browsers without policy, too
 * slow for every popup open, so it is read once at worker start and then
 * followed through {@link watchPolicy}.
 *
 * Contract: {@link PolicyStore.current} never throws (see ./index.ts);
 * {@link PolicyStore.savePortalUrl} throws {@link PolicyError} as
 * `saveUserSettings` does, and the store then re-reads what is stored.
 */
import {
  type LoadPolicyOptions,
  loadPolicy,
  type PolicyChange,
  type PolicyResult,
  saveUserSettings,
  watchPolicy,
} from './index.ts';

/** The effective policy of the running background. */
export interface PolicyStore {
  /** The latest effective policy. */
  current(): Promise<PolicyResult>;
  /** Saves the user's portal address; the store follows it at once. */
  savePortalUrl(portalUrl: string): Promise<void>;
  /**
   * Calls `onChange` for every later change, after {@link PolicyStore.current}
   * already answers with it. Returns a function that stops watching.
   */
  watch(onChange: (change: PolicyChange) => void): () => void;
}

/** Reads the policy now and keeps the result. */
export function createPolicyStore(options: LoadPolicyOptions = {}): PolicyStore {
  let policy: Promise<PolicyResult> = loadPolicy(options);
  return {
    current: () => policy,
    async savePortalUrl(portalUrl) {
      const saved = saveUserSettings({ portalUrl }, options);
      policy = saved.catch(() => loadPolicy(options));
      await saved;
    },
    watch(onChange) {
      let stop: (() => void) | null = null;
      let stopped = false;
      // Compared from the result already held, so a change landing meanwhile is still reported.
      void policy.then((initial) => {
        if (stopped) return;
        stop = watchPolicy(
          (change) => {
            policy = Promise.resolve(change);
            onChange(change);
          },
          { ...options, initial },
        );
      });
      return () => {
        stopped = true;
        stop?.();
      };
    },
  };
}
