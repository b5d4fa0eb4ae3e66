/**
 * Sign-in, sign-out and the session's owner: whether the stored session
 * still belongs to the configured portal and client.
 *
 * Contract:
 * - Sign-in runs in a tab; a second click while it is open joins it, and
 *   the flow is saved before the tab opens (C1, via ./flow-store.ts).
 * - A11: a session of another portal address or client id is ended here,
 *   and its refresh token revoked at the portal that issued it (A12, best
 *   effort); nothing is sent to the newly configured portal.
 * - Sign-out drops the tokens here first, revokes the refresh token (A12),
 *   then ends the portal session through RP-initiated logout in a tab.
 * - Whatever waited on the session is cancelled when it ends here.
 */
import { generateRandomState } from 'oauth4webapi';
import { AuthError } from '../auth/errors.ts';
import type { IdentityClaims, OidcClient, TokenSet } from '../auth/oidc.ts';
import type { SessionManager } from '../auth/session.ts';
import { clearStoredItems, type PendingFlow, type StoredSession, sessionEndedItem } from '../storage.ts';
import type { FlowStore } from './flow-store.ts';
import type { LauncherSettings, Log, SettingsPort } from './ports.ts';
import { createWaiters } from './waiters.ts';

export interface SignInOptions {
  flows: FlowStore;
  session: SessionManager;
  settings: SettingsPort;
  oidcFor(issuer: string, clientId: string): OidcClient;
  now: () => number;
  log: Log;
  /** The session ended here: cancel whatever else waits on it (step-ups, launches). */
  onEndedLocally(error: AuthError): void;
}

export function createSignIn(options: SignInOptions) {
  const { session, oidcFor, now, log } = options;
  /** Callers of {@link signIn} waiting for the sign-in tab (one key: one sign-in at a time). */
  const signedIn = createWaiters<'signIn', void>();

  /** The session, if it belongs to the configured portal and client (A11: else it is ended). */
  async function currentSession(settings: LauncherSettings): Promise<StoredSession | null> {
    const stored = await session.load();
    if (!stored) return null;
    if (stored.issuer !== settings.portalUrl || stored.clientId !== settings.clientId) {
      await endForIdentityChange();
      return null;
    }
    return stored;
  }

  /** The settings of this operation and the signed-in session; `not_configured` or `signed_out` otherwise. */
  async function requireSession(): Promise<{ settings: LauncherSettings; session: StoredSession }> {
    const settings = await options.settings.load();
    if (!settings.portalUrl) {
      throw new AuthError(
        'not_configured',
        'Portal Launcher has no portal address yet. Open it and enter your portal address.',
      );
    }
    const stored = await currentSession(settings);
    if (!stored) throw new AuthError('signed_out', 'You are signed out. Sign in to continue.');
    return { settings, session: stored };
  }

  /**
   * Opens the sign-in tab (or joins the one open) and resolves once the
   * employee signed in there; rejects when it fails or is cancelled.
   * Resolves at once when already signed in.
   */
  async function signIn(settings: LauncherSettings): Promise<void> {
    const issuer = settings.portalUrl;
    if (!issuer) throw new AuthError('not_configured', 'Enter your portal address first.');
    if (await currentSession(settings)) return;
    const done = signedIn.wait('signIn');
    await options.flows
      .openOrJoin({
        kind: 'signIn',
        issuer,
        request: () => oidcFor(issuer, settings.clientId).createAuthorizationRequest(),
      })
      .catch((error: unknown) => signedIn.reject('signIn', error));
    await done;
  }

  /** Starts the session from a completed sign-in flow and wakes {@link signIn}'s callers. */
  async function completeSignIn(
    flow: PendingFlow,
    client: OidcClient,
    clientId: string,
    { tokens, claims }: { tokens: TokenSet; claims: IdentityClaims },
  ): Promise<void> {
    // Discovery was read for this request already (cached): no extra round trip.
    let portalApi: boolean;
    try {
      portalApi = await client.hasPortalApi();
    } catch (error) {
      // A12: tokens that will not be kept are revoked, not just dropped.
      if (tokens.refreshToken) void revokeQuietly(flow.issuer, clientId, tokens.refreshToken);
      throw error;
    }
    await session.establish(flow.issuer, clientId, tokens, claims, { portalApi });
    await sessionEndedItem.remove();
    signedIn.resolve('signIn', undefined);
  }

  /** Signs out here, at the portal's token endpoint (A12) and, in a tab, at the portal. */
  async function signOut(): Promise<void> {
    const stored = await session.load();
    await endLocally('signOut');
    if (!stored) return;
    const client = oidcFor(stored.issuer, stored.clientId);
    if (stored.refreshToken) {
      try {
        await client.revoke(stored.refreshToken);
      } catch (error) {
        log(`refresh token revocation failed: ${error instanceof Error ? error.message : 'unknown error'}`);
      }
    }
    try {
      const state = generateRandomState();
      const url = await client.endSessionUrl(stored.idToken, state);
      if (url) {
        const flow: PendingFlow = {
          kind: 'signOut',
          state,
          nonce: '',
          codeVerifier: '',
          issuer: stored.issuer,
          maxAge: null,
          acrValues: null,
          createdAt: now(),
          tabId: null,
          launchAppIds: [],
        };
        await options.flows.start(flow, url);
      }
    } catch (error) {
      log(`portal logout not started: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
  }

  /** Drops every trace of the session here (not at the portal). */
  async function endLocally(event: 'signOut' | 'identityChange'): Promise<void> {
    await session.clear();
    await clearStoredItems(event);
    const cancelled = new AuthError('cancelled', 'You were signed out.');
    signedIn.rejectAll(cancelled);
    options.onEndedLocally(cancelled);
  }

  /**
   * Ends the session of a portal (or client) that is no longer configured:
   * locally first, then the refresh token is revoked at the portal that issued
   * it (A12), best effort: the old portal may be gone. Nothing is sent to the
   * newly configured portal, and no logout tab opens (the employee did not ask
   * to sign out; the administrator moved them).
   */
  async function endForIdentityChange(): Promise<void> {
    const stored = await session.load();
    await endLocally('identityChange');
    // Not awaited: the popup's answer must not wait on a portal that may be gone (up to the timeout).
    if (stored?.refreshToken) void revokeQuietly(stored.issuer, stored.clientId, stored.refreshToken);
  }

  /** Revokes a refresh token at `issuer`, best effort (A12): a failure is logged, never thrown. */
  async function revokeQuietly(issuer: string, clientId: string, refreshToken: string): Promise<void> {
    try {
      await oidcFor(issuer, clientId).revoke(refreshToken);
    } catch (error) {
      log(`refresh token not revoked: ${error instanceof Error ? error.message : 'unknown error'}`);
    }
  }

  return {
    currentSession,
    requireSession,
    signIn,
    completeSignIn,
    signOut,
    endForIdentityChange,
    /** The sign-in ended without success: its callers get `error`. */
    fail: (error: AuthError) => signedIn.reject('signIn', error),
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
