/**
 * C9: the API's migrations (050; 060 app details and 061 SSH key fingerprints;
 * 070 launch ticket expiry index) apply forward from the previous schema (with
 * data in it) and from an empty database, and re-opening is a no-op.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_FILES_DIR } from '../../src/api/downloads-files.ts';
import { type Database, listMigrations, openDatabase } from '../../src/db/database.ts';
import { MIGRATIONS } from '../../src/db/migrations/index.ts';
import { listDownloads } from '../../src/repo/downloads.ts';
import { createRepos } from '../../src/repo/index.ts';
import { insertSshKey, listSshKeys, sshKeyHeldByAnotherUser } from '../../src/repo/ssh-keys.ts';
import { column, exec } from '../db-helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-migration-'));
  dirs.push(dir);
  return dir;
}

/** A database file and the migrations before `before` only (to build the previous schema). */
function previousSchema(before: string) {
  const dir = tempDir();
  return { dir, file: path.join(dir, 'portal.sqlite'), previous: MIGRATIONS.filter((m) => m.name < before) };
}

/** Names of the indexes on a table. */
async function indexesOf(db: Database, table: string): Promise<unknown[]> {
  return column(db, sql`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ${table}`);
}

const insertCarol = (db: Database) =>
  exec(
    db,
    sql`INSERT INTO users (id, email, created_at, display_name) VALUES ('u1', 'carol@example.com', 1, 'Carol')`,
  );

describe('migration 050', () => {
  it('C9: applies on top of the identity schema and keeps existing users', async () => {
    const { file, previous } = previousSchema('050');
    const old = await openDatabase(file, { migrations: previous });
    await insertCarol(old);
    await old.close();

    const db = await openDatabase(file);
    try {
      expect(await column(db, sql`SELECT email FROM users WHERE id = 'u1'`)).toEqual(['carol@example.com']);
      expect((await listDownloads(db)).map((row) => row.os)).toEqual(['windows', 'macos', 'linux']);
      const row = {
        id: 'k1',
        user_id: 'u1',
        name: 'Laptop',
        type: 'ssh-ed25519',
        bits: 256,
        fingerprint: 'SHA256:x',
        public_key: 'ssh-ed25519 AAAA',
        created_at: 2,
      };
      expect(await insertSshKey(db, row, 10)).toBe(true);
      // Same fingerprint for the same user: refused by the UNIQUE constraint, not a crash.
      expect(await insertSshKey(db, { ...row, id: 'k2' }, 10)).toBe('duplicate');
      expect(await listSshKeys(db, 'u1')).toHaveLength(1);
      // Deleting the user deletes their keys (foreign keys are on).
      await exec(db, sql`DELETE FROM users WHERE id = 'u1'`);
      expect(await listSshKeys(db, 'u1')).toHaveLength(0);
    } finally {
      await db.close();
    }
    // Re-opening applies nothing twice.
    const again = await openDatabase(file);
    expect(await listDownloads(again)).toHaveLength(3);
    await again.close();
  });

  it('C9: the agent files on disk match the checksums the migration seeds', async () => {
    const db = await openDatabase(':memory:');
    try {
      for (const row of await listDownloads(db)) {
        const bytes = fs.readFileSync(path.join(AGENT_FILES_DIR, row.file_name as string));
        expect(createHash('sha256').update(bytes).digest('hex'), row.id).toBe(row.sha256);
        expect(bytes.length, row.id).toBe(row.size_bytes);
      }
    } finally {
      await db.close();
    }
  });
});

