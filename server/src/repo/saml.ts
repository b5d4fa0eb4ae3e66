/**
 * SAML service providers and pending AuthnRequests (migration 120). SQL only
 * here; saml/ owns the rules.
 */
import type { Selectable } from 'kysely';
import { changed, type Database } from '../db/database.ts';
import type { SamlRequestsTable, SamlServiceProvidersTable } from '../db/schema.ts';
import { takeNew } from './upsert.ts';

/** NameID formats the portal issues. */
export const NAME_ID_FORMATS = {
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
} as const;
export type NameIdKind = keyof typeof NAME_ID_FORMATS;

/** A SAML app's service-provider settings. */
export interface SamlServiceProvider {
  appId: string;
  entityId: string;
  /** Registered AssertionConsumerService URLs (HTTP-POST); the first is the default. */
  acsUrls: string[];
  nameId: NameIdKind;
  /** SAML attribute name → profile field (`email`, `name`, …). */
  attributes: Record<string, string>;
}

/** An SP-initiated AuthnRequest waiting for the person (B20). */
export interface SamlRequestRecord {
  idHash: string;
  appId: string;
  /** The AuthnRequest's ID, which the Response answers in `InResponseTo`. */
  requestId: string;
  acsUrl: string;
  relayState: string | null;
  forceAuthn: boolean;
  wantsMfa: boolean;
  createdAt: number;
  expiresAt: number;
}

type SpRow = Selectable<SamlServiceProvidersTable>;

/** A stored request as read back (its consumption time is not needed). */
type RequestRow = Omit<Selectable<SamlRequestsTable>, 'consumed_at'>;

function toProvider(row: SpRow): SamlServiceProvider {
  return {
    appId: row.app_id,
    entityId: row.entity_id,
    acsUrls: JSON.parse(row.acs_urls) as string[],
    nameId: row.name_id_format === 'persistent' ? 'persistent' : 'email',
    attributes: JSON.parse(row.attributes) as Record<string, string>,
  };
}

export type SamlRepo = ReturnType<typeof createSamlRepo>;

/** Repository over `saml_service_providers` and `saml_requests`. */
export function createSamlRepo(db: Database, clock: () => number) {
  return {
    async findByAppId(appId: string): Promise<SamlServiceProvider | undefined> {
      const row = await db
        .executor()
        .selectFrom('saml_service_providers')
        .selectAll()
        .where('app_id', '=', appId)
        .executeTakeFirst();
      return row && toProvider(row);
    },
    async findByEntityId(entityId: string): Promise<SamlServiceProvider | undefined> {
      const row = await db
        .executor()
        .selectFrom('saml_service_providers')
        .selectAll()
        .where('entity_id', '=', entityId)
        .executeTakeFirst();
      return row && toProvider(row);
    },
    /** Inserts or replaces an app's SP settings (the app row must exist); keeps the first creation time. */
    async upsert(sp: SamlServiceProvider): Promise<void> {
      await db
        .executor()
        .insertInto('saml_service_providers')
        .values({
          app_id: sp.appId,
          entity_id: sp.entityId,
          acs_urls: JSON.stringify(sp.acsUrls),
          name_id_format: sp.nameId,
          attributes: JSON.stringify(sp.attributes),
          created_at: clock(),
        })
        .onConflict((oc) =>
          oc.column('app_id').doUpdateSet(takeNew(['entity_id', 'acs_urls', 'name_id_format', 'attributes'])),
        )
        .execute();
    },
    /**
     * Stores a pending AuthnRequest; false when this SP's request ID was seen
     * before (a replayed AuthnRequest, B20).
     */
    async insertRequest(request: SamlRequestRecord): Promise<boolean> {
      const result = await db
        .executor()
        .insertInto('saml_requests')
        .values({
          id_hash: request.idHash,
          app_id: request.appId,
          request_id: request.requestId,
          acs_url: request.acsUrl,
          relay_state: request.relayState,
          force_authn: request.forceAuthn ? 1 : 0,
          wants_mfa: request.wantsMfa ? 1 : 0,
          created_at: request.createdAt,
          expires_at: request.expiresAt,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return changed(result) === 1;
    },
    /** Reads a live, unanswered request (it stays usable until {@link consumeRequest}). */
    async findRequest(idHash: string, now: number): Promise<SamlRequestRecord | undefined> {
      const row = await db
        .executor()
        .selectFrom('saml_requests')
        .select([
          'id_hash',
          'app_id',
          'request_id',
          'acs_url',
          'relay_state',
          'force_authn',
          'wants_mfa',
          'created_at',
          'expires_at',
        ])
        .where('id_hash', '=', idHash)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row && toRequest(row);
    },
    /** Answers a request once, in one guarded statement (C10); false when it was answered already. */
    async consumeRequest(idHash: string, now: number): Promise<boolean> {
      const result = await db
        .executor()
        .updateTable('saml_requests')
        .set({ consumed_at: now })
        .where('id_hash', '=', idHash)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return changed(result) === 1;
    },
    /**
     * Drops requests that expired a day ago: until then their (app, ID) pair
     * still refuses a replay of the same AuthnRequest, long after any
     * IssueInstant the portal accepts has gone stale.
     */
    async purge(now: number): Promise<void> {
      await db
        .executor()
        .deleteFrom('saml_requests')
        .where('expires_at', '<=', now - 24 * 3600_000)
        .execute();
    },
  };
}

function toRequest(row: RequestRow): SamlRequestRecord {
  return {
    idHash: row.id_hash,
    appId: row.app_id,
    requestId: row.request_id,
    acsUrl: row.acs_url,
    relayState: row.relay_state,
    forceAuthn: row.force_authn === 1,
    wantsMfa: row.wants_mfa === 1,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
