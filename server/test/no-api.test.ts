/**
 * The reference portal as a plain OpenID Provider (`--no-api`, `PORTAL_API=false`,
 * `startPortal({ portalApi: false })`): what the launcher's provider-only mode
 * meets. No portal API, no discovery field advertising it, no resource server
 * (RFC 8707), access tokens for userinfo; sign-in pages and step-up unchanged.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACR_MFA,
  ACR_PASSWORD,
  apiAudience,
  CHROME_REDIRECT_URI,
  PORTAL_API_METADATA,
} from '../../contract/constants.ts';
import { enrollConfirmedTotp, generateTotpSecret } from '../src/services/totp.ts';
import { HttpClient } from './http.ts';
import { createTestUser, freshDataDir, startTestPortal, type TestPortal } from './portal.ts';
import { buildAuthorizationUrl, discover, signIn, testClient } from './sign-in.ts';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const root = path.resolve(import.meta.dirname, '../..');

let plain: TestPortal;
let full: TestPortal;

beforeAll(async () => {
  [plain, full] = await Promise.all([
    startTestPortal({ portalApi: false, demoApps: false }),
    startTestPortal({ demoApps: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain?.close(), full?.close()]);
});

/** Signs in through the real pages without RFC 8707 `resource`, as provider-only mode does. */
async function signInPlain(
  portal: TestPortal,
  user: { email: string; password: string; totpSecret?: string },
  options: { acrValues?: string; maxAge?: number; client?: HttpClient } = {},
) {
  const result = await signIn(portal, { ...user, ...options, resource: false });
  return {
    as: await discover(portal.issuer),
    tokens: result,
    claims: result.claims,
    pages: result.pages,
    client: result.client,
  };
}

describe('portal API switched off', () => {
  it('discovery advertises the portal API only when it is on', async () => {
    const withApi = await discover(full.issuer);
    expect(withApi[PORTAL_API_METADATA]).toBe(apiAudience(full.issuer));
    const without = await discover(plain.issuer);
    expect(without).not.toHaveProperty(PORTAL_API_METADATA);
    // Still a complete OpenID Provider.
    expect(without.authorization_endpoint).toBe(`${plain.issuer}/auth`);
    expect(without.userinfo_endpoint).toBeTruthy();
    expect(without.revocation_endpoint).toBeTruthy();
    expect(without.end_session_endpoint).toBeTruthy();
    expect(without.acr_values_supported).toEqual(expect.arrayContaining([ACR_PASSWORD, ACR_MFA]));
  });

  it('serves no /api/v1 routes', async () => {
    for (const route of ['/api/v1/me', '/api/v1/me/apps', '/api/v1/downloads']) {
      const response = await fetch(`${plain.issuer}${route}`, { headers: { accept: 'application/json' } });
      expect(response.status, route).toBe(404);
    }
    // The same route exists (and wants a token) on a portal with the API.
    expect((await fetch(`${full.issuer}/api/v1/me`)).status).toBe(401);
  });

  it('B6: refuses the API resource indicator with invalid_target (RFC 8707 §2)', async () => {
    const started = await buildAuthorizationUrl(plain);
    expect(new URL(started.url).searchParams.get('resource')).toBe(apiAudience(plain.issuer));
    const answer = await new HttpClient().get(started.url);
    expect(answer.status).toBe(303);
    const location = new URL(answer.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(CHROME_REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_target');
  });

  it('signs in through the same pages and issues tokens without the API audience, usable at userinfo', async () => {
    const user = await createTestUser(plain);
    const { as, tokens, claims, pages } = await signInPlain(plain, user);
    expect(pages).toEqual(['email', 'password']);
    expect(claims?.acr).toBe(ACR_PASSWORD);
    expect(claims?.email).toBe(user.email);
    expect(typeof claims?.auth_time).toBe('number');
    // Opaque, not an RFC 9068 JWT for the API.
    expect(tokens.access_token.split('.')).toHaveLength(1);
    expect(tokens.refresh_token).toBeTruthy();

    const info = await oauth.processUserInfoResponse(
      as,
      testClient,
      claims?.sub as string,
      await oauth.userInfoRequest(as, testClient, tokens.access_token, insecure),
    );
    expect(info.email).toBe(user.email);
    expect(info.name).toBe(claims?.name);

    // B4: refresh works without `resource` and rotates.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      testClient,
      await oauth.refreshTokenGrantRequest(
        as,
        testClient,
        oauth.None(),
        tokens.refresh_token as string,
        insecure,
      ),
    );
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });

  it('B7: step-up with acr_values and max_age still asks for the second factor and reports it', async () => {
    // A password-only session, then an authenticator set up in the security centre.
    const user = await createTestUser(plain);
    const first = await signInPlain(plain, user);
    expect(first.claims?.acr).toBe(ACR_PASSWORD);
    const totpSecret = generateTotpSecret();
    await enrollConfirmedTotp(plain.context, user.id, totpSecret);
    // Same browser (portal session), now asking for MFA within 300 s: only the code page.
    const stepUp = await signInPlain(
      plain,
      { ...user, totpSecret },
      { acrValues: ACR_MFA, maxAge: 300, client: first.client },
    );
    expect(stepUp.pages).toEqual(['second-factor']);
    expect(stepUp.claims?.acr).toBe(ACR_MFA);
    expect(stepUp.claims?.amr).toEqual(expect.arrayContaining(['otp']));
    expect(stepUp.claims?.sub).toBe(first.claims?.sub);
  });

  it('A12: revocation ends the refresh token', async () => {
    const user = await createTestUser(plain);
    const { as, tokens } = await signInPlain(plain, user);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, testClient, oauth.None(), tokens.refresh_token as string, insecure),
    );
    const response = await oauth.refreshTokenGrantRequest(
      as,
      testClient,
      oauth.None(),
      tokens.refresh_token as string,
      insecure,
    );
    await expect(oauth.processRefreshTokenResponse(as, testClient, response)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});

describe('--no-api on the command line', () => {
  it('--help documents --no-api', async () => {
    const help = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', '--help'], { cwd: root });
    let text = '';
    help.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    await new Promise((resolve) => help.once('exit', resolve));
    expect(text).toMatch(/serve \[--no-demo\] \[--no-api\]/);
    expect(text).toContain('a plain OpenID Provider without the portal API');
  }, 30_000);

  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.pid && child.exitCode === null) child.kill('SIGTERM');
  });

  it('serve --no-api starts a plain OpenID Provider and says so', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'server/src/cli.ts', 'serve', '--no-api', '--no-demo', '--port', '0'],
      { cwd: root, env: { ...process.env, PORTAL_DATA_DIR: freshDataDir() } },
    );
    let output = '';
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 20 s:\n${output}`)), 20_000);
      child?.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /portal listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] && output.includes('Press Ctrl-C')) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child?.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    expect(output).toContain('portal API: off');
    const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.issuer).toBe(issuer);
    expect(metadata).not.toHaveProperty(PORTAL_API_METADATA);
    expect((await fetch(`${issuer}/api/v1/me`)).status).toBe(404);
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }, 30_000);
});
