/**
 * WAL checkpoints in a worker thread (server/src/db/checkpoints.ts), on real
 * SQLite files: the worker copies the log into the database file although the
 * main connection's own threshold is far higher; close() leaves no log behind and
 * loses nothing; a worker that fails hands checkpoints back to the main
 * connection. SQLite only (the PostgreSQL project excludes this file).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startBackgroundCheckpoints } from '../../src/db/checkpoints.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';

const PAGE = 4096;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tempFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'portal-db-')), 'portal.sqlite');
}

/** The database file itself: it grows only when a checkpoint copies pages from the log into it. */
const fileBytes = (file: string) => fs.statSync(file).size;

async function autocheckpoint(db: Database): Promise<number> {
  const rows = (await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(db.kysely)).rows;
  return rows[0]?.wal_autocheckpoint as number;
}

/** Writes `rounds` bursts of 20 one-row transactions (a page-sized value each), pausing between bursts. */
async function writeBursts(db: Database, rounds: number): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)`.execute(
    db.kysely,
  );
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < 20; i++) {
      await db.transaction(() =>
        sql`INSERT INTO filler (body) VALUES (${Buffer.alloc(PAGE, round % 251)})`.execute(db.executor()),
      );
    }
    await sleep(15);
  }
}

describe('background WAL checkpoints (SQLite)', () => {
  it('copy the log into the database file in the worker, while the main connection would wait for 10,000 pages', async () => {
    const file = tempFile();
    const db = await openDatabase(file, { backgroundCheckpoints: true });
    try {
      expect(await autocheckpoint(db)).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
      // 800 rows of a page-sized value each: far below the main connection's threshold.
      await writeBursts(db, 40);
      await sleep(500);
      // Every row holds at least a page of its own once it is in the database file.
      expect(fileBytes(file)).toBeGreaterThan(800 * PAGE);
      const rows = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM filler`.execute(db.kysely);
      expect(rows.rows[0]?.n).toBe(800);
    } finally {
      await db.close();
    }
  });

  it('without the worker, the same writes stay in the log (the control for the test above)', async () => {
    const file = tempFile();
    const db = await openDatabase(file);
    try {
      await sql`PRAGMA wal_autocheckpoint = ${sql.raw(String(FALLBACK_AUTOCHECKPOINT_PAGES))}`.execute(
        db.kysely,
      );
      await writeBursts(db, 40);
      await sleep(500);
      expect(fileBytes(file)).toBeLessThan(200 * PAGE);
    } finally {
      await db.close();
    }
  });

  it('close() stops the worker first: no log is left and every row is there when the file is reopened', async () => {
    const file = tempFile();
    const db = await openDatabase(file, { backgroundCheckpoints: true });
    await writeBursts(db, 5);
    await db.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const reopened = new BetterSqlite3(file, { readonly: true });
    try {
      expect(reopened.prepare('SELECT COUNT(*) AS n FROM filler').get()).toEqual({ n: 100 });
    } finally {
      reopened.close();
    }
  });

  it('a worker that cannot open the file gives checkpoints back to the main connection', async () => {
    const handle = new BetterSqlite3(':memory:');
    try {
      const checkpoints = startBackgroundCheckpoints(
        handle,
        path.join(os.tmpdir(), 'no-such-dir', 'x.sqlite'),
      );
      expect(handle.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
      let restored = false;
      for (let attempt = 0; attempt < 100 && !restored; attempt++) {
        await sleep(50);
        restored = handle.pragma('wal_autocheckpoint', { simple: true }) === 1000;
      }
      expect(restored).toBe(true);
      await checkpoints.stop();
    } finally {
      handle.close();
    }
  });
});
