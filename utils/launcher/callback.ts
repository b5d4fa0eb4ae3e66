/**
 * The end of a flow in its tab: the redirect to the launcher's callback (a
 * sign-in or step-up) or post-logout address, diverted to the auth page
 * (A14), which hands it here with its tab. The redirect must match a saved
 * pending flow (taken once, C1); a sign-in stores the session, a step-up is
 * checked against the assurance rule and lands its apps in the same tab, and
 * a failed step-up for an app answers with what its tab shows (Try again,
 * the admin contact) instead of a dead end.
 */
import { AuthError } from '../auth/errors.ts';
import type { OidcClient } from '../auth/oidc.ts';
import { assuranceRuleFor } from '../auth/step-up.ts';
import type { StepUpFailureWire } from '../messaging.ts';
import type { PendingFlow, StoredSession } from '../storage.ts';
import type { CatalogSource, createCatalogCache } from './catalog-source.ts';
import type { createFlowStore } from './flow-store.ts';
import type { createLaunches } from './launch.ts';
import type { LauncherSettings, SettingsPort, TabsPort } from './ports.ts';
import type { createSignIn } from './sign-in.ts';
import { adminContactFor, stepUpFailure } from './step-up-failure.ts';
import type { createStepUpRunner } from './step-up-runner.ts';

export interface CallbackDeps {
  redirectUri: string;
  postLogoutRedirectUri: string;
  settings: SettingsPort;
  tabs: TabsPort;
  flows: ReturnType<typeof createFlowStore>;
  signIn: ReturnType<typeof createSignIn>;
  runner: ReturnType<typeof createStepUpRunner>;
  launches: ReturnType<typeof createLaunches>;
  cache: ReturnType<typeof createCatalogCache>;
  oidcFor: (issuer: string, clientId: string) => OidcClient;
  sourceFor: (stored: StoredSession, settings: LauncherSettings) => CatalogSource;
  /** Ends a flow that did not complete (C5). */
  abandon: (flow: PendingFlow, error: AuthError) => Promise<void>;
  /** Tells open pages the state changed. */
  changed: () => void;
  fetch?: typeof fetch;
}

export function createCallbackHandler(deps: CallbackDeps) {
  /**
   * Finishes the flow a redirect belongs to. Called by the auth page the
   * redirect was diverted to (A14); `tabId` is that page's tab.
   */
  return async function completeAuthorization(
    url: string,
    tabId: number | undefined,
  ): Promise<{ kind: PendingFlow['kind']; message: string; failure?: StepUpFailureWire }> {
    const redirect = new URL(url);
    const target = `${redirect.origin}${redirect.pathname}`;
    const state = redirect.searchParams.get('state');
    const isCallback = target === deps.redirectUri;
    const isLogout = target === deps.postLogoutRedirectUri;
    const flow = state && (isCallback || isLogout) ? await deps.flows.take(state) : null;
    if (!flow || (flow.kind === 'signOut') !== isLogout) {
      throw new AuthError(
        'invalid_callback',
        'This sign-in response was already used, has expired, or was not started here. Start again from Portal Launcher.',
      );
    }
    const flowTab = tabId ?? flow.tabId ?? undefined;
    const closeFlowTab = async () => {
      if (flowTab !== undefined) await deps.tabs.remove(flowTab).catch(() => undefined);
    };

    if (flow.kind === 'signOut') {
      await closeFlowTab();
      return { kind: 'signOut', message: 'You are signed out of the portal.' };
    }

    const settings = await deps.settings.load();
    try {
      if (settings.portalUrl !== flow.issuer) {
        throw new AuthError('invalid_callback', 'The portal address changed during sign-in. Start again.');
      }
      const client = deps.oidcFor(flow.issuer, settings.clientId);
      const result = await client.completeAuthorization(flow, url);

      if (flow.kind === 'signIn') {
        await deps.signIn.completeSignIn(flow, client, settings.clientId, result);
        // A popup opened while the token request was under way still shows "Sign in".
        deps.changed();
        await closeFlowTab();
        return { kind: 'signIn', message: 'You are signed in. You can close this tab.' };
      }

      const stored = await deps.runner.complete(
        flow,
        result.tokens,
        result.claims,
        assuranceRuleFor(settings, flow.issuer),
      );
      if (flow.launchAppIds.length === 0) {
        // A verification for an account change: nothing to land in, so the tab goes away.
        deps.changed();
        await closeFlowTab();
        return { kind: 'stepUp', message: 'Verified. You can close this tab.' };
      }
      const opened = await deps.launches.openAfterStepUp(
        flow.launchAppIds,
        deps.sourceFor(stored, settings),
        flowTab,
      );
      deps.changed();
      return {
        kind: 'stepUp',
        message:
          opened.length > 0 ? `Opening ${opened.join(', ')}…` : 'Verified, but no app could be opened.',
      };
    } catch (error) {
      const failure =
        error instanceof AuthError
          ? error
          : new AuthError(
              'invalid_token_response',
              error instanceof Error ? error.message : 'Sign-in failed.',
              {
                cause: error,
              },
            );
      await deps.abandon(flow, failure);
      deps.changed();
      const appId = flow.kind === 'stepUp' ? flow.launchAppIds[0] : undefined;
      if (appId === undefined) throw failure;
      // A step-up for an app: its tab offers Try again and the admin contact instead of a dead end.
      const app = { id: appId, name: (await deps.cache.app(appId))?.name ?? appId };
      const contact = await adminContactFor(settings, flow.issuer, deps.fetch);
      return { kind: 'stepUp', message: failure.message, failure: stepUpFailure(failure, app, contact) };
    }
  };
}
