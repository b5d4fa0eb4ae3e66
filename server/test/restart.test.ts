/**
 * C9: portal data survives restarts — sessions, grants and refresh tokens
 * live in SQLite, keys in the data folder.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CHROME_REDIRECT_URI } from '../../contract/constants.ts';
import { startTestPortal, type TestPortal } from './portal.ts';
import { buildAuthorizationUrl, refresh, signIn } from './sign-in.ts';

const running: TestPortal[] = [];
afterAll(async () => {
  for (const portal of running) await portal.close().catch(() => {});
});

describe('C9: restart on the same data folder', () => {
  it('C9: the refresh token still works and the session cookie still skips the password', async () => {
    // The folder outlives the first portal: the second one takes it over (and removes it on close).
    const first = await startTestPortal({ demoApps: false, ownsDataDir: false });
    running.push(first);
    const tokens = await signIn(first, { email: 'bob@example.com', password: 'bob-demo-password' });
    const port = Number(new URL(first.issuer).port);
    await first.close();
    // Let the HTTP client notice its kept-alive sockets to the old process are gone.
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Same port so the issuer (and the cookie's host) stay the same, as in production.
    const second = await startTestPortal({
      demoApps: false,
      dataDir: first.dataDir,
      port,
      ownsDataDir: true,
    });
    running.push(second);
    expect(second.issuer).toBe(first.issuer);
    expect(second.demo?.alice.totpSecret).toBe(first.demo?.alice.totpSecret);

    const refreshed = await refresh(second, tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { refresh_token: string; id_token: string };
    expect(body.refresh_token).toBeTruthy();

    const again = await buildAuthorizationUrl(second);
    const answer = await tokens.client.follow(again.url, (location) =>
      location.startsWith(CHROME_REDIRECT_URI),
    );
    expect(answer.location).toMatch(/^https:\/\/[^?]+\/callback\?code=/);

    // The signing keys persisted: tokens from before the restart still verify against the new JWKS.
    const jwks = (await (await fetch(`${second.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    const kid = JSON.parse(Buffer.from(tokens.id_token.split('.')[0] as string, 'base64url').toString()).kid;
    expect(jwks.keys.map((key) => key.kid)).toContain(kid);
  });
});
