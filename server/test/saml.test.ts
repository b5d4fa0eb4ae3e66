/**
 * The portal as a SAML 2.0 identity provider (issue 14, B20), checked by an
 * independent SP implementation (`@node-saml/node-saml`): IdP-initiated
 * launches from launch tickets, SP-initiated AuthnRequests over both
 * bindings, step-up and ForceAuthn, and the crafted inputs B20 refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { AUTHN_CONTEXT } from '../src/saml/response.ts';
import { callApi, signInAliceWithMfa, signInWithPassword } from './api-helpers.ts';
import { HttpClient, type HttpResult, parseForms } from './http.ts';
import { startTestPortal, type TestPortal } from './portal.ts';
import {
  craftAuthnRequest,
  postedForm,
  redirectBinding,
  registerTestSp,
  responseXml,
  type TestSp,
} from './saml-sp.ts';
import { pageKind } from './sign-in.ts';

let portal: TestPortal;
let app: TestSp;
let mfaApp: TestSp;
beforeAll(async () => {
  portal = await startTestPortal();
  const assign = ['alice@example.com', 'bob@example.com'];
  app = await registerTestSp(portal, { assign });
  mfaApp = await registerTestSp(portal, { assign, requiresMfa: true });
}, 60_000);
afterAll(() => portal.close());

const sso = () => `${portal.issuer}/saml/sso`;

/** Opens a launch URL from the API the way the launcher's tab does. */
async function launch(token: string, appId: string): Promise<string> {
  const answer = await callApi(portal, 'POST', `/apps/${appId}/launch`, { token });
  expect(answer.status, answer.text).toBe(200);
  return (answer.json as { url: string }).url;
}

/** Fills the sign-in pages (email, password, second factor) until they are gone. */
async function fillSignIn(
  client: HttpClient,
  start: HttpResult,
  who: { email: string; password: string; code?: string },
  pages: string[] = [],
): Promise<HttpResult> {
  let result = await client.continue(start);
  for (let step = 0; step < 6; step++) {
    const kind = pageKind(result);
    if (!kind) return result;
    pages.push(kind);
    const form = parseForms(result.body, result.url).find((f) => f.action.endsWith(`/${kind}`));
    const fields = { ...form?.fields };
    if (kind === 'email') fields.email = who.email;
    else if (kind === 'password') fields.password = who.password;
    else if (kind === 'second-factor' && who.code) fields.code = who.code;
    else return result;
    result = await client.continue(await client.postForm(form?.action as string, fields));
  }
  return result;
}

describe('B20: IdP metadata', () => {
  it('B20: publishes the entity ID, both SSO bindings and the signing certificate at a stable URL', async () => {
    const response = await fetch(`${portal.issuer}/saml/metadata`);
    expect(response.headers.get('content-type')).toContain('application/samlmetadata+xml');
    const xml = await response.text();
    expect(xml).toContain(`entityID="${portal.issuer}/saml/metadata"`);
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${sso()}"`);
    expect(xml).toContain(`Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${sso()}"`);
    expect(xml).toMatch(/<(ds:)?X509Certificate>[A-Za-z0-9+/=\s]{500,}</);
    const stored = await portal.context.repos.saml.findByAppId(app.appId);
    expect(stored?.entityId).toBe(app.entityId);
  });
});

