/**
 * The one step-up runner (RFC 9470): app launches and sensitive account
 * changes both verify the employee through it, in a portal tab.
 *
 * Contract:
 * - One step-up tab per issuer at a time: a second request joins the tab
 *   already open (C6); an app to open afterwards is added to the saved flow,
 *   so a restarted worker still opens it (C1).
 * - A result counts only after the launcher checked `acr`, `amr` and
 *   `auth_time` itself (A4), and only for the signed-in subject.
 * - A closed or expired tab rejects what waited on it with `cancelled` (C5).
 * - {@link StepUpRunner.withStepUp} runs a call again exactly once after a
 *   challenge (B11, C4); a second challenge is the caller's to report.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-4
 */
import type { AuthError } from '../auth/errors.ts';
import type { IdentityClaims, OidcClient, TokenSet } from '../auth/oidc.ts';
import type { SessionManager } from '../auth/session.ts';
import { type AssuranceRule, assertStepUpSatisfied, type StepUpRequirement } from '../auth/step-up.ts';
import { StepUpRequiredError } from '../portal/api-client.ts';
import type { PendingFlow, StoredSession } from '../storage.ts';
import type { FlowStore } from './flow-store.ts';
import type { Log } from './ports.ts';
import { createWaiters } from './waiters.ts';

export interface StepUpRunnerOptions {
  flows: FlowStore;
  session: SessionManager;
  oidcFor(issuer: string, clientId: string): OidcClient;
  /** The signed-in session and its client id, for a step-up nobody started yet (throws `signed_out`). */
  requireSession(): Promise<{ session: StoredSession; clientId: string }>;
  /**
   * The person's email for `login_hint` when the ID token carried none (many
   * providers put it only in userinfo): the profile read from userinfo.
   */
  knownEmail?(stored: StoredSession): Promise<string | null>;
  now: () => number;
  log: Log;
}

/** An app a step-up opens once it succeeds. */
export interface StepUpLaunch {
  appId: string;
  /** Whether to name the app to the portal's step-up page (`launch_app`, the reference portal's own parameter). */
  nameToPortal: boolean;
  /** The tab to verify in instead of a new one (Try again in the step-up tab). */
  tabId?: number;
}

export function createStepUpRunner(options: StepUpRunnerOptions) {
  /** Callers waiting on a step-up flow, by its `state`. */
  const verified = createWaiters<string, void>();

  /**
   * Opens the step-up tab for `requirement` at the session's issuer, or joins
   * the one already open (C6). Resolves with the flow's `state` once the tab
   * is open; `launch` names an app to open when the step-up succeeds.
   */
  function open(
    stored: StoredSession,
    clientId: string,
    requirement: StepUpRequirement,
    launch?: StepUpLaunch,
  ): Promise<string> {
    return options.flows.openOrJoin({
      kind: 'stepUp',
      issuer: stored.issuer,
      ...(launch ? { launchAppId: launch.appId } : {}),
      ...(launch?.tabId !== undefined ? { tabId: launch.tabId } : {}),
      secondFactor: requirement.secondFactor ?? requirement.acrValues.length > 0,
      request: async () => {
        const loginHint = stored.user.email ?? (await options.knownEmail?.(stored).catch(() => null)) ?? null;
        return options.oidcFor(stored.issuer, clientId).createAuthorizationRequest({
          ...(requirement.acrValues.length > 0 ? { acrValues: requirement.acrValues.join(' ') } : {}),
          ...(requirement.maxAge !== null ? { maxAge: requirement.maxAge } : {}),
          // "A new authentication every time": some providers read max_age=0 as "no limit", so the
          // launcher also asks for prompt=login (OIDC Core §3.1.2.1) rather than rely on it.
          ...(requirement.maxAge === 0 ? { prompt: 'login' } : {}),
          ...(loginHint ? { loginHint } : {}),
          // A plain provider gets only standard OIDC parameters.
          ...(launch?.nameToPortal ? { launchApp: launch.appId } : {}),
        });
      },
    });
  }

  /**
   * Verifies the employee in a step-up tab for `requirement` (joining a
   * step-up already open) and resolves once the result passed the A4 checks.
   * Rejects with `cancelled` when the tab is closed (C5).
   */
  async function verify(requirement: StepUpRequirement): Promise<void> {
    const { session: stored, clientId } = await options.requireSession();
    const state = await open(stored, clientId, requirement);
    return verified.wait(state);
  }

  /**
   * Runs `run`; on an RFC 9470 challenge opens the step-up tab, waits, and
   * runs it exactly once more (B11, C4). `reason` is for diagnostics only.
   */
  async function withStepUp<T>(reason: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof StepUpRequiredError)) throw error;
      options.log(`step-up needed to ${reason}`);
      await verify(error.requirement);
      return run();
    }
  }

  /**
   * Finishes a step-up from its redirect's tokens: checks the result itself
   * against the issuer's assurance `rule` (A4), upgrades the session (same
   * subject only) and wakes the callers. Returns the upgraded session.
   */
  async function complete(
    flow: PendingFlow,
    tokens: TokenSet,
    claims: IdentityClaims,
    rule: AssuranceRule,
  ): Promise<StoredSession> {
    const acrValues = flow.acrValues?.split(' ').filter(Boolean) ?? [];
    assertStepUpSatisfied(
      claims,
      { acrValues, maxAge: flow.maxAge, secondFactor: flow.secondFactor ?? acrValues.length > 0 },
      rule,
      options.now(),
    );
    const stored = await options.session.applyStepUp(tokens, claims);
    verified.resolve(flow.state, undefined);
    return stored;
  }

  return {
    open,
    verify,
    withStepUp,
    complete,
    /** The step-up flow `state` ended without success: its callers get `error`. */
    fail: (state: string, error: AuthError) => verified.reject(state, error),
    /** Every caller gets `error` (the session ended). */
    failAll: (error: AuthError) => verified.rejectAll(error),
  };
}

export type StepUpRunner = ReturnType<typeof createStepUpRunner>;
