/**
 * Apps (SSO applications: OIDC relying parties, SAML service providers, or
 * plain bookmarks) and who is assigned to them. SQL only here.
 */
import type { Selectable } from 'kysely';
import type { AppKind } from '../../../contract/schemas.ts';
import { compileOnce } from '../db/compiled.ts';
import { changed, type Database } from '../db/database.ts';
import type { AppsTable } from '../db/schema.ts';
import { takeNew } from './upsert.ts';

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

type AppRow = Selectable<AppsTable>;

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
  // The launch path reads an app and its assignment on every launch: compiled once (db/compiled.ts).
  const byId = compileOnce<{ id: string }, AppRow>(db, (k, arg) =>
    k.selectFrom('apps').selectAll().where('id', '=', arg('id')),
  );
  const assigned = compileOnce<{ appId: string; userId: string }, { one: number }>(db, (k, arg) =>
    k
      .selectFrom('app_assignments')
      .select((eb) => eb.lit(1).as('one'))
      .where('app_id', '=', arg('appId'))
      .where('user_id', '=', arg('userId')),
  );
  const repo = {
    async findById(id: string): Promise<AppRecord | undefined> {
      const row = await byId.first({ id });
      return row && toRecord(row);
    },
    async findByClientId(clientId: string): Promise<AppRecord | undefined> {
      const row = await db
        .executor()
        .selectFrom('apps')
        .selectAll()
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async list(): Promise<AppRecord[]> {
      return (await db.executor().selectFrom('apps').selectAll().orderBy('name').execute()).map(toRecord);
    },
    /** Apps assigned to a user, by name. */
    async listForUser(userId: string): Promise<AppRecord[]> {
      const rows = await db
        .executor()
        .selectFrom('apps')
        .innerJoin('app_assignments as a', 'a.app_id', 'apps.id')
        .selectAll('apps')
        .where('a.user_id', '=', userId)
        .orderBy('apps.name')
        .execute();
      return rows.map(toRecord);
    },
    async isAssigned(appId: string, userId: string): Promise<boolean> {
      return (await assigned.first({ appId, userId })) !== undefined;
    },
    /** Inserts or replaces an app by id (used by the CLI and seed; keeps assignments). */
    async upsert(app: NewApp): Promise<AppRecord> {
      // Every column but id and created_at; a stored app takes all of them.
      const fields = {
        name: app.name,
        description: app.description,
        icon_url: app.iconUrl,
        category: app.category,
        requires_mfa: app.requiresMfa ? 1 : 0,
        mfa_max_age_seconds: app.mfaMaxAgeSeconds,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uris: JSON.stringify(app.redirectUris),
        post_logout_redirect_uris: JSON.stringify(app.postLogoutRedirectUris),
        initiate_login_uri: app.initiateLoginUri,
        target_link_uris: JSON.stringify(app.targetLinkUris),
        details_url: app.detailsUrl,
        kind: app.kind ?? 'oidc',
        url: app.url ?? null,
      };
      await db
        .executor()
        .insertInto('apps')
        .values({ id: app.id, ...fields, created_at: clock() })
        .onConflict((oc) => oc.column('id').doUpdateSet(takeNew(Object.keys(fields))))
        .execute();
      return (await repo.findById(app.id)) as AppRecord;
    },
    /** Sets or (with null) clears an app's details link; false when no app has this id. */
    async setDetailsUrl(id: string, detailsUrl: string | null): Promise<boolean> {
      const result = await db
        .executor()
        .updateTable('apps')
        .set({ details_url: detailsUrl })
        .where('id', '=', id)
        .executeTakeFirst();
      return changed(result) === 1;
    },
    async assign(appId: string, userId: string): Promise<void> {
      await db
        .executor()
        .insertInto('app_assignments')
        .values({ app_id: appId, user_id: userId, created_at: clock() })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
    async unassign(appId: string, userId: string): Promise<void> {
      await db
        .executor()
        .deleteFrom('app_assignments')
        .where('app_id', '=', appId)
        .where('user_id', '=', userId)
        .execute();
    },
  };
  return repo;
}
