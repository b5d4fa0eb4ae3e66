/**
 * Signing-key rotation across nodes: two portal nodes on one PostgreSQL
 * database with one issuer. `keys add`, `keys activate` and `keys retire`
 * run through the admin CLI; node B restarts after each step (as the CLI
 * says to) while node A keeps running. Tokens signed with the old key verify
 * on both nodes during the grace period, tokens signed with the new key verify
 * on the node that has not restarted, and a retired key verifies nowhere.
 */
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli.ts';
import { callApi } from './api-helpers.ts';
import { freeLoopbackPort } from './nginx.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { type PostgresCluster, startPostgres } from './postgres.ts';
import { refresh, signIn } from './sign-in.ts';

let cluster: PostgresCluster;
let databaseUrl: string;
let issuer: string;
let nodeA: TestPortal;
let nodeB: TestPortal;

const startB = () => startTestPortal({ demoApps: false, seedDemo: false, config: { databaseUrl, issuer } });

async function restartB(): Promise<void> {
  await nodeB.close();
  nodeB = await startB();
}

beforeAll(async () => {
  cluster = await startPostgres();
  databaseUrl = await cluster.createDatabase();
  const port = await freeLoopbackPort();
  issuer = `http://127.0.0.1:${port}`;
  nodeA = await startTestPortal({ port, demoApps: false, seedDemo: false, config: { databaseUrl, issuer } });
  nodeB = await startB();
});

afterAll(async () => {
  await Promise.all([nodeA?.close(), nodeB?.close()]);
  await cluster?.stop();
});

const keys = (...args: string[]) =>
  runCommand(['keys', ...args], { PORTAL_DATABASE_URL: databaseUrl, PORTAL_DATA_DIR: nodeA.dataDir });

const kidOf = (token: string) => decodeProtectedHeader(token).kid as string;

async function status(node: TestPortal, token: string): Promise<number> {
  return (await callApi({ issuer: node.address }, 'GET', '/me', { token })).status;
}

async function publishedKids(node: TestPortal): Promise<string[]> {
  const jwks = (await (await fetch(`${node.address}/jwks`)).json()) as { keys: { kid: string }[] };
  return jwks.keys.map((key) => key.kid).sort();
}

async function refreshAt(node: TestPortal, refreshToken: string) {
  const answer = await refresh({ issuer }, refreshToken, node.address);
  expect(answer.status).toBe(200);
  return (await answer.json()) as { access_token: string; refresh_token: string };
}

describe('signing key rotation across nodes', () => {
  it('C10: add, activate, retire: old-key tokens verify on every node during the grace period, new-key tokens on a node not yet restarted, retired keys nowhere', async () => {
    const user = await createTestUser(nodeA);
    const before = await signIn(nodeA, { email: user.email, password: user.password });
    const oldKid = kidOf(before.access_token);
    const oldKids = await publishedKids(nodeA);

    // Step 1: new keys published (both nodes verify with them after a restart), nobody signs with them.
    expect(await keys('add')).toContain('next (published, verifies, does not sign yet)');
    await expect(keys('add')).rejects.toThrow('New keys are waiting already');
    await restartB();
    const published = await publishedKids(nodeB);
    expect(published).toHaveLength(oldKids.length * 2);
    expect(published).toEqual(expect.arrayContaining(oldKids));
    const stillOld = await refreshAt(nodeB, before.refresh_token);
    expect(kidOf(stillOld.access_token)).toBe(oldKid);

    // Step 2: the new keys sign; a grace shorter than the tokens' lifetime is refused.
    await expect(keys('activate', '--grace', '5')).rejects.toThrow('at least the longest token lifetime');
    expect(await keys('activate', '--grace', '3600')).toContain('retiring (verifies until');
    await restartB();
    const fresh = await refreshAt(nodeB, stillOld.refresh_token);
    const newKid = kidOf(fresh.access_token);
    expect(newKid).not.toBe(oldKid);
    expect(published).toContain(newKid);
    // Old-key tokens verify on both nodes during the grace period…
    for (const node of [nodeA, nodeB]) expect(await status(node, before.access_token)).toBe(200);
    // …and node A, not restarted, reads the key set again for the new key id it did not know.
    expect(await status(nodeA, fresh.access_token)).toBe(200);
    expect(await status(nodeB, fresh.access_token)).toBe(200);

    // Step 3: nothing is past its grace period yet; --now retires the old keys at once.
    expect(await keys('retire')).toContain('No key is past its grace period');
    expect(await keys('retire', '--now')).toContain(oldKid);
    await restartB();
    expect(await publishedKids(nodeB)).toEqual(published.filter((kid) => !oldKids.includes(kid)));
    expect(await status(nodeB, before.access_token)).toBe(401);
    expect(await status(nodeB, fresh.access_token)).toBe(200);
    expect((await keys('list')).split('\n').every((line) => line.endsWith('signing'))).toBe(true);
  });
});
