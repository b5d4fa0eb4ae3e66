/**
 * Background handlers for the security centre's messages
 * ({@link accountProtocol}). They call the portal through {@link AccountApi},
 * run sensitive changes inside `withStepUp` (B11), and turn every expected
 * failure into an {@link AccountProblem} with a code the options page
 * branches on.
 *
 * Contract:
 * - Changes resolve with an {@link AccountResult}; only bugs reject.
 * - Reads resolve with the portal's body or reject with an {@link AccountError}.
 * - A pasted private key is refused here and never sent (A13).
 * - `withStepUp` runs the call, and on `StepUpRequiredError` opens the
 *   verification tab, waits, and retries exactly once (B11, C4). A second
 *   challenge after that reaches these handlers and is reported as
 *   `step_up_failed`, never retried again.
 */

import * as z from 'zod/mini';
import { AuthError } from '../auth/errors.ts';
import { assuranceRuleFor } from '../auth/step-up.ts';
import {
  loadPolicy,
  PolicyError,
  type PolicyResult,
  saveUserSettings,
  type UserSettingsPatch,
} from '../policy/index.ts';
import type { AccountApi } from '../portal/account-api.ts';
import { PortalApiError, StepUpRequiredError } from '../portal/api-client.ts';
import {
  AccountError,
  type AccountProblem,
  type AccountProblemCode,
  type AccountResult,
  isAccountPortalCode,
} from './errors.ts';
import { containsPrivateKey, PRIVATE_KEY_MESSAGE } from './private-key.ts';
import type { AccountProtocol, AccountRequest, AccountResponse, SettingsView } from './protocol.ts';
// zod's English messages: the options page shows them beside the form's fields.
import '../zod-config.ts';

/** Runs `run`; on an RFC 9470 challenge, verifies the user in a tab and runs it once more. */
export type WithStepUp = <T>(reason: string, run: () => Promise<T>) => Promise<T>;

/** Where settings come from (utils/policy in the extension; injectable for tests). */
export interface SettingsPort {
  load(): Promise<PolicyResult>;
  save(patch: UserSettingsPatch): Promise<PolicyResult>;
}

/** Options of {@link createAccountHandlers}. */
export interface AccountHandlersOptions {
  api: AccountApi;
  withStepUp: WithStepUp;
  settings?: SettingsPort;
}

export type AccountHandlers = {
  [N in keyof AccountProtocol]: (request: AccountRequest<N>) => Promise<AccountResponse<N>>;
};

/**
 * Maps a failure to the problem the page renders, or returns null for a
 * failure that is not expected (a bug: the caller rethrows it).
 */
export function toAccountProblem(error: unknown): AccountProblem | null {
  if (error instanceof StepUpRequiredError) {
    // withStepUp already retried once: a second challenge is final (C4).
    return {
      code: 'step_up_failed',
      message:
        'The portal still asks you to verify it is you. Try again; if it keeps asking, sign out and sign in again.',
    };
  }
  if (error instanceof AuthError) {
    switch (error.code) {
      case 'cancelled':
        return {
          code: 'step_up_cancelled',
          message: 'The verification was cancelled, so nothing was changed. Try again when you are ready.',
        };
      case 'step_up_insufficient':
      case 'authorization_denied':
      case 'invalid_callback':
      case 'invalid_token_response':
        return {
          code: 'step_up_failed',
          message: `The verification did not succeed, so nothing was changed. ${error.message}`,
        };
      case 'signed_out':
      case 'not_configured':
        return { code: 'signed_out', message: error.message };
      case 'network':
        return { code: 'offline', message: error.message };
      default:
        return { code: 'portal_error', message: error.message };
    }
  }
  if (error instanceof PortalApiError) {
    if (error.code === 'network') {
      return { code: 'offline', message: 'The portal did not answer. Check your connection and try again.' };
    }
    if (error.code === 'unauthorized') {
      return { code: 'signed_out', message: 'Your session ended. Sign in again to continue.' };
    }
    const portalCode = error.problem?.code;
    // A code the page does not know (another portal's own) keeps the portal's words as `portal_error`.
    const code: AccountProblemCode = isAccountPortalCode(portalCode)
      ? portalCode
      : error.code === 'not_found'
        ? 'not_found'
        : 'portal_error';
    const problem: AccountProblem = { code, message: error.message };
    // Set only for the portal's own words (a problem body); absent means unknown.
    if (error.lang) problem.lang = error.lang;
    const fields = error.problem?.errors;
    if (fields && Object.keys(fields).length > 0) problem.fields = { ...fields };
    if (code === 'password_policy') {
      // The portal's list, one sentence per rule; an older portal sends only `rules` and the joined
      // sentences under `fields.newPassword`, which the page shows under the field as they are.
      const violations = error.problem?.violations;
      if (violations) problem.violations = violations.map((violation) => violation.message);
      const rules = violations?.map((violation) => violation.rule) ?? error.problem?.rules;
      if (rules) problem.rules = [...rules];
    }
    return problem;
  }
  if (error instanceof PolicyError) {
    const code: AccountProblemCode =
      error.code === 'forced' ? 'forced' : error.code === 'storage' ? 'storage_failed' : 'invalid_setting';
    return { code, message: error.message, ...(error.key ? { fields: { [error.key]: error.message } } : {}) };
  }
  // Classic and mini schemas both fail with a core `$ZodError` (mini's is not a classic `ZodError`).
  if (error instanceof z.core.$ZodError) {
    const fields: Record<string, string> = {};
    for (const issue of error.issues) {
      const key = String(issue.path[0] ?? 'form');
      fields[key] ??= issue.message;
    }
    return {
      code: 'validation_failed',
      message: 'Some values are not valid. Correct them and try again.',
      fields,
    };
  }
  return null;
}

