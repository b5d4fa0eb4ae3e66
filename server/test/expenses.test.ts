/**
 * The demo SAML app Expenses (@node-saml/node-saml) against the portal's IdP
 * (samlify): seeded and assigned like the other demo apps, opened
 * IdP-initiated from a launch ticket and SP-initiated from its own button,
 * showing who signed in and the authentication context (issue 14, B20).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHN_CONTEXT } from '../src/saml/response.ts';
import { callApi, signInAliceWithMfa, signInWithPassword } from './api-helpers.ts';
import { type HttpClient, type HttpResult, textByTestId } from './http.ts';
import { startTestPortal, type TestPortal } from './portal.ts';
import { postedForm } from './saml-sp.ts';

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
}, 60_000);
afterAll(() => portal.close());

/** Posts the auto-posting form like the browser does and follows to the app's page. */
async function submit(client: HttpClient, page: HttpResult): Promise<HttpResult> {
  const form = postedForm(page);
  if (!form) throw new Error(`no SAML form on ${page.url} (${page.status})`);
  return client.continue(await client.postForm(form.action, form.fields));
}

describe('B20: demo app Expenses', () => {
  it('B20: is seeded as a SAML app and assigned to the demo users', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const answer = await callApi(portal, 'GET', '/me/apps', { token: bob.access_token });
    const apps = (answer.json as { apps: Array<{ id: string; kind: string }> }).apps;
    expect(apps.find((app) => app.id === 'expenses')).toMatchObject({ kind: 'saml' });
    const sp = await portal.context.repos.saml.findByAppId('expenses');
    expect(sp?.acsUrls).toEqual([`${portal.demoApps.expenses}/saml/acs`]);
  });

  it('B20: IdP-initiated from a launch ticket, Expenses shows the person and the MFA context', async () => {
    const alice = await signInAliceWithMfa(portal);
    const launch = await callApi(portal, 'POST', '/apps/expenses/launch', { token: alice.access_token });
    const landed = await submit(alice.client, await alice.client.get((launch.json as { url: string }).url));
    expect(landed.url).toBe(`${portal.demoApps.expenses}/`);
    expect(textByTestId(landed.body, 'signed-in')).toBe('Signed in as Alice Example (alice@example.com)');
    expect(textByTestId(landed.body, 'authn-context')).toBe(AUTHN_CONTEXT.mfa);
    expect(Date.parse(textByTestId(landed.body, 'authn-instant') as string)).toBe(
      (alice.claims.auth_time as number) * 1000,
    );
  });

  it('B20: SP-initiated from its own Sign in button, through the portal session', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const start = await bob.client.get(`${portal.demoApps.expenses}/`);
    expect(textByTestId(start.body, 'signed-out')).toBe('You are not signed in.');
    const landed = await submit(bob.client, await bob.client.follow(`${portal.demoApps.expenses}/login`));
    expect(textByTestId(landed.body, 'signed-in')).toBe('Signed in as Bob Example (bob@example.com)');
    expect(textByTestId(landed.body, 'authn-context')).toBe(AUTHN_CONTEXT.password);
  });

  it('B20: Expenses refuses a Response it did not get from the portal (tampered)', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const page = await bob.client.follow(`${portal.demoApps.expenses}/login`);
    const form = postedForm(page);
    const xml = Buffer.from(form?.fields.SAMLResponse as string, 'base64')
      .toString()
      .replace('bob@example.com</saml:NameID>', 'alice@example.com</saml:NameID>');
    const refused = await bob.client.postForm(form?.action as string, {
      SAMLResponse: Buffer.from(xml).toString('base64'),
    });
    expect(refused.status).toBe(403);
    expect(textByTestId(refused.body, 'error')).toContain('could not be verified');
  });
});
