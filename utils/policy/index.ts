/**
 * Managed configuration: the one reader of enterprise policy and the user's
 * settings (CONVENTIONS.md "Managed config has one reader").
 *
 * Contract:
 * - {@link loadPolicy} and {@link watchPolicy} never throw and never hang:
 *   managed storage that is missing, failing or slow counts as "no policy",
 *   and every unusable value becomes a problem in the result (A11, C8).
 * - {@link saveUserSettings} throws {@link PolicyError} (`forced`, `invalid`,
 *   `unknown_setting`, `storage`) and writes nothing when it does.
 * - Precedence and validation live in `./resolve` and `./schema` (pure).
 *
 * Callers: the background (reads the portal address, signs out on an identity
 * change), the popup and the options page (render settings, lock forced ones).
 */
import { browser } from 'wxt/browser';
import { CodedError, type CodedErrorOptions } from '../errors.ts';
import { userSettingsItem } from '../storage.ts';
import {
  isIdentityChange,
  type PolicyResult,
  readUserSettings,
  resolveSettings,
  type Settings,
} from './resolve';
import {
  MANAGED_POLICY_KEYS,
  USER_SETTING_KEYS,
  type UserSettingKey,
  type UserSettings,
  userSettingsFields,
} from './schema';

export {
  DEFAULT_BRAND_NAME,
  DEFAULT_STEP_UP_MAX_AGE_SECONDS,
  defaultSettings,
  isIdentityChange,
  type PolicyProblem,
  type PolicyResult,
  type PolicySource,
  type PolicySources,
  readUserSettings,
  resolveSettings,
  type Settings,
} from './resolve';
export {
  MANAGED_POLICY_KEYS,
  type ManagedPolicyKey,
  OPTIONS_SECTIONS,
  type OptionsSection,
  type PolicyApp,
  THEMES,
  type Theme,
  USER_SETTING_KEYS,
  type UserSettingKey,
  type UserSettings,
} from './schema';

// zod's English messages: a refused setting's reason reaches the person.
import '../zod-config.ts';

/** The `storage.local` key holding the user's settings (`userSettingsItem` in utils/storage.ts). */
export const USER_SETTINGS_STORAGE_KEY = userSettingsItem.key;

/**
 * How long to wait for `storage.managed.get()`. Chromium answers from memory
 * in milliseconds once policy has loaded, but can block for seconds right
 * after browser start, and some browsers never answer; a popup must not wait.
 */
export const MANAGED_STORAGE_TIMEOUT_MS = 1000;

/** What the UI can branch on when a save is refused. */
export type PolicyErrorCode =
  /** The administrator's policy decides this setting. */
  | 'forced'
  /** The value is not acceptable (message says why). */
  | 'invalid'
  /** Not a setting the user can change (it may be a policy-only key). */
  | 'unknown_setting'
  /** The browser's storage failed to read or write. */
  | 'storage';

/** A refused or failed settings change. `key` names the setting concerned, when there is one. */
export class PolicyError extends CodedError<PolicyErrorCode> {
  override readonly name = 'PolicyError';
  readonly key: string | null;

  constructor(
    code: PolicyErrorCode,
    message: string,
    options: { key?: string | null } & CodedErrorOptions = {},
  ) {
    super(code, message, options);
    this.key = options.key ?? null;
  }
}

/** Options for reading policy. */
export interface LoadPolicyOptions {
  /** Give up on managed storage after this many milliseconds (default {@link MANAGED_STORAGE_TIMEOUT_MS}). */
  managedTimeoutMs?: number;
}

/**
 * Reads managed storage and the user's settings and resolves them.
 *
 * @see https://developer.chrome.com/docs/extensions/reference/api/storage#property-managed
 * @see https://developer.mozilla.org/docs/Mozilla/Add-ons/WebExtensions/API/storage/managed
 */
