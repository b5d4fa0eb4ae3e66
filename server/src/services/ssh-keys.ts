/**
 * SSH public keys of an employee (`/me/ssh-keys`): validation, duplicates,
 * storage.
 *
 * Contract: {@link addSshKey} stores a key that `validateSshPublicKey`
 * accepts, or throws an {@link ApiProblem}: 422 `ssh_key_<reason>` (with the
 * validator's message under `errors.publicKey`) for a refused key, 409
 * `ssh_key_duplicate` when the user already has this key, 409
 * `collection_limit` when the user already has `MAX_SSH_KEYS_PER_USER` keys
 * (B21); `ssh_key_in_use` when another account has it (as code hosts do: one
 * key names one person to the servers that trust it; the answer does not say
 * whose it is). Step-up is the route's job (B11), audit too.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4253#section-6.6 RFC 4253 §6.6 (public key formats)
 */
import { randomUUID } from 'node:crypto';
import { MAX_SSH_KEYS_PER_USER } from '../../../contract/constants.ts';
import type { SshKey } from '../../../contract/schemas.ts';
import { ApiProblem, type ApiProblemCode } from '../api/problem.ts';
import type { Database } from '../db/database.ts';
import {
  deleteSshKey,
  insertSshKey,
  listSshKeys,
  type SshKeyRow,
  sshKeyHeldByAnotherUser,
} from '../repo/ssh-keys.ts';
import { type SshPublicKeyErrorCode, validateSshPublicKey } from '../ssh/validate-public-key.ts';

/** Problem codes for refused keys, one per validator reason, so the UI can branch. */
export const SSH_KEY_PROBLEM_CODES: Record<SshPublicKeyErrorCode, ApiProblemCode> = {
  private_key: 'ssh_key_private_key',
  unsupported_type: 'ssh_key_unsupported_type',
  rsa_too_short: 'ssh_key_rsa_too_short',
  malformed: 'ssh_key_malformed',
  too_long: 'ssh_key_too_long',
  multiple_keys: 'ssh_key_multiple_keys',
};

function toSshKey(row: SshKeyRow): SshKey {
  return {
    id: row.id,
    name: row.name,
    type: row.type as SshKey['type'],
    bits: row.bits,
    fingerprint: row.fingerprint,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The user's keys, oldest first. */
export async function listUserSshKeys(db: Database, userId: string): Promise<SshKey[]> {
  return (await listSshKeys(db, userId)).map(toSshKey);
}

/**
 * Validates and stores a key for the user.
 *
 * @throws {ApiProblem} 422 for a refused key, 409 for a key the user or another account already has, or one key too many.
 */
export async function addSshKey(
  db: Database,
  clock: () => number,
  userId: string,
  input: { name: string; publicKey: string },
): Promise<SshKey> {
  const result = validateSshPublicKey(input.publicKey);
  if (!result.ok) {
    throw new ApiProblem(422, SSH_KEY_PROBLEM_CODES[result.code], 'SSH key refused', {
      detail: result.message,
      errors: { publicKey: result.message },
    });
  }
  const row: SshKeyRow = {
    id: randomUUID(),
    user_id: userId,
    name: input.name,
    type: result.type,
    bits: result.bits,
    fingerprint: result.fingerprint,
    public_key: result.normalized,
    created_at: clock(),
  };
  // One transaction: the check and the guarded insert (repo/ssh-keys.ts) go together.
  const outcome = await db.transaction(async (): Promise<'added' | 'duplicate' | 'in_use' | 'limit'> => {
    if (await sshKeyHeldByAnotherUser(db, row.fingerprint, userId)) {
      // The user's own copy wins the wording: "you already added it" is more useful.
      return (await listSshKeys(db, userId)).some((key) => key.fingerprint === row.fingerprint)
        ? 'duplicate'
        : 'in_use';
    }
    const stored = await insertSshKey(db, row, MAX_SSH_KEYS_PER_USER);
    return stored === true ? 'added' : stored;
  });
  if (outcome === 'duplicate') {
    throw new ApiProblem(409, 'ssh_key_duplicate', 'SSH key already added', {
      detail: `You already added this key (${result.fingerprint}). Each key can be added once.`,
      errors: { publicKey: 'You already added this key.' },
    });
  }
  if (outcome === 'limit') {
    throw new ApiProblem(409, 'collection_limit', 'Too many SSH keys', {
      detail: `You already have ${MAX_SSH_KEYS_PER_USER} SSH keys, the most an account can hold. Remove keys you no longer use, then add this one.`,
    });
  }
  if (outcome === 'in_use') {
    throw new ApiProblem(409, 'ssh_key_in_use', 'SSH key in use', {
      detail: 'This key is already in use on another account. Generate a new key pair for this account.',
      errors: { publicKey: 'This key is already in use on another account.' },
    });
  }
  return toSshKey(row);
}

/**
 * Removes one of the user's keys.
 *
 * @throws {ApiProblem} 404 when the user has no key with this id.
 */
export async function removeSshKey(db: Database, userId: string, id: string): Promise<void> {
  if (!(await deleteSshKey(db, userId, id))) {
    throw new ApiProblem(404, 'not_found', 'Not found', {
      detail: 'This SSH key was not found. Refresh the list and try again.',
    });
  }
}
