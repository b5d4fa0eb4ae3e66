/**
 * `GET /me`, `PATCH /me` (the profile) and `GET /me/apps` (assigned apps).
 */
import {
  type AppsResponse,
  appSchema,
  appsResponseSchema,
  mePatchSchema,
  meSchema,
} from '../../../../contract/schemas.ts';
import type { AppRecord } from '../../repo/apps.ts';
import { planProfileUpdate, toMe } from '../../services/profile.ts';
import { hasActiveTotp } from '../../services/totp.ts';
import { defineRoute } from '../route.ts';

/** The catalog entry of an app (no client secrets or redirect URIs leave the portal). */
export function toPortalApp(app: AppRecord): AppsResponse['apps'][number] {
  return {
    id: app.id,
    kind: app.kind,
    name: app.name,
    description: app.description,
    iconUrl: app.iconUrl,
    category: app.category,
    requiresMfa: app.requiresMfa,
    mfaMaxAgeSeconds: app.requiresMfa ? app.mfaMaxAgeSeconds : null,
    // Checked again on the way out: a value written straight into the database
    // must not turn the whole catalog into a 500 (the response is validated).
    detailsUrl: appSchema.shape.detailsUrl.safeParse(app.detailsUrl).success ? app.detailsUrl : null,
    // Only a bookmark's link leaves the portal (the other kinds open through a launch ticket).
    url: app.kind === 'bookmark' && appSchema.shape.url.safeParse(app.url).success ? app.url : null,
  };
}

/** Profile and catalog routes (DESIGN.md "Portal API"). */
export const meRoutes = [
  defineRoute({
    method: 'GET',
    path: '/me',
    auth: true,
    response: meSchema,
    handler: async ({ portal, user }) => ({
      body: toMe(user, { totp: await hasActiveTotp(portal, user.id) }),
    }),
  }),

  defineRoute({
    method: 'PATCH',
    path: '/me',
    auth: true,
    body: mePatchSchema,
    response: meSchema,
    handler: async ({ portal, user, body, request }) => {
      const update = planProfileUpdate(user, body);
      await portal.repos.users.updateProfile(user.id, update);
      await portal.audit('profile.updated', { userId: user.id, ip: request.ip, fields: Object.keys(update) });
      const updated = (await portal.repos.users.findById(user.id)) ?? user;
      return { body: toMe(updated, { totp: await hasActiveTotp(portal, user.id) }) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/me/apps',
    auth: true,
    response: appsResponseSchema,
    etag: true,
    handler: async ({ portal, user }) => ({
      body: { apps: (await portal.repos.apps.listForUser(user.id)).map(toPortalApp) },
    }),
  }),
];