describe('migration 070 (launch ticket expiry index)', () => {
  it('C9: applies on top of the previous schema, keeps live tickets, and the purge uses the index', async () => {
    const { file, previous } = previousSchema('070');
    const old = await openDatabase(file, { migrations: previous });
    await insertCarol(old);
    await exec(old, sql`INSERT INTO apps (id, name, created_at) VALUES ('wiki', 'Wiki', 1)`);
    await exec(
      old,
      sql`INSERT INTO launch_tickets (id_hash, user_id, app_id, target_link_uri, created_at, expires_at)
          VALUES ('live', 'u1', 'wiki', 'https://wiki.example/', 1, 10000)`,
    );
    expect(await indexesOf(old, 'launch_tickets')).not.toContain('launch_tickets_expires_at');
    await old.close();

    const db = await openDatabase(file);
    try {
      expect(await indexesOf(db, 'launch_tickets')).toContain('launch_tickets_expires_at');
      expect(await column(db, sql`SELECT id_hash FROM launch_tickets`)).toEqual(['live']);
      const plan = await exec<{ detail: string }>(
        db,
        sql`EXPLAIN QUERY PLAN DELETE FROM launch_tickets WHERE expires_at <= ${5_000}`,
      );
      expect(plan.map((step) => step.detail).join(' ')).toContain('launch_tickets_expires_at');
    } finally {
      await db.close();
    }
    const again = await openDatabase(file);
    expect(await indexesOf(again, 'launch_tickets')).toContain('launch_tickets_expires_at');
    await again.close();
  });

  it('C9: an empty database gets the index too', async () => {
    const db = await openDatabase(':memory:');
    try {
      expect(await indexesOf(db, 'launch_tickets')).toContain('launch_tickets_expires_at');
    } finally {
      await db.close();
    }
  });
});

describe('migrations 060 (app details link) and 061 (SSH key fingerprint index)', () => {
  it('C9: from the 050 schema, existing apps and keys stay, details_url is added empty and can be set', async () => {
    const { file, previous } = previousSchema('060');
    const old = await openDatabase(file, { migrations: previous });
    await insertCarol(old);
    await exec(old, sql`INSERT INTO apps (id, name, created_at) VALUES ('crm', 'CRM', 1)`);
    await insertSshKey(
      old,
      {
        id: 'k1',
        user_id: 'u1',
        name: 'Laptop',
        type: 'ssh-ed25519',
        bits: 256,
        fingerprint: 'SHA256:x',
        public_key: 'ssh-ed25519 AAAA',
        created_at: 2,
      },
      10,
    );
    expect(await column(old, sql`SELECT name FROM pragma_table_info('apps')`)).not.toContain('details_url');
    await old.close();

    const db = await openDatabase(file);
    try {
      const apps = createRepos(db, () => 3).apps;
      expect(await apps.findById('crm')).toMatchObject({ name: 'CRM', detailsUrl: null });
      expect(await apps.setDetailsUrl('crm', 'https://wiki.example.com/crm')).toBe(true);
      expect((await apps.findById('crm'))?.detailsUrl).toBe('https://wiki.example.com/crm');
      expect(await apps.setDetailsUrl('nope', null)).toBe(false);
      expect(await listSshKeys(db, 'u1')).toHaveLength(1);
      expect(await sshKeyHeldByAnotherUser(db, 'SHA256:x', 'u2')).toBe(true);
      expect(await sshKeyHeldByAnotherUser(db, 'SHA256:x', 'u1')).toBe(false);
      const indexes = await column(db, sql`SELECT name FROM sqlite_master WHERE type = 'index'`);
      expect(indexes).toContain('ssh_keys_fingerprint');
    } finally {
      await db.close();
    }
    const again = await openDatabase(file);
    expect((await createRepos(again, () => 4).apps.findById('crm'))?.detailsUrl).toBe(
      'https://wiki.example.com/crm',
    );
    await again.close();
  });

  it('C9: from an empty database every migration applies once, in order', async () => {
    const file = path.join(tempDir(), 'portal.sqlite');
    const db = await openDatabase(file);
    try {
      expect(await column(db, sql`SELECT name FROM schema_migrations ORDER BY name`)).toEqual(
        listMigrations(),
      );
      expect(listMigrations()).toEqual(
        expect.arrayContaining(['060-app-details', '061-ssh-key-fingerprint']),
      );
      expect(await column(db, sql`SELECT name FROM pragma_table_info('apps')`)).toContain('details_url');
    } finally {
      await db.close();
    }
  });
});
