/**
 * C11, losing a node: two portal nodes on one PostgreSQL database behind
 * nginx (round robin, one issuer), node B in a child process of its own.
 * Under launch load through nginx, B is killed with SIGKILL. Node A keeps
 * serving, every launch either node acknowledged is in the database (its
 * ticket redeems exactly once), and the session and refresh token made
 * before the loss still work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME_REDIRECT_URI } from '../../contract/constants.ts';
import { launchResponseSchema } from '../../contract/schemas.ts';
import { callApi } from './api-helpers.ts';
import { freeLoopbackPort, type RunningNginx, startNginx } from './nginx.ts';
import { type NodeProcess, startNodeProcess } from './node-process.ts';
import { createTestUser, startTestPortal, type TestPortal } from './portal.ts';
import { type PostgresCluster, startPostgres } from './postgres.ts';
import { buildAuthorizationUrl, refresh, signIn } from './sign-in.ts';
import { WIKI } from './two-nodes.ts';

let cluster: PostgresCluster;
let nginx: RunningNginx;
let nodeA: TestPortal;
let nodeB: NodeProcess;
let requestsAtA = 0;

beforeAll(async () => {
  cluster = await startPostgres();
  const databaseUrl = await cluster.createDatabase();
  const port = await freeLoopbackPort();
  const issuer = `http://127.0.0.1:${port}`;
  // A first (it migrates), then B in its own process on the same database.
  nodeA = await startTestPortal({
    demoApps: false,
    seedDemo: false,
    config: { databaseUrl, issuer },
    onRequest: () => {
      requestsAtA += 1;
    },
  });
  nodeB = await startNodeProcess(databaseUrl, issuer);
  nginx = await startNginx(
    port,
    [nodeA.address, nodeB.address].map((url) => url.slice('http://'.length)),
  );
  await nodeA.context.repos.apps.upsert(WIKI);
});

afterAll(async () => {
  await nginx?.stop();
  await nodeB?.kill9();
  await nodeA?.close();
  await cluster?.stop();
});

interface Outcome {
  at: number;
  status: number;
  ticketPath?: string;
}

describe('C11: losing a node under load', () => {
  it('C11: kill -9 of one node under load: the other keeps serving, no acknowledged launch is lost, the session and refresh token survive', async () => {
    const user = await createTestUser(nodeA, { assign: ['wiki'] });
    const signedIn = await signIn(nodeA, { email: user.email, password: user.password });
    const issuer = nginx.url;

    // Load: 8 clients launching through nginx in a loop, until told to stop (bounded below).
    const outcomes: Outcome[] = [];
    let killedAt = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const at = Date.now();
        try {
          const answer = await callApi({ issuer }, 'POST', '/apps/wiki/launch', {
            token: signedIn.access_token,
          });
          const parsed = answer.status === 200 ? launchResponseSchema.parse(answer.json) : undefined;
          outcomes.push({ at, status: answer.status, ticketPath: parsed && new URL(parsed.url).pathname });
        } catch {
          outcomes.push({ at, status: 0 });
        }
      }
    };
    /** Waits (at most 30 s) until `count()` reaches `wanted`. */
    const until = async (count: () => number, wanted: number) => {
      const deadline = Date.now() + 30_000;
      while (count() < wanted && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const atAOnStart = requestsAtA;
    const load = Promise.all(Array.from({ length: 8 }, worker));
    await until(() => outcomes.filter((outcome) => outcome.status === 200).length, 40);
    const servedBefore = outcomes.filter((outcome) => outcome.status === 200).length;
    const servedByA = requestsAtA - atAOnStart;
    killedAt = Date.now();
    await nodeB.kill9();
    expect(nodeB.child.signalCode).toBe('SIGKILL');
    await until(() => outcomes.filter((outcome) => outcome.at > killedAt + 500).length, 40);
    stop = true;
    await load;

    // Both nodes served before the loss (round robin): B really carried load when it died.
    expect(servedBefore).toBeGreaterThanOrEqual(40);
    expect(servedByA).toBeLessThan(servedBefore);
    // The survivor keeps serving: from half a second after the kill on, every launch succeeded.
    const after = outcomes.filter((outcome) => outcome.at > killedAt + 500);
    expect(after.length).toBeGreaterThanOrEqual(40);
    expect(after.filter((outcome) => outcome.status !== 200)).toEqual([]);
    // Only requests in flight at the moment of the kill may have failed (nginx does not resend a POST).
    const failed = outcomes.filter((outcome) => outcome.status !== 200);
    expect(failed.length).toBeLessThanOrEqual(8);

    // No acknowledged write is lost: every ticket either node handed out is in the database and
    // redeems exactly once, through the survivor.
    const tickets = outcomes.flatMap((outcome) => (outcome.ticketPath ? [outcome.ticketPath] : []));
    expect(new Set(tickets).size).toBe(tickets.length);
    for (const ticketPath of tickets) {
      const first = await fetch(`${nodeA.address}${ticketPath}`, { redirect: 'manual' });
      expect(first.status, ticketPath).toBe(302);
    }
    const again = await fetch(`${nodeA.address}${tickets[0]}`, { redirect: 'manual' });
    expect(again.status).toBe(410);

    // The portal session survives: a new authorization through nginx needs no sign-in.
    const started = await buildAuthorizationUrl({ issuer });
    const sso = await signedIn.client.follow(started.url, (location) =>
      location.startsWith(CHROME_REDIRECT_URI),
    );
    expect(sso.location?.startsWith(CHROME_REDIRECT_URI)).toBe(true);
    expect(new URL(sso.location as string).searchParams.get('code')).toBeTruthy();
    // The refresh token made before the loss rotates at the survivor, and its access token works.
    const refreshed = await refresh({ issuer }, signedIn.refresh_token);
    expect(refreshed.status).toBe(200);
    const tokens = (await refreshed.json()) as { access_token: string };
    expect((await callApi({ issuer }, 'GET', '/me', { token: tokens.access_token })).status).toBe(200);
  });
});
