/**
 * `GET /support` (unauthenticated): whom to contact when access is denied.
 * The launcher shows it as "Contact your administrator" after a step-up was
 * cancelled or refused, when its own policy names no contact (`adminContact`).
 */
import { supportResponseSchema } from '../../../../contract/admin-contact.ts';
import { defineRoute } from '../route.ts';

export const supportRoutes = [
  defineRoute({
    method: 'GET',
    path: '/support',
    auth: false,
    response: supportResponseSchema,
    handler: ({ portal }) => ({ body: { adminContact: portal.config.adminContact ?? null } }),
  }),
];
