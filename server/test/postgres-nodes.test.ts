/**
 * Integration: the portal on PostgreSQL as two stateless nodes behind nginx
 * (round robin, loopback, one issuer URL): a real PostgreSQL cluster (Debian's
 * binaries, throwaway), two real portal nodes sharing one database, a real
 * nginx. Everything a second node needs lives in the database.
 */

import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchResponseSchema } from '../../contract/schemas.ts';
import { listMigrations } from '../src/db/database.ts';
import { accountSubject, checkLock, recordFailure } from '../src/services/lockout.ts';
import { verifySecondFactor } from '../src/services/totp.ts';
import { callApi } from './api-helpers.ts';
import { column } from './db-helpers.ts';
import { freeLoopbackPort, type RunningNginx, startNginx } from './nginx.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { type PostgresCluster, startPostgres } from './postgres.ts';
import { refresh, signIn } from './sign-in.ts';
import { WIKI } from './two-nodes.ts';

let cluster: PostgresCluster;
let nginx: RunningNginx;
let nodeA: TestPortal;
let nodeB: TestPortal;
const seen = { a: 0, b: 0 };

beforeAll(async () => {
  cluster = await startPostgres();
  const databaseUrl = await cluster.createDatabase();
  const port = await freeLoopbackPort();
  const issuer = `http://127.0.0.1:${port}`;
  const node = (name: 'a' | 'b') =>
    startTestPortal({
      demoApps: false,
      seedDemo: false,
      config: { databaseUrl, issuer },
      onRequest: () => {
        seen[name] += 1;
      },
    });
  // Both at once: the migration lock lets one migrate while the other waits.
  const started = await Promise.allSettled([node('a'), node('b')]);
  [nodeA, nodeB] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined)) as [
    TestPortal,
    TestPortal,
  ];
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  nginx = await startNginx(
    port,
    [nodeA, nodeB].map((node) => node.address.slice('http://'.length)),
  );
  await nodeA.context.repos.apps.upsert(WIKI);
});

afterAll(async () => {
  await nginx?.stop();
  await Promise.all([nodeA?.close(), nodeB?.close()]);
  await cluster?.stop();
});

/** Refreshes at one node directly (the issuer stays nginx's URL). */
const refreshAt = (node: TestPortal, refreshToken: string) => refresh(node, refreshToken, node.address);

describe('PostgreSQL, two nodes behind nginx', () => {
  it('C9: both nodes run on PostgreSQL, migrated once, with the same signing keys', async () => {
    expect(nodeA.context.db.dialect).toBe('postgres');
    expect(nodeB.context.db.dialect).toBe('postgres');
    expect(await column(nodeA.context.db, sql`SELECT name FROM schema_migrations ORDER BY name`)).toEqual(
      listMigrations(),
    );
    const [jwksA, jwksB] = await Promise.all(
      [nodeA, nodeB].map(async (node) => (await fetch(`${node.address}/jwks`)).json()),
    );
    expect(jwksA).toEqual(jwksB);
  });

  it('C11: signed in through nginx (both nodes serve the flow), the refresh token works at node B and then at node A', async () => {
    const before = { ...seen };
    const user = await createTestUser(nodeA);
    // The issuer of every node is nginx's address: the flow's requests alternate between the nodes.
    expect(nodeA.issuer).toBe(nginx.url);
    const tokens = await signIn(nodeA, { email: user.email, password: user.password });
    expect(seen.a).toBeGreaterThan(before.a);
    expect(seen.b).toBeGreaterThan(before.b);
    const atB = await refreshAt(nodeB, tokens.refresh_token);
    expect(atB.status).toBe(200);
    const rotated = (await atB.json()) as { refresh_token: string; access_token: string };
    const atA = await refreshAt(nodeA, rotated.refresh_token);
    expect(atA.status).toBe(200);
    // The API of either node accepts the access token the other issued.
    for (const node of [nodeA, nodeB]) {
      const me = await callApi({ issuer: node.address }, 'GET', '/me', { token: rotated.access_token });
      expect(me.status).toBe(200);
    }
  });

  it('C10: a launch ticket redeemed concurrently through both nodes succeeds exactly once', async () => {
    const user = await createTestUser(nodeA, { assign: ['wiki'] });
    const tokens = await signIn(nodeA, { email: user.email, password: user.password });
    for (let round = 0; round < 8; round++) {
      const launched = await callApi(nodeA, 'POST', '/apps/wiki/launch', { token: tokens.access_token });
      expect(launched.status).toBe(200);
      const ticketPath = new URL(launchResponseSchema.parse(launched.json).url).pathname;
      const answers = await Promise.all(
        [nodeA, nodeB].map((node) => fetch(`${node.address}${ticketPath}`, { redirect: 'manual' })),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([302, 410]);
    }
  });

  it('B8: a TOTP code used on one node is refused on the other', async () => {
    const user = await createTestUser(nodeA, { totp: true });
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(user.totpSecret) }).generate({
      timestamp: nodeA.clock.now(),
    });
    const [a, b] = await Promise.all([
      verifySecondFactor(nodeA.context, user.id, code),
      verifySecondFactor(nodeB.context, user.id, code),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await verifySecondFactor(nodeA.context, user.id, code)).toBe(false);
    expect(await verifySecondFactor(nodeB.context, user.id, code)).toBe(false);
  });

  it('B9: lockout counts failures made on both nodes', async () => {
    const subject = accountSubject(`lock-${Date.now()}@example.com`);
    const { maxFailures } = nodeA.context.config.lockout;
    for (let i = 0; i < maxFailures; i++) {
      await recordFailure(i % 2 === 0 ? nodeA.context : nodeB.context, [subject]);
    }
    expect((await checkLock(nodeA.context, [subject])).locked).toBe(true);
    expect((await checkLock(nodeB.context, [subject])).locked).toBe(true);
  });
});
