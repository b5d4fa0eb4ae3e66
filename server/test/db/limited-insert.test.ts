/**
 * The per-user collection rule (B21) on the real database: SQLite here, PostgreSQL in the
 * server-postgres project. Rows go into `ssh_keys` (the columns of every kind of value).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertWithinLimit } from '../../src/repo/limited-insert.ts';
import { column } from '../db-helpers.ts';
import { createTestUser, startTestPortal, type TestPortal } from '../portal.ts';

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(() => portal?.close());

function key(userId: string, n: number) {
  return {
    id: `${userId}-k${n}`,
    user_id: userId,
    name: `key ${n}`,
    type: 'ssh-ed25519',
    bits: 256,
    fingerprint: `SHA256:${userId}-${n}`,
    public_key: `ssh-ed25519 AAAA${n}`,
    created_at: 1_700_000_000_000 + n,
  };
}

describe('insertWithinLimit (B21)', () => {
  it('B21: stores up to the limit, then answers limit; a clash on the unique key answers duplicate', async () => {
    const user = await createTestUser(portal);
    const spec = (n: number) => ({
      table: 'ssh_keys',
      row: key(user.id, n),
      owner: 'user_id',
      limit: 3,
      unique: ['user_id', 'fingerprint'],
    });
    expect(await insertWithinLimit(portal.context.db, spec(1))).toBe('stored');
    expect(
      await insertWithinLimit(portal.context.db, { ...spec(1), row: { ...key(user.id, 1), id: 'other' } }),
    ).toBe('duplicate');
    expect(await insertWithinLimit(portal.context.db, spec(2))).toBe('stored');
    expect(await insertWithinLimit(portal.context.db, spec(3))).toBe('stored');
    expect(await insertWithinLimit(portal.context.db, spec(4))).toBe('limit');
    const stored = await column(
      portal.context.db,
      sql`SELECT bits FROM ssh_keys WHERE user_id = ${user.id} ORDER BY created_at`,
    );
    expect(stored.map(Number)).toEqual([256, 256, 256]);
  });

  it('B21: concurrent inserts cannot pass the limit together', async () => {
    const user = await createTestUser(portal);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        insertWithinLimit(portal.context.db, {
          table: 'ssh_keys',
          row: key(user.id, n),
          owner: 'user_id',
          limit: 5,
          unique: ['user_id', 'fingerprint'],
        }),
      ),
    );
    expect(results.filter((result) => result === 'stored')).toHaveLength(5);
    expect(results.filter((result) => result === 'limit')).toHaveLength(7);
    expect(
      await column(portal.context.db, sql`SELECT COUNT(*) FROM ssh_keys WHERE user_id = ${user.id}`),
    ).toEqual([5]);
  });

  it('B15: with a window, only rows created after it count, and concurrent writers cannot pass it together', async () => {
    const user = await createTestUser(portal);
    const spec = (n: number) => ({
      table: 'ssh_keys',
      row: key(user.id, n),
      owner: 'user_id',
      limit: 3,
      since: { column: 'created_at', after: 1_700_000_000_000 + 5 },
    });
    // Five rows before the window: none of them counts.
    for (let n = 1; n <= 5; n += 1)
      expect(await insertWithinLimit(portal.context.db, spec(n))).toBe('stored');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => insertWithinLimit(portal.context.db, spec(6 + n))),
    );
    expect(results.filter((result) => result === 'stored')).toHaveLength(3);
    expect(results.filter((result) => result === 'limit')).toHaveLength(5);
  });

  it('a null value leaves its column to the default; an owner without a value is a programming error', async () => {
    const user = await createTestUser(portal);
    expect(
      await insertWithinLimit(portal.context.db, {
        table: 'approver_devices',
        row: {
          id: `${user.id}-d`,
          user_id: user.id,
          name: 'A',
          public_key_jwk: '{}',
          created_at: 1,
          last_used_at: null,
        },
        owner: 'user_id',
        limit: 1,
        unique: ['user_id', 'public_key_jwk'],
      }),
    ).toBe('stored');
    expect(
      await column(
        portal.context.db,
        sql`SELECT last_used_at FROM approver_devices WHERE user_id = ${user.id}`,
      ),
    ).toEqual([null]);
    await expect(
      insertWithinLimit(portal.context.db, {
        table: 'ssh_keys',
        row: { id: 'x' },
        owner: 'user_id',
        limit: 1,
        unique: ['id'],
      }),
    ).rejects.toThrow(/owner and unique columns/);
  });
});
