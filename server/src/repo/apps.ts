/**
 * Apps (SSO applications, each an OIDC relying party) and who is assigned
 * to them. SQL only here.
 */
import type { Database } from '../db/database.ts';

/** An SSO app as the services see it (camelCase over the `apps` row). */
export interface AppRecord {
  id: string;
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
  createdAt: number;
}

interface AppRow {
  id: string;
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
    createdAt: row.created_at,
  };
}

export type NewApp = Omit<AppRecord, 'createdAt'>;
export type AppsRepo = ReturnType<typeof createAppsRepo>;

/** Repository over `apps` and `app_assignments`. */
export function createAppsRepo(db: Database, clock: () => number) {
  return {
    findById(id: string): AppRecord | undefined {
      const row = db.prepare<[string], AppRow>('SELECT * FROM apps WHERE id = ?').get(id);
      return row && toRecord(row);
    },
    findByClientId(clientId: string): AppRecord | undefined {
      const row = db.prepare<[string], AppRow>('SELECT * FROM apps WHERE client_id = ?').get(clientId);
      return row && toRecord(row);
    },
    list(): AppRecord[] {
      return db.prepare<[], AppRow>('SELECT * FROM apps ORDER BY name').all().map(toRecord);
    },
    /** Apps assigned to a user, by name. */
    listForUser(userId: string): AppRecord[] {
      return db
        .prepare<[string], AppRow>(
          `SELECT apps.* FROM apps JOIN app_assignments a ON a.app_id = apps.id
           WHERE a.user_id = ? ORDER BY apps.name`,
        )
        .all(userId)
        .map(toRecord);
    },
    isAssigned(appId: string, userId: string): boolean {
      return (
        db.prepare('SELECT 1 FROM app_assignments WHERE app_id = ? AND user_id = ?').get(appId, userId) !==
        undefined
      );
    },
    /** Inserts or replaces an app by id (used by the CLI and seed; keeps assignments). */
    upsert(app: NewApp): AppRecord {
      db.prepare(
        `INSERT INTO apps (id, name, description, icon_url, category, requires_mfa, mfa_max_age_seconds,
           client_id, client_secret, redirect_uris, post_logout_redirect_uris, initiate_login_uri,
           target_link_uris, details_url, created_at)
         VALUES (@id, @name, @description, @iconUrl, @category, @requiresMfa, @mfaMaxAgeSeconds,
           @clientId, @clientSecret, @redirectUris, @postLogoutRedirectUris, @initiateLoginUri,
           @targetLinkUris, @detailsUrl, @createdAt)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description,
           icon_url = excluded.icon_url, category = excluded.category, requires_mfa = excluded.requires_mfa,
           mfa_max_age_seconds = excluded.mfa_max_age_seconds, client_id = excluded.client_id,
           client_secret = excluded.client_secret, redirect_uris = excluded.redirect_uris,
           post_logout_redirect_uris = excluded.post_logout_redirect_uris,
           initiate_login_uri = excluded.initiate_login_uri, target_link_uris = excluded.target_link_uris,
           details_url = excluded.details_url`,
      ).run({
        ...app,
        requiresMfa: app.requiresMfa ? 1 : 0,
        redirectUris: JSON.stringify(app.redirectUris),
        postLogoutRedirectUris: JSON.stringify(app.postLogoutRedirectUris),
        targetLinkUris: JSON.stringify(app.targetLinkUris),
        createdAt: clock(),
      });
      return this.findById(app.id) as AppRecord;
    },
    /** Sets or (with null) clears an app's details link; false when no app has this id. */
    setDetailsUrl(id: string, detailsUrl: string | null): boolean {
      return db.prepare('UPDATE apps SET details_url = ? WHERE id = ?').run(detailsUrl, id).changes === 1;
    },
    assign(appId: string, userId: string): void {
      db.prepare('INSERT OR IGNORE INTO app_assignments (app_id, user_id, created_at) VALUES (?, ?, ?)').run(
        appId,
        userId,
        clock(),
      );
    },
    unassign(appId: string, userId: string): void {
      db.prepare('DELETE FROM app_assignments WHERE app_id = ? AND user_id = ?').run(appId, userId);
    },
  };
}
