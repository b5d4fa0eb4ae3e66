/**
 * Portal sessions and grants of a user, for the sessions list, "sign out
 * that device", and revocation after security changes (B4, B11, B13).
 *
 * Session ids exposed here are the provider session's stable `uid` (it
 * survives the cookie rotation on re-authentication); JWT access tokens carry
 * the same value as `sid`, so the API can mark the current session.
 *
 * Contract: all functions are idempotent; ending a session also revokes the
 * grants (refresh tokens) it authorised, because the launcher's refresh
 * tokens outlive the browser session (offline_access).
 */
import { MAX_SESSIONS_PER_USER } from '../../../contract/constants.ts';
import type { PortalSession } from '../../../contract/schemas.ts';
import type { PortalContext } from '../context.ts';
import { describeDevice } from '../services/user-agent.ts';

type SessionsContext = Pick<PortalContext, 'repos' | 'audit'>;

interface StoredSessionPayload {
  uid?: string;
  accountId?: string;
  loginTs?: number;
  authorizations?: Record<string, { grantId?: string; sid?: string }>;
}

async function liveSessions(ctx: SessionsContext, userId: string) {
  return (await ctx.repos.oidcStore.listSessions(userId))
    .map((stored) => ({ id: stored.id, payload: stored.payload as StoredSessionPayload }))
    .filter((s) => typeof s.payload.uid === 'string');
}

/**
 * The user's live portal sessions, newest activity first, in the shape of
 * `GET /me/sessions` (schemas.ts `sessionSchema`).
 */
export async function listUserSessions(
  ctx: SessionsContext,
  userId: string,
  currentSessionId?: string,
): Promise<PortalSession[]> {
  const sessions = await Promise.all(
    (await liveSessions(ctx, userId)).map(async ({ payload }) => {
      const uid = payload.uid as string;
      const meta = await ctx.repos.sessionMeta.get(uid);
      const loginMs = (payload.loginTs ?? 0) * 1000;
      const device = describeDevice(meta?.userAgent);
      return {
        id: uid,
        browser: device.browser,
        os: device.os,
        ipAddress: meta?.ip ?? null,
        createdAt: new Date(meta?.createdAt ?? loginMs).toISOString(),
        lastSeenAt: new Date(Math.max(meta?.lastSeenAt ?? 0, loginMs)).toISOString(),
        current: uid === currentSessionId,
      };
    }),
  );
  // The limit is enforced right after a sign-in (enforceSessionLimit), off the request's path:
  // a list read in between (another node, another connection) must still answer (B21).
  return sessions.sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt)).slice(0, MAX_SESSIONS_PER_USER);
}

/** Ends one of the user's sessions (and revokes what it authorised). Returns false if it was not theirs or not live. */
export async function endUserSession(
  ctx: SessionsContext,
  userId: string,
  sessionId: string,
  reason = 'ended_by_user_or_admin',
): Promise<boolean> {
  const session = (await liveSessions(ctx, userId)).find((s) => s.payload.uid === sessionId);
  if (!session) return false;
  for (const authorization of Object.values(session.payload.authorizations ?? {})) {
    if (authorization.grantId) await ctx.repos.oidcStore.revokeByGrantId(authorization.grantId);
  }
  await ctx.repos.oidcStore.destroy('Session', session.id);
  await ctx.repos.sessionMeta.delete(sessionId);
  await ctx.audit('sign_out', { userId, sessionId, reason });
  return true;
}

/** Ends all of the user's sessions, optionally keeping one (the current). Returns how many ended. */
export async function endUserSessions(
  ctx: SessionsContext,
  userId: string,
  options: { except?: string } = {},
): Promise<number> {
  let ended = 0;
  for (const session of await liveSessions(ctx, userId)) {
    if (session.payload.uid === options.except) continue;
    if (await endUserSession(ctx, userId, session.payload.uid as string)) ended++;
  }
  return ended;
}

/**
 * Revokes every grant of the user: refresh tokens, access-token records and
 * codes die with them (B4), and the API refuses the JWT access tokens already
 * issued under them (it checks each token's `grant_id`, api/index.ts).
 */
export async function revokeUserGrants(ctx: SessionsContext, userId: string): Promise<number> {
  const grants = await ctx.repos.oidcStore.grantIdsOf(userId);
  for (const grantId of grants) await ctx.repos.oidcStore.revokeByGrantId(grantId);
  return grants.length;
}

/**
 * Keeps a person at most {@link MAX_SESSIONS_PER_USER} live sessions (B21):
 * after a session of theirs was saved, the least recently used others beyond
 * the limit end (grants revoked, audited as `session_limit`). Ending the
 * oldest rather than refusing the new sign-in is deliberate: a refused
 * sign-in would lock the person out of the very page where sessions are
 * ended. Returns how many ended.
 */
export async function enforceSessionLimit(
  ctx: SessionsContext,
  userId: string,
  keepSessionId?: string,
): Promise<number> {
  if ((await ctx.repos.oidcStore.countSessions(userId)) <= MAX_SESSIONS_PER_USER) return 0;
  const sessions = await liveSessions(ctx, userId);
  const lastUsed = new Map<string, number>();
  for (const { payload } of sessions) {
    const seen = (await ctx.repos.sessionMeta.get(payload.uid as string))?.lastSeenAt ?? 0;
    lastUsed.set(payload.uid as string, Math.max(seen, (payload.loginTs ?? 0) * 1000));
  }
  const used = (s: { payload: StoredSessionPayload }) => lastUsed.get(s.payload.uid as string) ?? 0;
  const others = sessions.filter((s) => s.payload.uid !== keepSessionId).sort((a, b) => used(a) - used(b));
  let ended = 0;
  for (const session of others.slice(0, Math.max(0, sessions.length - MAX_SESSIONS_PER_USER))) {
    if (await endUserSession(ctx, userId, session.payload.uid as string, 'session_limit')) ended++;
  }
  return ended;
}
