/**
 * `POST /apps/{id}/launch`: a one-time, short-lived SSO URL for this user and
 * app (B14), behind RFC 9470 step-up when the app demands a fresh second
 * factor (B6).
 */
import { SENSITIVE_CHANGE_MAX_AGE } from '../../../../contract/constants.ts';
import { launchResponseSchema } from '../../../../contract/schemas.ts';
import { type AssignedApp, createLaunchTicket, findAssignedApp, LaunchError } from '../../services/launch.ts';
import { requireFreshMfa } from '../auth.ts';
import { ApiProblem } from '../problem.ts';
import { defineRoute } from '../route.ts';

const APP_NOT_FOUND =
  'This app is not assigned to you. Refresh your apps; ask your administrator for access.';

/** Maps the launch service's expected failures to problems. */
function launchProblem(error: LaunchError): ApiProblem {
  switch (error.code) {
    case 'unknown_app':
    case 'not_assigned':
      return new ApiProblem(404, 'not_found', 'App not found', { detail: APP_NOT_FOUND });
    case 'not_launchable':
      return new ApiProblem(409, 'app_not_launchable', 'App cannot be opened', { detail: error.message });
    case 'invalid_target':
    case 'invalid_ticket':
      return new ApiProblem(422, 'validation_failed', 'Launch refused', { detail: error.message });
  }
}

/**
 * Launch route.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3 RFC 9470 §3 (step-up challenge)
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ThirdPartyInitiatedLogin OIDC Core §4 (where the URL leads)
 */
export const appRoutes = [
  defineRoute({
    method: 'POST',
    path: '/apps/:id/launch',
    auth: true,
    response: launchResponseSchema,
    handler: async ({ portal, user, token, request }) => {
      let app: AssignedApp;
      try {
        // Read once here; the launch service takes the record as it is (no second read).
        app = await findAssignedApp(portal, user.id, request.params.id as string);
      } catch (error) {
        // Unknown and unassigned answer alike, so the API is no oracle for other people's apps.
        throw error instanceof LaunchError ? launchProblem(error) : error;
      }
      if (app.requiresMfa) {
        try {
          requireFreshMfa(
            token,
            app.mfaMaxAgeSeconds ?? SENSITIVE_CHANGE_MAX_AGE,
            portal.clock,
            `open ${app.name}`,
          );
        } catch (problem) {
          await portal.audit('launch.step_up_required', { userId: user.id, appId: app.id, ip: request.ip });
          throw problem;
        }
      }
      let ticket: { url: string; expiresAt: string };
      try {
        // The token's authentication goes with the ticket: a SAML assertion states it (B20).
        ticket = await createLaunchTicket(portal, user.id, app, undefined, {
          acr: token.acr,
          amr: token.amr,
          authTime: token.authTime,
        });
      } catch (error) {
        throw error instanceof LaunchError ? launchProblem(error) : error;
      }
      // The launch service audits the ticket (`launch.ticket_created`); nothing to add here.
      return { body: { url: ticket.url, expiresAt: new Date(ticket.expiresAt).toISOString() } };
    },
  }),
];
