/**
 * `GET/POST /me/ssh-keys`, `DELETE /me/ssh-keys/{id}`: OpenSSH public keys
 * (B16). Adding and removing keys are sensitive changes (B11).
 */
import { SENSITIVE_CHANGE_MAX_AGE } from '../../../../contract/constants.ts';
import { sshKeyCreateSchema, sshKeySchema, sshKeysResponseSchema } from '../../../../contract/schemas.ts';
import { hasSecondFactor } from '../../services/passkeys.ts';
import { addSshKey, listUserSshKeys, removeSshKey } from '../../services/ssh-keys.ts';
import { requireRecentAuthentication } from '../auth.ts';
import { defineRoute } from '../route.ts';

/**
 * SSH key routes.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4253#section-6.6 RFC 4253 §6.6 (public key formats)
 */
export const sshKeyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/me/ssh-keys',
    auth: true,
    response: sshKeysResponseSchema,
    handler: async ({ portal, user }) => ({ body: { keys: await listUserSshKeys(portal.db, user.id) } }),
  }),

  defineRoute({
    method: 'POST',
    path: '/me/ssh-keys',
    auth: true,
    body: sshKeyCreateSchema,
    response: sshKeySchema,
    handler: async ({ portal, user, token, body, request }) => {
      requireRecentAuthentication(token, {
        hasSecondFactor: await hasSecondFactor(portal, user.id),
        maxAgeSeconds: SENSITIVE_CHANGE_MAX_AGE,
        clock: portal.clock,
        what: 'add an SSH key',
      });
      const key = await addSshKey(portal.db, portal.clock, user.id, body);
      await portal.audit('ssh_key.added', {
        userId: user.id,
        ip: request.ip,
        keyId: key.id,
        fingerprint: key.fingerprint,
        type: key.type,
      });
      return { status: 201, body: key, headers: { Location: `/api/v1/me/ssh-keys/${key.id}` } };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/me/ssh-keys/:id',
    auth: true,
    handler: async ({ portal, user, token, request }) => {
      requireRecentAuthentication(token, {
        hasSecondFactor: await hasSecondFactor(portal, user.id),
        maxAgeSeconds: SENSITIVE_CHANGE_MAX_AGE,
        clock: portal.clock,
        what: 'remove an SSH key',
      });
      const id = request.params.id as string;
      await removeSshKey(portal.db, user.id, id);
      await portal.audit('ssh_key.removed', { userId: user.id, ip: request.ip, keyId: id });
      return { status: 204 };
    },
  }),
];