export async function loadPolicy(options: LoadPolicyOptions = {}): Promise<PolicyResult> {
  const [managed, user] = await Promise.all([
    readManaged(options.managedTimeoutMs ?? MANAGED_STORAGE_TIMEOUT_MS),
    readStoredUserSettings().then(
      (value) => ({ value, error: null }),
      (error: unknown) => ({ value: undefined, error }),
    ),
  ]);
  const result = resolveSettings({ managed, user: user.value });
  if (user.error !== null) {
    result.problems.push({
      key: null,
      source: 'user',
      message: `Your settings could not be read (${errorText(user.error)}), so defaults apply until they can. Reload the extension, and if this persists, set them again in Settings.`,
    });
  }
  return result;
}

/**
 * Reads the whole managed area. Errors count as "no policy": Firefox rejects
 * when no policies.json configures the extension, and some browsers have no
 * managed area at all. Whatever happens, answers within `timeoutMs`.
 */
async function readManaged(timeoutMs: number): Promise<unknown> {
  const area = browser.storage?.managed;
  if (area === undefined) return {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<unknown>((resolve) => {
    timer = setTimeout(() => resolve({}), timeoutMs);
  });
  try {
    // Promise.resolve().then(...) also catches a synchronous throw from get().
    const read = Promise.resolve()
      .then(() => area.get())
      .catch(() => ({}));
    return await Promise.race([read, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function readStoredUserSettings(): Promise<unknown> {
  return userSettingsItem.get();
}

/** A change to the user's settings; `null` or `undefined` resets a setting to its default. */
export type UserSettingsPatch = { [K in UserSettingKey]?: UserSettings[K] | null };

/** How the UI names each user setting in messages. */
const USER_SETTING_LABELS: Record<UserSettingKey, string> = {
  portalUrl: 'The portal address',
  theme: 'The theme',
  language: 'The language',
};

/** Saves run one after another, so two quick edits cannot overwrite each other within a context. */
let saveQueue: Promise<unknown> = Promise.resolve();

/**
 * Validates and stores a change to the user's settings, then returns the new
 * resolved result. All or nothing: if any key is refused, nothing is written.
 *
 * @throws {PolicyError} `forced` when the policy decides a key in the patch,
 *   `unknown_setting` for a key the user cannot set, `invalid` for a bad
 *   value or patch, `storage` when the browser cannot read or write storage.
 */
export function saveUserSettings(
  patch: UserSettingsPatch,
  options: LoadPolicyOptions = {},
): Promise<PolicyResult> {
  const run = saveQueue.then(() => applyPatch(patch, options));
  saveQueue = run.catch(() => undefined);
  return run;
}

async function applyPatch(patch: unknown, options: LoadPolicyOptions): Promise<PolicyResult> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new PolicyError('invalid', 'The settings change must be an object of setting names and values.');
  }
  let storedRaw: unknown;
  try {
    storedRaw = await readStoredUserSettings();
  } catch (error) {
    throw new PolicyError('storage', storageFailureMessage('read'), { cause: error });
  }
  const managed = await readManaged(options.managedTimeoutMs ?? MANAGED_STORAGE_TIMEOUT_MS);
  const current = resolveSettings({ managed, user: storedRaw });

  const next: Record<string, unknown> = { ...readUserSettings(storedRaw).values };
  for (const [key, value] of Object.entries(patch)) {
    if (!isUserSettingKey(key)) {
      const policyOnly = (MANAGED_POLICY_KEYS as ReadonlyArray<string>).includes(key);
      throw new PolicyError(
        'unknown_setting',
        policyOnly
          ? `${key} can only be set by your administrator's policy.`
          : `${key.slice(0, 60)} is not a setting Portal Launcher knows.`,
        { key },
      );
    }
    if (current.forced.has(key)) {
      throw new PolicyError(
        'forced',
        `${USER_SETTING_LABELS[key]} is set by your administrator and cannot be changed here. Contact your administrator to change it.`,
        { key },
      );
    }
    if (value === null || value === undefined) {
      delete next[key];
      continue;
    }
    const parsed = userSettingsFields[key].safeParse(value);
    if (!parsed.success) {
      const reason = parsed.error.issues[0]?.message ?? 'The value is not acceptable.';
      throw new PolicyError('invalid', `${USER_SETTING_LABELS[key]} was not saved: ${reason}`, {
        key,
        cause: parsed.error,
      });
    }
    next[key] = parsed.data;
  }

  try {
    await userSettingsItem.set(next);
  } catch (error) {
    throw new PolicyError('storage', storageFailureMessage('saved'), { cause: error });
  }
  return resolveSettings({ managed, user: next });
}

function isUserSettingKey(key: string): key is UserSettingKey {
  return (USER_SETTING_KEYS as ReadonlyArray<string>).includes(key);
}

function storageFailureMessage(verb: 'read' | 'saved'): string {
  return `Your settings could not be ${verb} because the browser's storage failed. Try again; if it keeps failing, restart the browser.`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What {@link watchPolicy} reports: the new result, and what it means for the session. */
export interface PolicyChange extends PolicyResult {
  /** The settings before this change. */
  previous: Settings;
  /**
   * The portal address or client id changed: the session belongs to another
   * provider or client now, so the caller must sign the user out (A11).
   */
  identityChanged: boolean;
}

/** Options for {@link watchPolicy}. */
export interface WatchPolicyOptions extends LoadPolicyOptions {
  /**
   * The result the caller already has from {@link loadPolicy}. Comparisons
   * start from it, so a change landing between that load and this call is
   * still reported. Without it, the watcher loads its own starting point.
   */
  initial?: PolicyResult;
}

type StorageChangeListener = Parameters<typeof browser.storage.onChanged.addListener>[0];

/**
 * Calls `onChange` whenever the effective settings, forced keys or problems
 * change: when an admin's policy lands or changes (Chromium loads policy a few
 * seconds after start and then fires `storage.onChanged` for `managed`), and
 * when the user's settings change in any extension context.
 *
 * Changes are processed one at a time, in order. Returns a function that stops
 * watching; no call is made after it returns.
 *
 * Firefox fires no `onChanged` for managed storage: there, policy changes
 * apply on the next {@link loadPolicy} (browser restart).
 *
 * @see https://developer.chrome.com/docs/extensions/reference/api/storage#event-onChanged
 */
export function watchPolicy(
  onChange: (change: PolicyChange) => void,
  options: WatchPolicyOptions = {},
): () => void {
  let stopped = false;
  let latest: Promise<PolicyResult> = options.initial
    ? Promise.resolve(options.initial)
    : loadPolicy(options);

  // Re-reads both sources and reports the difference from the last result.
  const recheck = () => {
    latest = latest.then(async (previous) => {
      const next = await loadPolicy(options);
      if (stopped || sameResult(previous, next)) return next;
      try {
        onChange({
          ...next,
          previous: previous.settings,
          identityChanged: isIdentityChange(previous.settings, next.settings),
        });
      } catch (error) {
        // A failing subscriber must not stop later changes from being delivered.
        console.error('Portal Launcher: a policy change handler failed.', error);
      }
      return next;
    });
  };

  const listener: StorageChangeListener = (changes, areaName) => {
    const relevant =
      areaName === 'managed' ||
      (areaName === userSettingsItem.area && Object.hasOwn(changes, userSettingsItem.key));
    if (relevant && !stopped) recheck();
  };

  browser.storage.onChanged.addListener(listener);
  // A change that landed after the caller's load but before the listener
  // existed fired no event we could hear; one re-read catches it.
  if (options.initial) recheck();
  return () => {
    stopped = true;
    browser.storage.onChanged.removeListener(listener);
  };
}

function sameResult(a: PolicyResult, b: PolicyResult): boolean {
  const snapshot = (result: PolicyResult) =>
    JSON.stringify([result.settings, [...result.forced].sort(), result.problems]);
  return snapshot(a) === snapshot(b);
}
