/**
 * C9: the schema-builder migrations (src/db/migrations/) against the `.sql`
 * files that shipped before them, on the database of this test run (SQLite,
 * or PostgreSQL with PORTAL_TEST_DATABASE=postgres): the same schema from an
 * empty database, and a database the old files migrated opens and continues.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, listMigrations, openDatabase } from '../../src/db/database.ts';
import { createRepos } from '../../src/repo/index.ts';
import { column, exec } from '../db-helpers.ts';
import { testDatabaseUrl } from '../portal.ts';
import { applyLegacy, describeSchema, legacyFiles } from './legacy.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** An empty database of this run's kind. */
async function emptyTarget(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-legacy-'));
  dirs.push(dir);
  return (await testDatabaseUrl(dir)) ?? path.join(dir, 'portal.sqlite');
}

const dialect = process.env.PORTAL_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

async function withDatabase<T>(target: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(target);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe(`schema-builder migrations and the shipped .sql files (${dialect})`, () => {
  it('C9: one module per shipped .sql file, with the same number and name, in the same order', () => {
    expect(legacyFiles(dialect).map((name) => name.replace(/\.sql$/, ''))).toEqual(listMigrations());
  });

  it('C9: an empty database gets exactly the schema the .sql files built, and a fully migrated old one opens as it is', async () => {
    const legacy = await emptyTarget();
    await applyLegacy(legacy, legacyFiles(dialect));
    const fresh = await emptyTarget();
    const expected = await withDatabase(fresh, describeSchema);
    expect(Object.keys(expected)).toContain('saml_requests');
    // Opening maps the recorded `NNN-name.sql` names and applies nothing again.
    const actual = await withDatabase(legacy, async (db) => {
      expect(await column(db, sql`SELECT name FROM schema_migrations ORDER BY name`)).toEqual(
        listMigrations(),
      );
      return describeSchema(db);
    });
    expect(actual).toEqual(expected);
  });

  it('C9: a database the .sql files migrated up to 090 gets 100, 110 and 120 exactly once, its data intact', async () => {
    const target = await emptyTarget();
    await applyLegacy(
      target,
      legacyFiles(dialect).filter((name) => name < '100'),
      `INSERT INTO users (id, email, created_at, display_name, require_mfa) VALUES ('u1', 'Carol@Example.com', 1, 'Carol', 1);
       INSERT INTO apps (id, name, created_at, details_url) VALUES ('wiki', 'Wiki', 1, 'https://wiki.example/about');
       INSERT INTO app_assignments (app_id, user_id, created_at) VALUES ('wiki', 'u1', 2);
       INSERT INTO launch_tickets (id_hash, user_id, app_id, target_link_uri, created_at, expires_at)
         VALUES ('t1', 'u1', 'wiki', 'https://wiki.example/', 3, 10000);
       INSERT INTO audit_log (at, event, user_id) VALUES (4, 'sign_in', 'u1');
       INSERT INTO provider_keys (name, value, created_at) VALUES ('portal', '{"keys":[]}', 5);`,
    );
    await withDatabase(target, async (db) => {
      expect(await column(db, sql`SELECT name FROM schema_migrations ORDER BY name`)).toEqual(
        listMigrations(),
      );
      const repos = createRepos(db, () => 6);
      // Case-insensitive email lookup, the flags and JSON defaults of the old rows.
      expect(await repos.users.findByEmail('carol@example.com')).toMatchObject({
        id: 'u1',
        requireMfa: true,
      });
      // 110 gave the old app its kind; 120 gave the old ticket empty authentication columns.
      expect(await repos.apps.listForUser('u1')).toMatchObject([
        { id: 'wiki', kind: 'oidc', url: null, detailsUrl: 'https://wiki.example/about', redirectUris: [] },
      ]);
      expect(await repos.launchTickets.consume('t1', 7)).toMatchObject({ appId: 'wiki', acr: null, amr: [] });
      expect(await repos.audit.list()).toMatchObject([{ event: 'sign_in', userId: 'u1', details: {} }]);
      await exec(
        db,
        sql`INSERT INTO saml_service_providers (app_id, entity_id, acs_urls, name_id_format, attributes, created_at)
            VALUES ('wiki', 'https://wiki.example/sp', '[]', 'email', '{}', 8)`,
      );
    });
    // Re-opening applies nothing twice (a second 120 would fail on its CREATE TABLE).
    await withDatabase(target, async (db) => {
      expect(await column(db, sql`SELECT COUNT(*) FROM schema_migrations`)).toEqual([
        listMigrations().length,
      ]);
      expect(await column(db, sql`SELECT entity_id FROM saml_service_providers`)).toEqual([
        'https://wiki.example/sp',
      ]);
    });
  });
});