describe('B20: IdP-initiated launch', () => {
  it('B20: a launch ticket posts a Response signed over Response and Assertion (RSA-SHA256) that node-saml accepts, once', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const url = await launch(bob.access_token, app.appId);
    const page = await new HttpClient().get(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain(
      `form-action ${new URL(app.acsUrl).origin}`,
    );
    const form = postedForm(page);
    expect(form?.action).toBe(app.acsUrl);
    const xml = responseXml(form as NonNullable<typeof form>);
    // Two signatures (Assertion, then Response), both RSA-SHA256; no InResponseTo when unsolicited.
    expect(
      xml.match(/SignatureMethod Algorithm="http:\/\/www\.w3\.org\/2001\/04\/xmldsig-more#rsa-sha256"/g),
    ).toHaveLength(2);
    expect(xml).not.toContain('InResponseTo');
    expect(xml).toContain(`Destination="${app.acsUrl}"`);
    expect(xml).toContain(`Recipient="${app.acsUrl}"`);
    expect(xml).toContain(`<saml:Audience>${app.entityId}</saml:Audience>`);
    const issued = Date.parse(/IssueInstant="([^"]+)"/.exec(xml)?.[1] as string);
    const notOnOrAfter = Date.parse(
      /Conditions NotBefore="[^"]+" NotOnOrAfter="([^"]+)"/.exec(xml)?.[1] as string,
    );
    expect(notOnOrAfter - issued).toBeGreaterThan(0);
    expect(notOnOrAfter - issued).toBeLessThanOrEqual(5 * 60_000);

    const { profile } = await app.sp().validatePostResponseAsync(form?.fields as Record<string, string>);
    expect(profile?.nameID).toBe('bob@example.com');
    expect(profile?.issuer).toBe(`${portal.issuer}/saml/metadata`);
    expect(profile?.mail).toBe('bob@example.com');
    // Password only, on a loopback http portal: the plain Password class, at the token's auth_time.
    expect(xml).toContain(`<saml:AuthnContextClassRef>${AUTHN_CONTEXT.password}</saml:AuthnContextClassRef>`);
    expect(xml).toContain(
      `AuthnInstant="${new Date((bob.claims.auth_time as number) * 1000).toISOString()}"`,
    );

    const replay = await new HttpClient().get(url);
    expect(replay.status).toBe(410);
    expect(postedForm(replay)).toBeUndefined();
  });

  it('B20: after a second factor the assertion states REFEDS MFA and when it happened', async () => {
    const alice = await signInAliceWithMfa(portal);
    const form = postedForm(await new HttpClient().get(await launch(alice.access_token, mfaApp.appId)));
    const xml = responseXml(form as NonNullable<typeof form>);
    expect(xml).toContain(`<saml:AuthnContextClassRef>${AUTHN_CONTEXT.mfa}</saml:AuthnContextClassRef>`);
    expect(xml).toContain(
      `AuthnInstant="${new Date((alice.claims.auth_time as number) * 1000).toISOString()}"`,
    );
    const { profile } = await mfaApp.sp().validatePostResponseAsync(form?.fields as Record<string, string>);
    expect(profile?.nameID).toBe('alice@example.com');
  });

  it('B6/B20: a SAML app that requires MFA answers a password-only launch with the step-up challenge', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const answer = await callApi(portal, 'POST', `/apps/${mfaApp.appId}/launch`, { token: bob.access_token });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('insufficient_user_authentication');
    expect(answer.headers.get('www-authenticate')).toContain(`acr_values="${ACR_MFA}"`);
  });

  it('B20: a tampered Response (another NameID) fails node-saml’s signature check', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const form = postedForm(await new HttpClient().get(await launch(bob.access_token, app.appId)));
    const xml = responseXml(form as NonNullable<typeof form>).replace(
      'bob@example.com</saml:NameID>',
      'alice@example.com</saml:NameID>',
    );
    await expect(
      app.sp().validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString('base64') }),
    ).rejects.toThrow(/signature/i);
  });
});

describe('B20: SP-initiated', () => {
  it('B20: HTTP-Redirect AuthnRequest with a portal session lands with InResponseTo bound and RelayState kept', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const sp = app.sp({ validateInResponseTo: 'always' as never });
    const start = await sp.getAuthorizeUrlAsync('relay-123', undefined, {});
    const page = await bob.client.follow(start);
    const form = postedForm(page);
    expect(form?.action).toBe(app.acsUrl);
    expect(form?.fields.RelayState).toBe('relay-123');
    const requestId = /ID="([^"]+)"/.exec(
      (await import('node:zlib'))
        .inflateRawSync(Buffer.from(new URL(start).searchParams.get('SAMLRequest') as string, 'base64'))
        .toString(),
    )?.[1];
    expect(responseXml(form as NonNullable<typeof form>)).toContain(`InResponseTo="${requestId}"`);
    const { profile } = await sp.validatePostResponseAsync(form?.fields as Record<string, string>);
    expect(profile?.nameID).toBe('bob@example.com');
    expect(profile?.inResponseTo).toBe(requestId);
  });

  it('B20: HTTP-POST AuthnRequest without a session goes through sign-in first', async () => {
    // The POST binding carries the request base64 only, not deflated (SAML Bindings §3.5.4).
    const sp = app.sp({ validateInResponseTo: 'always' as never, skipRequestCompression: true });
    const formHtml = await sp.getAuthorizeFormAsync('');
    const request = /name="SAMLRequest" value="([^"]+)"/.exec(formHtml)?.[1] as string;
    const client = new HttpClient();
    const pages: string[] = [];
    const page = await fillSignIn(
      client,
      await client.postForm(sso(), { SAMLRequest: request }),
      { email: 'bob@example.com', password: 'bob-demo-password' },
      pages,
    );
    expect(pages).toEqual(['email', 'password']);
    const form = postedForm(page);
    const { profile } = await sp.validatePostResponseAsync(form?.fields as Record<string, string>);
    expect(profile?.nameID).toBe('bob@example.com');
  });

  it('B20: ForceAuthn asks for the password again even with a live session', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const sp = app.sp({ forceAuthn: true });
    const pages: string[] = [];
    const page = await fillSignIn(
      bob.client,
      await bob.client.get(await sp.getAuthorizeUrlAsync('', undefined, {})),
      { email: 'bob@example.com', password: 'bob-demo-password' },
      pages,
    );
    expect(pages).toContain('password');
    const form = postedForm(page);
    const xml = responseXml(form as NonNullable<typeof form>);
    const authnInstant = Date.parse(/AuthnInstant="([^"]+)"/.exec(xml)?.[1] as string);
    expect(authnInstant).toBeGreaterThan((bob.claims.auth_time as number) * 1000 - 1);
  });

  it('B20: a RequestedAuthnContext of MFA steps up a password session and the answer states MFA', async () => {
    const alice = await signInAliceWithMfa(portal);
    // A password-only request is answered from alice's session at once.
    const plain = postedForm(
      await alice.client.follow(await app.sp().getAuthorizeUrlAsync('', undefined, {})),
    );
    expect(plain).toBeDefined();
    const sp = app.sp({ authnContext: [AUTHN_CONTEXT.mfa], racComparison: 'exact' });
    const form = postedForm(await alice.client.follow(await sp.getAuthorizeUrlAsync('', undefined, {})));
    expect(responseXml(form as NonNullable<typeof form>)).toContain(AUTHN_CONTEXT.mfa);

    const bob = await signInWithPassword(portal, 'bob');
    const stepUp = await bob.client.follow(await sp.getAuthorizeUrlAsync('', undefined, {}));
    expect(postedForm(stepUp)).toBeUndefined();
    // bob has no second factor yet: the portal asks him to set one up before the app opens.
    expect(['second-factor', 'enrol']).toContain(pageKind(stepUp));
  });
});

