/**
 * Issue 14: kinds of app in the catalog. A bookmark added with the CLI shows
 * in `GET /me/apps` with its link and `kind: "bookmark"`; the other apps are
 * `oidc`; a bookmark has no launch ticket (the launcher opens its link).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appsResponseSchema } from '../../../contract/schemas.ts';
import { runCommand } from '../../src/cli.ts';
import { callApi, signInWithPassword } from '../api-helpers.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';

let t: TestPortal;
let bob: string;

beforeAll(async () => {
  t = await startTestPortal();
  bob = (await signInWithPassword(t, 'bob')).access_token;
});
afterAll(() => t?.close());

describe('app kinds in GET /me/apps', () => {
  it('a bookmark added with the CLI is listed with its link and kind; OIDC apps say oidc and carry no url', async () => {
    const env = {
      PORTAL_DATA_DIR: t.dataDir,
      ...(t.context.config.databaseUrl ? { PORTAL_DATABASE_URL: t.context.config.databaseUrl } : {}),
    };
    expect(
      await runCommand(
        [
          'app',
          'add-bookmark',
          'handbook',
          '--name',
          'Handbook',
          '--url',
          'https://handbook.example.com/start',
          '--details-url',
          'https://handbook.example.com/about',
        ],
        env,
      ),
    ).toContain('Saved bookmark handbook (Handbook) → https://handbook.example.com/start.');
    await runCommand(['app', 'assign', 'handbook', 'bob@example.com'], env);
    const answer = await callApi(t, 'GET', '/me/apps', { token: bob });
    const { apps } = appsResponseSchema.parse(answer.json);
    expect(apps.find((app) => app.id === 'handbook')).toMatchObject({
      kind: 'bookmark',
      url: 'https://handbook.example.com/start',
      detailsUrl: 'https://handbook.example.com/about',
      requiresMfa: false,
    });
    expect(apps.find((app) => app.id === 'team-wiki')).toMatchObject({ kind: 'oidc', url: null });

    // A bookmark needs no ticket: the launch API says it cannot be opened through the portal.
    const launch = await callApi(t, 'POST', '/apps/handbook/launch', { token: bob });
    expect(launch.status).toBe(409);
    expect(launch.json).toMatchObject({ code: 'app_not_launchable' });
  });

  it('a url written straight into the database that is not https is left out, not served', async () => {
    const repos = t.context.repos;
    const app = await repos.apps.findById('handbook');
    await repos.apps.upsert({ ...(app as NonNullable<typeof app>), url: 'javascript:alert(1)' });
    try {
      const { apps } = appsResponseSchema.parse((await callApi(t, 'GET', '/me/apps', { token: bob })).json);
      expect(apps.find((entry) => entry.id === 'handbook')?.url).toBeNull();
    } finally {
      await repos.apps.upsert({ ...(app as NonNullable<typeof app>) });
    }
  });
});
