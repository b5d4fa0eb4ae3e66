/**
 * The signed-in session: tokens in memory, mirrored to `storage.session` so a
 * restarted service worker keeps the employee signed in (A5: never
 * `storage.local`). The only module that holds tokens.
 *
 * Contract: `getAccessToken()` refreshes an expiring token first;
 * `refreshAccessToken()` is single-flight — concurrent callers share one token
 * request (C2). A refused refresh (`invalid_grant`) ends the session once and
 * throws `signed_out`; nothing retries it in a loop.
 */
import { type StoredSession, sessionItem } from '../storage.ts';
import { AuthError } from './errors.ts';
import type { IdentityClaims, OidcClient, TokenSet } from './oidc.ts';
import type { ProvenAuthentication } from './step-up.ts';

/** Refresh this long before `exp`, so a token does not expire in flight. */
const EXPIRY_MARGIN_MS = 30_000;

export interface SessionManagerOptions {
  /** The OIDC client for an issuer and client id (cached by the caller). */
  oidcFor(issuer: string, clientId: string): OidcClient;
  now?: () => number;
  /** Called after the session ended on its own (refused refresh), so the caller clears dependent state. */
  onEnded?: () => Promise<void> | void;
}

export function createSessionManager(options: SessionManagerOptions) {
  const now = options.now ?? Date.now;
  let current: StoredSession | null | undefined;
  let refreshing: Promise<string> | null = null;

  async function load(): Promise<StoredSession | null> {
    if (current !== undefined) return current;
    const stored = await sessionItem.get();
    // A session saved while this read was on its way is newer than what it read.
    if (current === undefined) current = stored;
    return current;
  }

  async function save(session: StoredSession | null): Promise<void> {
    current = session;
    if (session) await sessionItem.set(session);
    else await sessionItem.remove();
  }

  /**
   * Starts a session from a completed sign-in (code flow). `portalApi: false`
   * records that the issuer is a plain OpenID provider (provider-only mode).
   */
  async function establish(
    issuer: string,
    clientId: string,
    tokens: TokenSet,
    claims: IdentityClaims,
    capabilities: { portalApi: boolean } = { portalApi: true },
  ): Promise<StoredSession> {
    const session: StoredSession = {
      issuer,
      clientId,
      ...tokens,
      portalApi: capabilities.portalApi,
      user: { sub: claims.sub, name: claims.name, email: claims.email },
      authentication: { acr: claims.acr, amr: claims.amr, authTime: claims.authTime },
    };
    await save(session);
    return session;
  }

  /**
   * Takes the tokens and proven authentication of a completed step-up. The
   * subject must be the signed-in one: someone else signing in in the step-up
   * tab must not upgrade this session.
   */
  async function applyStepUp(tokens: TokenSet, claims: IdentityClaims): Promise<StoredSession> {
    const session = await load();
    if (!session)
      throw new AuthError('signed_out', 'You were signed out during verification. Sign in again.');
    if (session.user.sub !== claims.sub) {
      throw new AuthError(
        'step_up_insufficient',
        'A different account was verified in the portal tab. Sign in again as yourself.',
      );
    }
    const next: StoredSession = {
      ...session,
      ...tokens,
      refreshToken: tokens.refreshToken ?? session.refreshToken,
      authentication: { acr: claims.acr, amr: claims.amr, authTime: claims.authTime },
    };
    await save(next);
    return next;
  }

  /** A valid access token; refreshes first when it is about to expire. */
  async function getAccessToken(): Promise<string> {
    const session = await load();
    if (!session) throw new AuthError('signed_out', 'You are signed out. Sign in to continue.');
    if (session.accessTokenExpiresAt - EXPIRY_MARGIN_MS > now()) return session.accessToken;
    return refreshAccessToken();
  }

  /** One token request at a time (C2); concurrent callers await the same one. */
  function refreshAccessToken(): Promise<string> {
    refreshing ??= (async () => {
      try {
        const session = await load();
        if (!session) throw new AuthError('signed_out', 'You are signed out. Sign in to continue.');
        if (!session.refreshToken) {
          await end();
          throw new AuthError('signed_out', 'Your session expired. Sign in again.');
        }
        let tokens: TokenSet;
        try {
          tokens = await options.oidcFor(session.issuer, session.clientId).refresh(session.refreshToken);
        } catch (error) {
          // Only a refused grant ends the session; a network failure keeps it (C3).
          if (error instanceof AuthError && error.code === 'signed_out') await end();
          throw error;
        }
        // A4: a refresh keeps the proven authentication; it is not a new one. A refresh answer may
        // carry no ID token (OIDC Core §12.2; Glewlwyd never sends one): keep the sign-in's, which
        // RP-initiated logout needs as id_token_hint.
        await save({
          ...session,
          ...tokens,
          idToken: tokens.idToken ?? session.idToken,
          authentication: session.authentication,
        });
        return tokens.accessToken;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function end(): Promise<void> {
    await save(null);
    await options.onEnded?.();
  }

  /** The proven authentication of the current session, for step-up decisions. */
  async function authentication(): Promise<ProvenAuthentication | null> {
    return (await load())?.authentication ?? null;
  }

  return {
    load,
    establish,
    applyStepUp,
    getAccessToken,
    refreshAccessToken,
    authentication,
    /** Drops the session locally (tokens gone from memory and storage). */
    clear: () => save(null),
    /** Forget the in-memory copy (tests: simulate a restarted worker). */
    forgetMemory: () => {
      current = undefined;
    },
  };
}

export type SessionManager = ReturnType<typeof createSessionManager>;