describe('B20: refused inputs', () => {
  const redirectTo = (xml: string) => `${sso()}?SAMLRequest=${encodeURIComponent(redirectBinding(xml))}`;

  it('B20: an AuthnRequest naming an ACS URL that is not registered gets no Response', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const xml = craftAuthnRequest({
      issuer: app.entityId,
      destination: sso(),
      acsUrl: 'https://evil.example/acs',
    });
    const page = await bob.client.follow(redirectTo(xml));
    expect(page.status).toBe(400);
    expect(page.body).toContain('not registered');
    expect(postedForm(page)).toBeUndefined();
    const good = craftAuthnRequest({ issuer: app.entityId, destination: sso(), acsUrl: app.acsUrl });
    expect(postedForm(await bob.client.follow(redirectTo(good)))?.action).toBe(app.acsUrl);
  });

  it('B20: an expired (or future) AuthnRequest is refused', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    for (const issueInstant of [new Date(Date.now() - 10 * 60_000), new Date(Date.now() + 10 * 60_000)]) {
      const xml = craftAuthnRequest({ issuer: app.entityId, destination: sso(), issueInstant });
      const page = await bob.client.follow(redirectTo(xml));
      expect(page.status).toBe(400);
      expect(page.body).toContain('expired');
      expect(postedForm(page)).toBeUndefined();
    }
  });

  it('B20: the same AuthnRequest replayed, and a used request handle, are refused', async () => {
    const bob = await signInWithPassword(portal, 'bob');
    const xml = craftAuthnRequest({ issuer: app.entityId, destination: sso(), id: '_replayed-once' });
    const first = await bob.client.get(redirectTo(xml));
    expect(first.status).toBe(302);
    const landed = await bob.client.continue(first);
    expect(postedForm(landed)).toBeDefined();
    expect((await bob.client.get(redirectTo(xml))).status).toBe(400);
    // The /saml/continue step of the answered request cannot be used again either.
    const continueUrl = landed.url;
    expect(continueUrl).toContain('/saml/continue');
    const again = await bob.client.get(continueUrl);
    expect(again.status).toBe(410);
    expect(postedForm(again)).toBeUndefined();
  });

  it('B20: a DTD / external entity payload is refused before parsing', async () => {
    const xml = craftAuthnRequest({
      issuer: `${app.entityId}&xxe;`,
      destination: sso(),
      prolog: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    });
    for (const result of [
      await new HttpClient().get(redirectTo(xml)),
      await new HttpClient().postForm(sso(), { SAMLRequest: Buffer.from(xml).toString('base64') }),
    ]) {
      expect(result.status).toBe(400);
      expect(result.location).toBeUndefined();
      expect(result.body).not.toContain('root:');
    }
    const audit = await portal.context.repos.audit.list({ limit: 50 });
    expect(JSON.stringify(audit)).toContain('DTD');
  });

  it('B20: a signature-wrapping shaped request (a second AuthnRequest inside) is refused', async () => {
    const inner = craftAuthnRequest({
      issuer: app.entityId,
      destination: sso(),
      acsUrl: 'https://evil.example/acs',
    });
    const xml = craftAuthnRequest({
      issuer: app.entityId,
      destination: sso(),
      acsUrl: app.acsUrl,
      extra: `<samlp:Extensions>${inner}</samlp:Extensions>`,
    });
    const bob = await signInWithPassword(portal, 'bob');
    const page = await bob.client.follow(redirectTo(xml));
    expect(page.status).toBe(400);
    expect(postedForm(page)).toBeUndefined();
  });

  it('B20: an Issuer that is no registered app, and garbage, are refused', async () => {
    const unknown = craftAuthnRequest({ issuer: 'https://stranger.example/sp', destination: sso() });
    expect((await new HttpClient().get(redirectTo(unknown))).status).toBe(400);
    expect((await new HttpClient().get(`${sso()}?SAMLRequest=not-base64!`)).status).toBe(400);
    expect((await new HttpClient().get(sso())).status).toBe(400);
  });
});
