/**
 * Passkeys and security keys (WebAuthn, B19, B21): `GET /me/passkeys`,
 * `POST /me/passkeys/registrations`, `PATCH /me/passkeys/{id}`,
 * `DELETE /me/passkeys/{id}`.
 *
 * A credential is bound to the portal's origin, so it cannot be created on
 * the extension's page: `POST /me/passkeys/registrations` answers a
 * single-use link (≤ 60 s) to the portal's registration page, which the
 * options page opens in a tab (oidc/passkey-pages.ts). Adding a factor to an
 * account that has one, and removing one, need a fresh second factor (B11);
 * the last factor of an account that must have MFA stays.
 */
import { SENSITIVE_CHANGE_MAX_AGE } from '../../../../contract/constants.ts';
import {
  passkeyRegistrationSchema,
  passkeyRenameSchema,
  passkeySchema,
  passkeysResponseSchema,
} from '../../../../contract/schemas.ts';
import type { PasskeyRecord } from '../../repo/passkeys.ts';
import { mustHaveMfa } from '../../services/accounts.ts';
import { createRegistrationTicket } from '../../services/passkey-registration.ts';
import { hasSecondFactor, PASSKEY_LIMIT, PasskeyError, passkeysAllowed } from '../../services/passkeys.ts';
import { hasActiveTotp } from '../../services/totp.ts';
import { requireRecentAuthentication } from '../auth.ts';
import { ApiProblem } from '../problem.ts';
import { defineRoute } from '../route.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** A stored credential as the API shows it. */
export function passkeyView(record: PasskeyRecord) {
  return {
    id: record.id,
    name: record.name,
    kind:
      record.attachment === 'platform'
        ? ('platform' as const)
        : record.attachment === 'cross-platform'
          ? ('roaming' as const)
          : null,
    syncable: record.deviceType === 'multiDevice',
    synced: record.backedUp,
    createdAt: iso(record.createdAt),
    lastUsedAt: record.lastUsedAt === null ? null : iso(record.lastUsedAt),
  };
}

const notFound = () =>
  new ApiProblem(404, 'not_found', 'Passkey not found', {
    detail: 'There is no such passkey on your account.',
  });

/**
 * Passkey routes.
 *
 * @see https://www.w3.org/TR/webauthn-3/ Web Authentication Level 3
 */
export const passkeyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/me/passkeys',
    auth: true,
    response: passkeysResponseSchema,
    handler: async ({ portal, user }) => ({
      body: {
        passkeys: (await portal.repos.passkeys.list(user.id)).map(passkeyView),
        allowed: passkeysAllowed(portal),
        limit: PASSKEY_LIMIT,
      },
    }),
  }),

  defineRoute({
    method: 'POST',
    path: '/me/passkeys/registrations',
    auth: true,
    response: passkeyRegistrationSchema,
    handler: async ({ portal, user, token, request }) => {
      if (!passkeysAllowed(portal)) {
        throw new ApiProblem(409, 'passkeys_disabled', 'Passkeys are off', {
          detail: 'Your administrator has not allowed passkeys on this portal.',
        });
      }
      requireRecentAuthentication(token, {
        hasSecondFactor: await hasSecondFactor(portal, user.id),
        maxAgeSeconds: SENSITIVE_CHANGE_MAX_AGE,
        clock: portal.clock,
        what: 'add a passkey',
      });
      try {
        const ticket = await createRegistrationTicket(portal, user.id);
        await portal.audit('passkey.registration_started', { userId: user.id, ip: request.ip });
        return { status: 201, body: { url: ticket.url, expiresAt: iso(ticket.expiresAt) } };
      } catch (error) {
        if (error instanceof PasskeyError && error.code === 'limit') {
          throw new ApiProblem(409, 'collection_limit', 'Too many passkeys', { detail: error.message });
        }
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/me/passkeys/:id',
    auth: true,
    body: passkeyRenameSchema,
    response: passkeySchema,
    handler: async ({ portal, user, body, request }) => {
      const id = request.params.id as string;
      if (!(await portal.repos.passkeys.rename(user.id, id, body.name.replace(/\s+/g, ' '))))
        throw notFound();
      const record = (await portal.repos.passkeys.list(user.id)).find((c) => c.id === id);
      if (!record) throw notFound();
      return { body: passkeyView(record) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/me/passkeys/:id',
    auth: true,
    handler: async ({ portal, user, token, request }) => {
      const id = request.params.id as string;
      const passkeys = await portal.repos.passkeys.list(user.id);
      // Step-up first (B11), so a stale token learns nothing about which ids exist.
      requireRecentAuthentication(token, {
        hasSecondFactor: await hasSecondFactor(portal, user.id),
        maxAgeSeconds: SENSITIVE_CHANGE_MAX_AGE,
        clock: portal.clock,
        what: 'remove a passkey',
      });
      if (!passkeys.some((c) => c.id === id)) throw notFound();
      const othersLeft = passkeys.length - 1 > 0 && passkeysAllowed(portal);
      if (mustHaveMfa(portal, user) && !othersLeft && !(await hasActiveTotp(portal, user.id))) {
        throw new ApiProblem(409, 'last_factor', 'Last second factor', {
          detail: 'Your account must have a second factor. Add another one before removing this passkey.',
        });
      }
      if (!(await portal.repos.passkeys.remove(user.id, id))) throw notFound();
      await portal.audit('passkey.removed', { userId: user.id, ip: request.ip, credential: id.slice(0, 16) });
      return { status: 204 };
    },
  }),
];
