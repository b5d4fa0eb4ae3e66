/**
 * C9: the API's migrations (050; 060 app details and 061 SSH key fingerprints;
 * 070 launch ticket expiry index) apply forward from the previous schema (with
 * data in it) and from an empty database, and re-opening is a no-op.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_FILES_DIR } from '../../src/api/downloads-files.ts';
import { listMigrations, MIGRATIONS_DIR, openDatabase } from '../../src/db/database.ts';
import { listDownloads } from '../../src/repo/downloads.ts';
import { createRepos } from '../../src/repo/index.ts';
import { insertSshKey, listSshKeys, sshKeyHeldByAnotherUser } from '../../src/repo/ssh-keys.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-migration-'));
  dirs.push(dir);
  return dir;
}

/** A database file migrated with every migration before `before` only (the previous schema). */
function previousSchema(before: string): { dir: string; file: string; previous: string } {
  const dir = tempDir();
  const previous = path.join(dir, 'previous-migrations');
  fs.mkdirSync(previous);
  for (const name of listMigrations().filter((file) => file < before)) {
    fs.copyFileSync(path.join(MIGRATIONS_DIR, name), path.join(previous, name));
  }
  return { dir, file: path.join(dir, 'portal.sqlite'), previous };
}

/** Names of the indexes on a table. */
function indexesOf(db: ReturnType<typeof openDatabase>, table: string): string[] {
  return db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?")
    .pluck()
    .all(table) as string[];
}

describe('migration 050', () => {
  it('C9: applies on top of the identity schema and keeps existing users', () => {
    const { file, previous } = previousSchema('050');
    const old = openDatabase(file, { migrationsDir: previous });
    old
      .prepare('INSERT INTO users (id, email, created_at, display_name) VALUES (?, ?, ?, ?)')
      .run('u1', 'carol@example.com', 1, 'Carol');
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.prepare('SELECT email FROM users WHERE id = ?').pluck().get('u1')).toBe('carol@example.com');
      expect(listDownloads(db).map((row) => row.os)).toEqual(['windows', 'macos', 'linux']);
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
      expect(insertSshKey(db, row, 10)).toBe(true);
      // Same fingerprint for the same user: refused by the UNIQUE constraint, not a crash.
      expect(insertSshKey(db, { ...row, id: 'k2' }, 10)).toBe('duplicate');
      expect(listSshKeys(db, 'u1')).toHaveLength(1);
      // Deleting the user deletes their keys (foreign keys are on).
      db.prepare('DELETE FROM users WHERE id = ?').run('u1');
      expect(listSshKeys(db, 'u1')).toHaveLength(0);
    } finally {
      db.close();
    }
    // Re-opening applies nothing twice.
    const again = openDatabase(file);
    expect(listDownloads(again)).toHaveLength(3);
    again.close();
  });

  it('C9: the agent files on disk match the checksums the migration seeds', () => {
    const db = openDatabase(':memory:');
    try {
      for (const row of listDownloads(db)) {
        const bytes = fs.readFileSync(path.join(AGENT_FILES_DIR, row.file_name as string));
        expect(createHash('sha256').update(bytes).digest('hex'), row.id).toBe(row.sha256);
        expect(bytes.length, row.id).toBe(row.size_bytes);
      }
    } finally {
      db.close();
    }
  });
});

describe('migration 070 (launch ticket expiry index)', () => {
  it('C9: applies on top of the previous schema, keeps live tickets, and the purge uses the index', () => {
    const { file, previous } = previousSchema('070');
    const old = openDatabase(file, { migrationsDir: previous });
    old
      .prepare('INSERT INTO users (id, email, created_at, display_name) VALUES (?, ?, ?, ?)')
      .run('u1', 'carol@example.com', 1, 'Carol');
    old.prepare('INSERT INTO apps (id, name, created_at) VALUES (?, ?, ?)').run('wiki', 'Wiki', 1);
    old
      .prepare(
        `INSERT INTO launch_tickets (id_hash, user_id, app_id, target_link_uri, created_at, expires_at)
         VALUES (?, 'u1', 'wiki', 'https://wiki.example/', 1, ?)`,
      )
      .run('live', 10_000);
    expect(indexesOf(old, 'launch_tickets')).not.toContain('launch_tickets_expires_at');
    old.close();

    const db = openDatabase(file);
    try {
      expect(indexesOf(db, 'launch_tickets')).toContain('launch_tickets_expires_at');
      expect(db.prepare('SELECT id_hash FROM launch_tickets').pluck().all()).toEqual(['live']);
      const plan = db
        .prepare('EXPLAIN QUERY PLAN DELETE FROM launch_tickets WHERE expires_at <= ?')
        .all(5_000) as { detail: string }[];
      expect(plan.map((step) => step.detail).join(' ')).toContain('launch_tickets_expires_at');
    } finally {
      db.close();
    }
    const again = openDatabase(file);
    expect(indexesOf(again, 'launch_tickets')).toContain('launch_tickets_expires_at');
    again.close();
  });

  it('C9: an empty database gets the index too', () => {
    const db = openDatabase(':memory:');
    try {
      expect(indexesOf(db, 'launch_tickets')).toContain('launch_tickets_expires_at');
    } finally {
      db.close();
    }
  });
});

describe('migrations 060 (app details link) and 061 (SSH key fingerprint index)', () => {
  it('C9: from the 050 schema, existing apps and keys stay, details_url is added empty and can be set', () => {
    const { file, previous } = previousSchema('060');
    const old = openDatabase(file, { migrationsDir: previous });
    old
      .prepare('INSERT INTO users (id, email, created_at, display_name) VALUES (?, ?, ?, ?)')
      .run('u1', 'carol@example.com', 1, 'Carol');
    old.prepare('INSERT INTO apps (id, name, created_at) VALUES (?, ?, ?)').run('crm', 'CRM', 1);
    insertSshKey(
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
    expect(old.prepare("SELECT name FROM pragma_table_info('apps')").pluck().all()).not.toContain(
      'details_url',
    );
    old.close();

    const db = openDatabase(file);
    try {
      const apps = createRepos(db, () => 3).apps;
      expect(apps.findById('crm')).toMatchObject({ name: 'CRM', detailsUrl: null });
      expect(apps.setDetailsUrl('crm', 'https://wiki.example.com/crm')).toBe(true);
      expect(apps.findById('crm')?.detailsUrl).toBe('https://wiki.example.com/crm');
      expect(apps.setDetailsUrl('nope', null)).toBe(false);
      expect(listSshKeys(db, 'u1')).toHaveLength(1);
      expect(sshKeyHeldByAnotherUser(db, 'SHA256:x', 'u2')).toBe(true);
      expect(sshKeyHeldByAnotherUser(db, 'SHA256:x', 'u1')).toBe(false);
      const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
      expect(indexes).toContain('ssh_keys_fingerprint');
    } finally {
      db.close();
    }
    const again = openDatabase(file);
    expect(createRepos(again, () => 4).apps.findById('crm')?.detailsUrl).toBe('https://wiki.example.com/crm');
    again.close();
  });

  it('C9: from an empty database every migration applies once, in order', () => {
    const file = path.join(tempDir(), 'portal.sqlite');
    const db = openDatabase(file);
    try {
      expect(db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all()).toEqual(
        listMigrations(),
      );
      expect(listMigrations()).toEqual(
        expect.arrayContaining(['060-app-details.sql', '061-ssh-key-fingerprint.sql']),
      );
      expect(db.prepare("SELECT name FROM pragma_table_info('apps')").pluck().all()).toContain('details_url');
    } finally {
      db.close();
    }
  });
});
