/**
 * The dependency bag every part of the portal receives: configuration, the
 * database and its repositories, the clock, the OpenID Provider, audit and
 * mail. Routes stay thin by taking what they need from here.
 *
 * Contract: built once by `startPortal` (app.ts); additive only — fields are
 * added, never renamed or removed, because API routes code against it.
 * Services take the context as their first argument (`verifySecondFactor(ctx, …)`).
 */
import type { JSONWebKeySet } from 'jose';
import type Provider from 'oidc-provider';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { AppsRepo } from './repo/apps.ts';
import type { AuditRepo } from './repo/audit.ts';
import type { InteractionProgressRepo } from './repo/interaction-progress.ts';
import type { LaunchTicketsRepo } from './repo/launch-tickets.ts';
import type { LoginFailuresRepo } from './repo/login-failures.ts';
import type { MfaRepo } from './repo/mfa.ts';
import type { OidcStoreRepo } from './repo/oidc-store.ts';
import type { PasskeysRepo } from './repo/passkeys.ts';
import type { SamlRepo } from './repo/saml.ts';
import type { SessionMetaRepo } from './repo/session-meta.ts';
import type { UsersRepo } from './repo/users.ts';
import type { SamlifyIdentityProvider } from './saml/samlify.ts';
import type { AuditEvent, AuditFields } from './services/audit.ts';
import type { Mailer } from './services/mailer.ts';

/** Repositories over the identity tables (SQL lives only in `repo/`). */
export interface PortalRepos {
  users: UsersRepo;
  apps: AppsRepo;
  mfa: MfaRepo;
  loginFailures: LoginFailuresRepo;
  audit: AuditRepo;
  launchTickets: LaunchTicketsRepo;
  sessionMeta: SessionMetaRepo;
  interactionProgress: InteractionProgressRepo;
  /** oidc-provider's stored models (sessions, grants, tokens). */
  oidcStore: OidcStoreRepo;
  /** WebAuthn credentials and ceremony challenges (migration 090). */
  passkeys: PasskeysRepo;
  /** SAML service providers and pending AuthnRequests (migration 120). */
  saml: SamlRepo;
}

/** What every route and service receives (see the module comment). */
export interface PortalContext {
  config: Config;
  /** The issuer URL, no trailing slash (e.g. `http://127.0.0.1:4000`). */
  issuer: string;
  /** SQLite or PostgreSQL (db/database.ts); repositories go through it, services use `transaction`. */
  db: Database;
  /** Milliseconds since the epoch; injectable for tests. oidc-provider itself uses `Date.now`. */
  clock: () => number;
  /** The oidc-provider instance (also the Koa app the portal serves). */
  provider: Provider;
  /** The SAML identity provider (saml/idp.ts), signing with the key in `provider_keys`. */
  samlIdp: SamlifyIdentityProvider;
  /** The provider's public signing keys, for in-process access-token verification (jose `createLocalJWKSet`). */
  jwks: JSONWebKeySet;
  /** Operational log sink (stdout by default, captured in tests). Never pass secrets. */
  log: (line: string) => void;
  /** Writes an audit entry; see services/audit.ts for what may go in (B17). */
  audit: (event: AuditEvent, fields?: AuditFields) => Promise<void>;
  mailer: Mailer;
  repos: PortalRepos;
}
