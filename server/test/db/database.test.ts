import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type Database, DatabaseVersionError, listMigrations, openDatabase } from '../../src/db/database.ts';
import type { Migration } from '../../src/db/migrations/index.ts';

function tempFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'portal-db-')), 'portal.sqlite');
}

/** A migration that runs `statements` (test-only tables). */
function migration(name: string, ...statements: string[]): Migration {
  return {
    name,
    up: async (db) => {
      for (const text of statements) await sql.raw(text).execute(db);
    },
  };
}

async function value(db: Database, text: string): Promise<unknown> {
  const row = (await sql.raw<Record<string, unknown>>(text).execute(db.kysely)).rows[0];
  return row && Object.values(row)[0];
}

describe('openDatabase (SQLite)', () => {
  it('C9: applies every migration to an empty database, in order, once', async () => {
    const db = await openDatabase(tempFile());
    const applied = (
      await sql<{ name: string }>`SELECT name FROM schema_migrations ORDER BY name`.execute(db.kysely)
    ).rows.map((row) => row.name);
    expect(applied).toEqual(listMigrations());
    expect(applied[0]).toBe('001-initial');
    expect(db.dialect).toBe('sqlite');
    expect(await value(db, 'PRAGMA journal_mode')).toBe('wal');
    expect(await value(db, 'PRAGMA foreign_keys')).toBe(1);
    for (const table of [
      'users',
      'apps',
      'app_assignments',
      'totp_credentials',
      'recovery_codes',
      'audit_log',
      'launch_tickets',
      'oidc_store',
      'provider_keys',
    ]) {
      const found =
        await sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${table}`.execute(db.kysely);
      expect(found.rows).toHaveLength(1);
    }
    await db.close();
  });

  it('C9: re-opening is idempotent and keeps data', async () => {
    const file = tempFile();
    const first = await openDatabase(file);
    await sql`INSERT INTO users (id, email, created_at, display_name) VALUES ('u1', 'a@example.com', 1, 'A')`.execute(
      first.kysely,
    );
    await first.close();
    const second = await openDatabase(file);
    expect(await value(second, 'SELECT COUNT(*) FROM schema_migrations')).toBe(listMigrations().length);
    expect(await value(second, 'SELECT email FROM users')).toBe('a@example.com');
    await second.close();
  });

  it('C9: applies a new migration on top of the previous schema without touching old ones', async () => {
    const a = migration('001-a', 'CREATE TABLE a (x INTEGER)');
    const file = tempFile();
    await (await openDatabase(file, { migrations: [a] })).close();
    // Were 001 run again, its CREATE TABLE would fail.
    const b = migration('002-b', 'CREATE TABLE b (y INTEGER)', 'INSERT INTO a VALUES (1)');
    const db = await openDatabase(file, { migrations: [a, b] });
    expect(await value(db, 'SELECT COUNT(*) FROM a')).toBe(1);
    await db.close();
  });

  it('refuses a database migrated by a newer portal', async () => {
    const migrations = [migration('001-a', 'CREATE TABLE a (x INTEGER)')];
    const file = tempFile();
    const db = await openDatabase(file, { migrations });
    await sql`INSERT INTO schema_migrations VALUES ('999-future', 0)`.execute(db.kysely);
    await db.close();
    await expect(openDatabase(file, { migrations })).rejects.toThrow(DatabaseVersionError);
  });

  it('rolls back a failing migration as a whole', async () => {
    const file = tempFile();
    const broken = migration('001-a', 'CREATE TABLE a (x INTEGER)', 'CREATE TABLE a (x INTEGER)');
    await expect(openDatabase(file, { migrations: [broken] })).rejects.toThrow();
    const db = await openDatabase(file, { migrations: [migration('001-a', 'CREATE TABLE a (x INTEGER)')] });
    expect(await value(db, 'SELECT COUNT(*) FROM schema_migrations')).toBe(1);
    await db.close();
  });

  it('a transaction commits together or not at all; repository calls inside it join it', async () => {
    const db = await openDatabase(':memory:');
    const insert = (id: string) =>
      sql`INSERT INTO users (id, email, created_at, display_name) VALUES (${id}, ${`${id}@example.com`}, 1, 'X')`.execute(
        db.executor(),
      );
    await expect(
      db.transaction(async () => {
        await insert('u1');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await db.transaction(async () => {
      await insert('u2');
      await db.transaction(() => insert('u3'));
    });
    expect(await value(db, 'SELECT COUNT(*) FROM users')).toBe(2);
    await db.close();
  });
});

describe('migration modules', () => {
  it('C9: every NNN-name.ts module in migrations/ is in the list, in order, and nothing else is', () => {
    const folder = path.join(import.meta.dirname, '../../src/db/migrations');
    const modules = fs
      .readdirSync(folder)
      .filter((name) => /^\d{3}-[a-z0-9-]+\.ts$/.test(name))
      .map((name) => name.replace(/\.ts$/, ''))
      .sort();
    expect(listMigrations()).toEqual(modules);
  });
});
