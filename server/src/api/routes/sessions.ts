/**
 * Active portal sessions ("devices"): `GET /me/sessions`,
 * `DELETE /me/sessions/{id}`, and `DELETE /me/sessions?others=true` (sign out
 * everywhere else). Ending a session also revokes the refresh tokens it
 * authorised (oidc/sessions.ts), so a signed-out device stays out (B4, B13).
 */
import { sessionsResponseSchema } from '../../../../contract/schemas.ts';
import { endUserSession, endUserSessions, listUserSessions } from '../../oidc/sessions.ts';
import { ApiProblem } from '../problem.ts';
import { defineRoute } from '../route.ts';

/**
 * Session routes.
 *
 * @see https://openid.net/specs/openid-connect-session-1_0.html OIDC Session Management (the sessions listed)
 */
export const sessionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/me/sessions',
    auth: true,
    response: sessionsResponseSchema,
    handler: async ({ portal, user, token }) => ({
      body: { sessions: await listUserSessions(portal, user.id, token.sessionId ?? undefined) },
    }),
  }),

  defineRoute({
    method: 'DELETE',
    path: '/me/sessions',
    auth: true,
    handler: async ({ portal, user, token, request }) => {
      // Only "all the others" is offered: ending the current one too is signing out.
      if (request.query.get('others') !== 'true') {
        throw new ApiProblem(400, 'bad_request', 'Say which sessions to end', {
          detail: 'Use ?others=true to sign out every other session, or name one session to end.',
        });
      }
      const ended = await endUserSessions(
        portal,
        user.id,
        token.sessionId ? { except: token.sessionId } : {},
      );
      await portal.audit('sessions.ended_others', { userId: user.id, ip: request.ip, ended });
      return { status: 204 };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/me/sessions/:id',
    auth: true,
    handler: async ({ portal, user, request }) => {
      // Someone else's session id is "not found" too: no oracle for other users' sessions.
      if (!(await endUserSession(portal, user.id, request.params.id as string))) {
        throw new ApiProblem(404, 'not_found', 'Session not found', {
          detail: 'This session has already ended. Refresh the list.',
        });
      }
      return { status: 204 };
    },
  }),
];
