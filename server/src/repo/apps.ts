/**
 * Apps (SSO applications: OIDC relying parties, SAML service providers, or
 * plain bookmarks) and who is assigned to them. SQL only here.
 */
import { sql } from 'kysely';
import type { AppKind } from '../../../contract/schemas.ts';
import { all, type Database, first, run } from '../db/database.ts';

/** An SSO app as the services see it (camelCase over the `apps` row). */
export interface AppRecord {
  id: string;
  /** How it opens (migration 110): `oidc`, `saml` or `bookmark`. */
  kind: AppKind;
  name: string;
  description: string | null;
  iconUrl: string | null;
  category: string | null;
  requiresMfa: boolean;
  mfaMaxAgeSeconds: number | null;
  /** OAuth client id of the app's relying party, when it is one. */
  clientId: string | null;
  clientSecret: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** OIDC third-party-initiated login endpoint (OIDC Core §4). */
  initiateLoginUri: string | null;
  /** Registered `target_link_uri` values (exact URLs or `origin/` prefixes) (B14). */
  targetLinkUris: string[];
  /**
   * Page with more about the app (what it is, who owns it, how to get access),
   * shown as a "Details" link; null when none (migration 060). The CLI checks
   * it is a network URL before storing it.
   */
  detailsUrl: string | null;
  /** A bookmark's link (migration 110); null for the other kinds. */
  url: string | null;
  createdAt: number;
}

interface AppRow {
  id: string;
  kind: string;
  url: string | null;
  name: string;
  description: string | null;
  icon_url: string | null;
  category: string | null;
  requires_mfa: number;
  mfa_max_age_seconds: number | null;
  client_id: string | null;
  client_secret: string | null;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  initiate_login_uri: string | null;
  target_link_uris: string;
  details_url: string | null;
  created_at: number;
}

function toRecord(row: AppRow): AppRecord {
  return {
    id: row.id,
    kind: row.kind === 'saml' || row.kind === 'bookmark' ? row.kind : 'oidc',
    name: row.name,
    description: row.description,
    iconUrl: row.icon_url,
    category: row.category,
    requiresMfa: row.requires_mfa === 1,
    mfaMaxAgeSeconds: row.mfa_max_age_seconds,
    clientId: row.client_id,
    clientSecret: row.client_secret,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    initiateLoginUri: row.initiate_login_uri,
    targetLinkUris: JSON.parse(row.target_link_uris) as string[],
    detailsUrl: row.details_url,
    url: row.url,
    createdAt: row.created_at,
  };
}

/** An app to store; `kind` defaults to `oidc`, `url` to null. */
export type NewApp = Omit<AppRecord, 'createdAt' | 'kind' | 'url'> & Partial<Pick<AppRecord, 'kind' | 'url'>>;
export type AppsRepo = ReturnType<typeof createAppsRepo>;

/**
 * A new app that names only what it sets: the rest is empty (no client, no
 * MFA, no links). The CLI and the tests build apps with it rather than
 * spelling out every column.
 */
export function newApp(fields: Pick<NewApp, 'id' | 'name'> & Partial<NewApp>): NewApp {
  return {
    description: null,
    iconUrl: null,
    category: null,
    requiresMfa: false,
    mfaMaxAgeSeconds: null,
    clientId: null,
    clientSecret: null,
    redirectUris: [],
    postLogoutRedirectUris: [],
    initiateLoginUri: null,
    targetLinkUris: [],
    detailsUrl: null,
    ...fields,
  };
}

/** Repository over `apps` and `app_assignments`. */
export function createAppsRepo(db: Database, clock: () => number) {
  const repo = {
    async findById(id: string): Promise<AppRecord | undefined> {
      const row = await first(db, sql<AppRow>`SELECT * FROM apps WHERE id = ${id}`);
      return row && toRecord(row);
    },
    async findByClientId(clientId: string): Promise<AppRecord | undefined> {
      const row = await first(db, sql<AppRow>`SELECT * FROM apps WHERE client_id = ${clientId}`);
      return row && toRecord(row);
    },
    async list(): Promise<AppRecord[]> {
      return (await all(db, sql<AppRow>`SELECT * FROM apps ORDER BY name`)).map(toRecord);
    },
    /** Apps assigned to a user, by name. */
    async listForUser(userId: string): Promise<AppRecord[]> {
      const rows = await all(
        db,
        sql<AppRow>`SELECT apps.* FROM apps JOIN app_assignments a ON a.app_id = apps.id
                    WHERE a.user_id = ${userId} ORDER BY apps.name`,
      );
      return rows.map(toRecord);
    },
    async isAssigned(appId: string, userId: string): Promise<boolean> {
      const row = await first(
        db,
        sql`SELECT 1 AS one FROM app_assignments WHERE app_id = ${appId} AND user_id = ${userId}`,
      );
      return row !== undefined;
    },
    /** Inserts or replaces an app by id (used by the CLI and seed; keeps assignments). */
    async upsert(app: NewApp): Promise<AppRecord> {
      await run(
        db,
        sql`INSERT INTO apps (id, name, description, icon_url, category, requires_mfa, mfa_max_age_seconds,
              client_id, client_secret, redirect_uris, post_logout_redirect_uris, initiate_login_uri,
              target_link_uris, details_url, kind, url, created_at)
            VALUES (${app.id}, ${app.name}, ${app.description}, ${app.iconUrl}, ${app.category},
              ${app.requiresMfa ? 1 : 0}, ${app.mfaMaxAgeSeconds}, ${app.clientId}, ${app.clientSecret},
              ${JSON.stringify(app.redirectUris)}, ${JSON.stringify(app.postLogoutRedirectUris)},
              ${app.initiateLoginUri}, ${JSON.stringify(app.targetLinkUris)}, ${app.detailsUrl},
              ${app.kind ?? 'oidc'}, ${app.url ?? null}, ${clock()})
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
              icon_url = excluded.icon_url, category = excluded.category, requires_mfa = excluded.requires_mfa,
              mfa_max_age_seconds = excluded.mfa_max_age_seconds, client_id = excluded.client_id,
              client_secret = excluded.client_secret, redirect_uris = excluded.redirect_uris,
              post_logout_redirect_uris = excluded.post_logout_redirect_uris,
              initiate_login_uri = excluded.initiate_login_uri, target_link_uris = excluded.target_link_uris,
              details_url = excluded.details_url, kind = excluded.kind, url = excluded.url`,
      );
      return (await repo.findById(app.id)) as AppRecord;
    },
    /** Sets or (with null) clears an app's details link; false when no app has this id. */
    async setDetailsUrl(id: string, detailsUrl: string | null): Promise<boolean> {
      return (await run(db, sql`UPDATE apps SET details_url = ${detailsUrl} WHERE id = ${id}`)) === 1;
    },
    async assign(appId: string, userId: string): Promise<void> {
      await run(
        db,
        sql`INSERT INTO app_assignments (app_id, user_id, created_at) VALUES (${appId}, ${userId}, ${clock()})
            ON CONFLICT DO NOTHING`,
      );
    },
    async unassign(appId: string, userId: string): Promise<void> {
      await run(db, sql`DELETE FROM app_assignments WHERE app_id = ${appId} AND user_id = ${userId}`);
    },
  };
  return repo;
}