/** Runs a change: its value, or the expected failure as a problem (a bug rethrows). */
export async function change<T>(run: () => Promise<T>): Promise<AccountResult<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const problem = toAccountProblem(error);
    if (!problem) throw error;
    return { ok: false, problem };
  }
}

/** Runs a read: its value, or an {@link AccountError} for an expected failure (a bug rethrows as it is). */
export async function read<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const problem = toAccountProblem(error);
    if (!problem) throw error;
    throw new AccountError(problem.code, problem.message, { cause: error });
  }
}

/** The Settings/About view of a resolved policy. */
export function toSettingsView(result: PolicyResult): SettingsView {
  const { settings, forced, problems } = result;
  return {
    portalUrl: settings.portalUrl,
    theme: settings.theme,
    language: settings.language,
    forced: [...forced].map(String),
    optionsSections: [...settings.optionsSections],
    brandName: settings.brandName,
    policy: Object.entries(settings).map(([key, value]) => {
      const json = JSON.stringify(value) ?? 'null';
      return {
        key,
        value: json.length > 2000 ? `${json.slice(0, 1997)}…` : json,
        forced: forced.has(key as never),
      };
    }),
    stepUpRule: {
      ...assuranceRuleFor(settings, settings.portalUrl),
      acrValues: [...assuranceRuleFor(settings, settings.portalUrl).acrValues],
      fromPolicy: settings.portalUrl !== null && Object.hasOwn(settings.stepUpAssurance, settings.portalUrl),
      maxAgeSeconds: settings.stepUpMaxAgeSeconds,
    },
    problems: problems.slice(0, 100).map((problem) => ({
      key: problem.key === null ? null : problem.key.slice(0, 100),
      source: problem.source,
      message: problem.message.slice(0, 1000),
    })),
  };
}

/**
 * Creates the handlers the background registers for {@link accountProtocol}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 step-up on sensitive changes (B11)
 */
export function createAccountHandlers(options: AccountHandlersOptions): AccountHandlers {
  const { api, withStepUp } = options;
  const settings: SettingsPort = options.settings ?? {
    load: () => loadPolicy(),
    save: (patch) => saveUserSettings(patch),
  };
  const empty = {};

  return {
    getProfile: () => read(() => api.getMe()),
    updateProfile: ({ patch }) => change(() => api.updateMe(patch)),
    getPasswordPolicy: () => read(() => api.getPasswordPolicy()),
    changePassword: (request) =>
      change(async () => {
        await withStepUp('change your password', () => api.changePassword(request));
        return empty;
      }),
    requestPasswordReset: ({ email }) =>
      change(async () => ({ message: await api.requestPasswordReset(email) })),
    getMfa: () => read(() => api.getMfa()),
    startTotpEnrollment: () =>
      change(() => withStepUp('set up an authenticator app', () => api.startTotpEnrollment())),
    confirmTotpEnrollment: ({ code }) => change(() => api.confirmTotpEnrollment(code)),
    regenerateRecoveryCodes: () =>
      change(() => withStepUp('create new recovery codes', () => api.regenerateRecoveryCodes())),
    removeTotp: () =>
      change(async () => {
        await withStepUp('remove your authenticator app', () => api.removeTotp());
        return empty;
      }),
    listPasskeys: () => read(() => api.listPasskeys()),
    startPasskeyRegistration: () =>
      change(async () => {
        const registration = await withStepUp('add a passkey', () => api.startPasskeyRegistration());
        // Only a page of the signed-in portal is ever opened from its answer.
        const { settings: current } = await settings.load();
        if (!current.portalUrl || new URL(registration.url).origin !== new URL(current.portalUrl).origin) {
          throw new AccountError('step_up_failed', 'The portal answered with a page on another site.');
        }
        return registration;
      }),
    renamePasskey: ({ id, name }) => change(() => api.renamePasskey(id, name)),
    deletePasskey: ({ id }) =>
      change(async () => {
        await withStepUp('remove a passkey', () => api.deletePasskey(id));
        return empty;
      }),
    listSshKeys: async () => ({ keys: await read(() => api.listSshKeys()) }),
    addSshKey: async (request) => {
      if (containsPrivateKey(request.publicKey) || containsPrivateKey(request.name)) {
        return {
          ok: false,
          problem: {
            code: 'ssh_key_private_key',
            message: PRIVATE_KEY_MESSAGE,
            fields: { publicKey: PRIVATE_KEY_MESSAGE },
          },
        };
      }
      return change(() => withStepUp('add an SSH key', () => api.addSshKey(request)));
    },
    deleteSshKey: ({ id }) =>
      change(async () => {
        await withStepUp('remove an SSH key', () => api.deleteSshKey(id));
        return empty;
      }),
    listSessions: async () => ({ sessions: await read(() => api.listSessions()) }),
    endSession: ({ id }) =>
      change(async () => {
        await api.endSession(id);
        return empty;
      }),
    endOtherSessions: () =>
      change(async () => {
        await api.endOtherSessions();
        return empty;
      }),
    listDownloads: async () => ({ downloads: await read(() => api.listDownloads()) }),
    getSettings: async () => toSettingsView(await settings.load()),
    saveSettings: (patch) =>
      change(async () => toSettingsView(await settings.save(patch as UserSettingsPatch))),
  };
}
