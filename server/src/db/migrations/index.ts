/**
 * The portal's migrations, in the order they apply: one TypeScript module per
 * migration (`NNN-name.ts`, recorded in `schema_migrations` as `NNN-name`),
 * written with Kysely's schema builder for both databases; the few dialect
 * differences are the named helpers of helpers.ts. IDENTITY owns numbers
 * 001–049, API 050–099. Forward-only (C9): a shipped module never changes;
 * a change is a new number. A test keeps this list and the folder in step.
 */
import { up as initial } from './001-initial.ts';
import { up as requireMfa } from './002-require-mfa.ts';
import { up as api } from './050-api.ts';
import { up as appDetails } from './060-app-details.ts';
import { up as sshKeyFingerprint } from './061-ssh-key-fingerprint.ts';
import { up as launchTicketExpiryIndex } from './070-launch-ticket-expiry-index.ts';
import { up as providerKeys } from './080-provider-keys.ts';
import { up as webauthn } from './090-webauthn.ts';
import { up as pushApprovals } from './100-push-approvals.ts';
import { up as appKinds } from './110-app-kinds.ts';
import { up as saml } from './120-saml.ts';
import type { Migration } from './helpers.ts';

export type { Migration } from './helpers.ts';

export const MIGRATIONS: readonly Migration[] = [
  { name: '001-initial', up: initial },
  { name: '002-require-mfa', up: requireMfa },
  { name: '050-api', up: api },
  { name: '060-app-details', up: appDetails },
  { name: '061-ssh-key-fingerprint', up: sshKeyFingerprint },
  { name: '070-launch-ticket-expiry-index', up: launchTicketExpiryIndex },
  { name: '080-provider-keys', up: providerKeys },
  { name: '090-webauthn', up: webauthn },
  { name: '100-push-approvals', up: pushApprovals },
  { name: '110-app-kinds', up: appKinds },
  { name: '120-saml', up: saml },
];
