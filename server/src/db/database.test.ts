import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseVersionError, listMigrations, openDatabase } from './database.ts';

function tempFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'portal-db-')), 'portal.sqlite');
}

describe('openDatabase', () => {
  it('C9: applies every migration to an empty database, in order, once', () => {
    const file = tempFile();
    const db = openDatabase(file);
    const applied = db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all();
    expect(applied).toEqual(listMigrations());
    expect(applied[0]).toBe('001-initial.sql');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    for (const table of [
      'users',
      'apps',
      'app_assignments',
      'totp_credentials',
      'recovery_codes',
      'audit_log',
      'launch_tickets',
      'oidc_store',
    ]) {
      expect(
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(table),
      ).toBeTruthy();
    }
    db.close();
  });

  it('C9: re-opening is idempotent and keeps data', () => {
    const file = tempFile();
    const first = openDatabase(file);
    first
      .prepare(
        "INSERT INTO users (id, email, created_at, display_name) VALUES ('u1', 'a@example.com', 1, 'A')",
      )
      .run();
    first.close();
    const second = openDatabase(file);
    expect(second.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(
      listMigrations().length,
    );
    expect(second.prepare('SELECT email FROM users').pluck().get()).toBe('a@example.com');
    second.close();
  });

  it('C9: applies a new migration on top of the previous schema without touching old ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-mig-'));
    fs.writeFileSync(path.join(dir, '001-a.sql'), 'CREATE TABLE a (x INTEGER);');
    const file = tempFile();
    openDatabase(file, { migrationsDir: dir }).close();
    fs.writeFileSync(path.join(dir, '002-b.sql'), 'CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);');
    const db = openDatabase(file, { migrationsDir: dir });
    expect(db.prepare('SELECT COUNT(*) FROM a').pluck().get()).toBe(1);
    db.close();
  });

  it('refuses a database migrated by a newer portal', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-mig-'));
    fs.writeFileSync(path.join(dir, '001-a.sql'), 'CREATE TABLE a (x INTEGER);');
    const file = tempFile();
    const db = openDatabase(file, { migrationsDir: dir });
    db.prepare("INSERT INTO schema_migrations VALUES ('999-future.sql', 0)").run();
    db.close();
    expect(() => openDatabase(file, { migrationsDir: dir })).toThrow(DatabaseVersionError);
  });

  it('rolls back a failing migration as a whole', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-mig-'));
    fs.writeFileSync(path.join(dir, '001-a.sql'), 'CREATE TABLE a (x INTEGER); CREATE TABLE a (x INTEGER);');
    const file = tempFile();
    expect(() => openDatabase(file, { migrationsDir: dir })).toThrow();
    fs.writeFileSync(path.join(dir, '001-a.sql'), 'CREATE TABLE a (x INTEGER);');
    const db = openDatabase(file, { migrationsDir: dir });
    expect(db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(1);
    db.close();
  });
});
