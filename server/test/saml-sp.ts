/**
 * Test helper: an independent SAML service provider (`@node-saml/node-saml`,
 * not the portal's samlify) registered with a test portal, to check the
 * portal's Responses the way a real app does (B20), plus readers for the
 * auto-posting form and hand-crafted AuthnRequests.
 */
import { deflateRawSync } from 'node:zlib';
import { SAML, type SamlConfig, ValidateInResponseTo } from '@node-saml/node-saml';
import { newApp } from '../src/repo/apps.ts';
import type { HttpResult } from './http.ts';
import { parseForms } from './http.ts';
import type { TestPortal } from './portal.ts';

/** A registered SAML app and an SP for it. */
export interface TestSp {
  appId: string;
  entityId: string;
  acsUrl: string;
  /** A node-saml SP for this app; `options` override its settings. */
  sp(options?: Partial<SamlConfig>): SAML;
}

let counter = 0;

/** The certificate (base64 DER) the portal publishes in its IdP metadata. */
export async function idpCertificate(portal: TestPortal): Promise<string> {
  const metadata = await (await fetch(`${portal.issuer}/saml/metadata`)).text();
  const cert = /<(?:ds:)?X509Certificate>([^<]+)</.exec(metadata)?.[1];
  if (!cert) throw new Error('The IdP metadata has no certificate.');
  return cert.replace(/\s+/g, '');
}

/** Registers a SAML app (by hand, as `app add-saml` does) and assigns it to `assign`. */
export async function registerTestSp(
  portal: TestPortal,
  options: { requiresMfa?: boolean; assign?: string[]; attributes?: Record<string, string> } = {},
): Promise<TestSp> {
  counter += 1;
  const appId = `saml-test-${counter}`;
  const entityId = `https://sp-${counter}.example.test/saml`;
  const acsUrl = `https://sp-${counter}.example.test/saml/acs`;
  const { repos } = portal.context;
  await repos.apps.upsert(
    newApp({
      id: appId,
      kind: 'saml',
      name: `SAML Test ${counter}`,
      requiresMfa: options.requiresMfa ?? false,
    }),
  );
  await repos.saml.upsert({
    appId,
    entityId,
    acsUrls: [acsUrl],
    nameId: 'email',
    attributes: options.attributes ?? { mail: 'email', displayName: 'displayName' },
  });
  for (const email of options.assign ?? []) {
    const user = await repos.users.findByEmail(email);
    if (!user) throw new Error(`no user ${email}`);
    await repos.apps.assign(appId, user.id);
  }
  const idpCert = await idpCertificate(portal);
  return {
    appId,
    entityId,
    acsUrl,
    sp: (overrides = {}) =>
      new SAML({
        idpCert,
        issuer: entityId,
        audience: entityId,
        callbackUrl: acsUrl,
        entryPoint: `${portal.issuer}/saml/sso`,
        idpIssuer: `${portal.issuer}/saml/metadata`,
        wantAssertionsSigned: true,
        wantAuthnResponseSigned: true,
        validateInResponseTo: ValidateInResponseTo.ifPresent,
        ...overrides,
      }),
  };
}

/** The auto-posting form on a page: where it posts and its fields. */
export function postedForm(page: HttpResult): { action: string; fields: Record<string, string> } | undefined {
  const form = parseForms(page.body, page.url).find((f) => 'SAMLResponse' in f.fields);
  return form && { action: form.action, fields: form.fields };
}

/** The decoded XML of a posted Response. */
export function responseXml(form: { fields: Record<string, string> }): string {
  return Buffer.from(form.fields.SAMLResponse as string, 'base64').toString('utf8');
}

/** An AuthnRequest written by hand (for what no real SP would send). */
export function craftAuthnRequest(options: {
  issuer: string;
  destination: string;
  acsUrl?: string;
  id?: string;
  issueInstant?: Date;
  extra?: string;
  prolog?: string;
}): string {
  const acs = options.acsUrl ? ` AssertionConsumerServiceURL="${options.acsUrl}"` : '';
  return (
    `${options.prolog ?? ''}<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ` +
    `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${options.id ?? `_${Math.random().toString(16).slice(2)}`}" ` +
    `Version="2.0" IssueInstant="${(options.issueInstant ?? new Date()).toISOString()}" ` +
    `Destination="${options.destination}"${acs}>` +
    `<saml:Issuer>${options.issuer}</saml:Issuer>${options.extra ?? ''}</samlp:AuthnRequest>`
  );
}

/** The HTTP-Redirect binding's query value for an AuthnRequest. */
export function redirectBinding(xml: string): string {
  return deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');
}
