/** Builds the portal's repositories and names its database file. SQL lives only in `repo/`. */
import path from 'node:path';
import type { PortalRepos } from '../context.ts';
import type { Database } from '../db/database.ts';
import { createAppsRepo } from './apps.ts';
import { createAuditRepo } from './audit.ts';
import { createInteractionProgressRepo } from './interaction-progress.ts';
import { createLaunchTicketsRepo } from './launch-tickets.ts';
import { createLoginFailuresRepo } from './login-failures.ts';
import { createMfaRepo } from './mfa.ts';
import { createOidcStoreRepo } from './oidc-store.ts';
import { createPasskeysRepo } from './passkeys.ts';
import { createSamlRepo } from './saml.ts';
import { createSessionMetaRepo } from './session-meta.ts';
import { createUsersRepo } from './users.ts';

/** Builds the repositories over one database (SQLite or PostgreSQL, db/database.ts). */
export function createRepos(db: Database, clock: () => number): PortalRepos {
  return {
    users: createUsersRepo(db, clock),
    apps: createAppsRepo(db, clock),
    mfa: createMfaRepo(db, clock),
    loginFailures: createLoginFailuresRepo(db),
    audit: createAuditRepo(db),
    launchTickets: createLaunchTicketsRepo(db),
    sessionMeta: createSessionMetaRepo(db),
    interactionProgress: createInteractionProgressRepo(db),
    oidcStore: createOidcStoreRepo(db),
    passkeys: createPasskeysRepo(db),
    saml: createSamlRepo(db, clock),
  };
}

/** The database file inside a data folder. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'portal.sqlite');
}

/** What `openDatabase` opens for a configuration: the PostgreSQL URL when set, else the SQLite file. */
export function databaseTarget(config: { dataDir: string; databaseUrl?: string }): string {
  return config.databaseUrl ?? databaseFile(config.dataDir);
}
