/**
 * SAML service providers and pending AuthnRequests (migration 120). SQL only
 * here; saml/ owns the rules.
 */
import { type Selectable, sql } from 'kysely';
import { type Database, first, run } from '../db/database.ts';
import type { SamlRequestsTable } from '../db/schema.ts';

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

interface SpRow {
  app_id: string;
  entity_id: string;
  acs_urls: string;
  name_id_format: string;
  attributes: string;
}

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
      const row = await first(db, sql<SpRow>`SELECT * FROM saml_service_providers WHERE app_id = ${appId}`);
      return row && toProvider(row);
    },
    async findByEntityId(entityId: string): Promise<SamlServiceProvider | undefined> {
      const row = await first(
        db,
        sql<SpRow>`SELECT * FROM saml_service_providers WHERE entity_id = ${entityId}`,
      );
      return row && toProvider(row);
    },
    /** Inserts or replaces an app's SP settings (the app row must exist). */
    async upsert(sp: SamlServiceProvider): Promise<void> {
      await run(
        db,
        sql`INSERT INTO saml_service_providers (app_id, entity_id, acs_urls, name_id_format, attributes, created_at)
            VALUES (${sp.appId}, ${sp.entityId}, ${JSON.stringify(sp.acsUrls)}, ${sp.nameId},
              ${JSON.stringify(sp.attributes)}, ${clock()})
            ON CONFLICT (app_id) DO UPDATE SET entity_id = excluded.entity_id, acs_urls = excluded.acs_urls,
              name_id_format = excluded.name_id_format, attributes = excluded.attributes`,
      );
    },
    /**
     * Stores a pending AuthnRequest; false when this SP's request ID was seen
     * before (a replayed AuthnRequest, B20).
     */
    async insertRequest(request: SamlRequestRecord): Promise<boolean> {
      return (
        (await run(
          db,
          sql`INSERT INTO saml_requests (id_hash, app_id, request_id, acs_url, relay_state, force_authn, wants_mfa,
                created_at, expires_at)
              VALUES (${request.idHash}, ${request.appId}, ${request.requestId}, ${request.acsUrl},
                ${request.relayState}, ${request.forceAuthn ? 1 : 0}, ${request.wantsMfa ? 1 : 0},
                ${request.createdAt}, ${request.expiresAt})
              ON CONFLICT DO NOTHING`,
        )) === 1
      );
    },
    /** Reads a live, unanswered request (it stays usable until {@link consumeRequest}). */
    async findRequest(idHash: string, now: number): Promise<SamlRequestRecord | undefined> {
      const row = await first(
        db,
        sql<RequestRow>`SELECT * FROM saml_requests
           WHERE id_hash = ${idHash} AND consumed_at IS NULL AND expires_at > ${now}`,
      );
      return row && toRequest(row);
    },
    /** Answers a request once, in one guarded statement (C10); false when it was answered already. */
    async consumeRequest(idHash: string, now: number): Promise<boolean> {
      return (
        (await run(
          db,
          sql`UPDATE saml_requests SET consumed_at = ${now}
              WHERE id_hash = ${idHash} AND consumed_at IS NULL AND expires_at > ${now}`,
        )) === 1
      );
    },
    /**
     * Drops requests that expired a day ago: until then their (app, ID) pair
     * still refuses a replay of the same AuthnRequest, long after any
     * IssueInstant the portal accepts has gone stale.
     */
    async purge(now: number): Promise<void> {
      await run(db, sql`DELETE FROM saml_requests WHERE expires_at <= ${now - 24 * 3600_000}`);
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
