import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { loadOrCreateKeys, publicJwks } from '../../src/oidc/keys.ts';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'portal-keys-'));

describe('provider keys in the database', () => {
  it('C9: created once and read back on every start (and by every node of the database)', async () => {
    const dataDir = tempDir();
    const db = await openDatabase(path.join(dataDir, 'portal.sqlite'));
    const first = await loadOrCreateKeys(db, dataDir);
    expect(first.jwks.keys.map((key) => key.alg)).toEqual(['RS256', 'ES256']);
    expect(first.cookieKeys).toHaveLength(1);
    // Two starts at once (two nodes on an empty database) end with the same keys.
    const [a, b] = await Promise.all([loadOrCreateKeys(db, dataDir), loadOrCreateKeys(db, dataDir)]);
    expect(a).toEqual(first);
    expect(b).toEqual(first);
    // Nothing is written next to the database any more.
    expect(fs.existsSync(path.join(dataDir, 'keys.json'))).toBe(false);
    await db.close();
  });

  it('C9: keys.json from an older portal is imported once, so its tokens and cookies stay valid', async () => {
    const olderDir = tempDir();
    const olderDb = await openDatabase(':memory:');
    const older = await loadOrCreateKeys(olderDb, olderDir);
    await olderDb.close();
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'keys.json'), JSON.stringify(older), { mode: 0o600 });
    const db = await openDatabase(path.join(dataDir, 'portal.sqlite'));
    const imported = await loadOrCreateKeys(db, dataDir);
    expect(imported).toEqual(older);
    expect(publicJwks(imported)).toEqual(publicJwks(older));
    // The database now decides: a changed file is not read again.
    fs.writeFileSync(path.join(dataDir, 'keys.json'), JSON.stringify({ jwks: { keys: [] }, cookieKeys: [] }));
    expect(await loadOrCreateKeys(db, dataDir)).toEqual(older);
    await db.close();
  });
});
