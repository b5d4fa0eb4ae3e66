/**
 * Signed SAML 2.0 Responses of the portal's identity provider (issue 14, B20).
 *
 * What goes in is decided here; samlify signs it (xml-crypto, exclusive
 * c14n, RSA-SHA256): first the Assertion, then the Response around it. The
 * rules (B20):
 * - `Destination` and `Recipient` are the one registered ACS URL the caller
 *   chose (saml/sso.ts checks it against the app's list); `Audience` is the
 *   app's entity ID;
 * - `NotOnOrAfter` at most {@link ASSERTION_LIFETIME_S} after issue;
 * - `InResponseTo` only in answer to a request (IdP-initiated: none);
 * - `AuthnInstant` is when the person really authenticated and
 *   `AuthnContextClassRef` says how (REFEDS MFA after a second factor).
 *
 * The XML comes from a fixed template whose `{Tag}` placeholders are filled
 * in one pass here, every value XML-escaped. samlify's own filler replaces
 * tag after tag, so a person's name that contains `{Audience}` would be
 * expanded by a later round; one pass leaves it as the text it is.
 *
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-profiles-2.0-os.pdf SAML Profiles §4.1.4 (Web SSO Response)
 * @see https://refeds.org/profile/mfa REFEDS MFA profile
 */
import { randomBytes } from 'node:crypto';
import { ACR_MFA } from '../../../contract/constants.ts';
import type { ProfileFieldName } from '../../../contract/schemas.ts';
import { NAME_ID_FORMATS, type SamlServiceProvider } from '../repo/saml.ts';
import type { UserRecord } from '../repo/users.ts';
import { escapeHtml } from '../views/html.ts';
import { POST_BINDING, samlEntityId } from './idp.ts';
import { type SamlifyIdentityProvider, samlify } from './samlify.ts';

/** Longest an assertion is valid (B20: at most 5 minutes). */
export const ASSERTION_LIFETIME_S = 300;

/** Authentication context classes the portal states. */
export const AUTHN_CONTEXT = {
  /** A password and a second factor. */
  mfa: 'https://refeds.org/profile/mfa',
  /** A password over TLS. */
  passwordProtectedTransport: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
  /** A password over plain HTTP (loopback development portals). */
  password: 'urn:oasis:names:tc:SAML:2.0:ac:classes:Password',
} as const;

/** How the person authenticated (the session's or the launching token's `acr` and `auth_time`). */
export interface Authentication {
  acr: string | null;
  /** Seconds since the epoch. */
  authTime: number;
}

/** What one Response says. */
export interface ResponseInput {
  issuer: string;
  sp: SamlServiceProvider;
  /** One of `sp.acsUrls`, checked by the caller. */
  acsUrl: string;
  user: UserRecord;
  authentication: Authentication;
  /** The AuthnRequest's ID when answering one (SP-initiated). */
  inResponseTo?: string;
  /** Milliseconds since the epoch. */
  now: number;
}

/** The class reference that tells the truth about `authentication` on this issuer. */
export function authnContextClassRef(authentication: Authentication, issuer: string): string {
  if (authentication.acr === ACR_MFA) return AUTHN_CONTEXT.mfa;
  return issuer.startsWith('https:') ? AUTHN_CONTEXT.passwordProtectedTransport : AUTHN_CONTEXT.password;
}

/** Fills `{Tag}` placeholders in one pass (see the module comment); an unknown tag is an error. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_match, tag: string) => {
    const value = values[tag];
    if (value === undefined) throw new Error(`SAML template tag {${tag}} has no value`);
    // The pages' escaper: its five entities (&#39; for ') are XML's too.
    return escapeHtml(value);
  });
}

function attributeTemplate(index: number): string {
  return (
    `<saml:Attribute Name="{AttrName${index}}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">` +
    `<saml:AttributeValue xsi:type="xs:string">{AttrValue${index}}</saml:AttributeValue></saml:Attribute>`
  );
}

function responseTemplate(answersRequest: boolean, attributeCount: number): string {
  const inResponseTo = answersRequest ? ' InResponseTo="{InResponseTo}"' : '';
  const attributes =
    attributeCount === 0
      ? ''
      : `<saml:AttributeStatement>${Array.from({ length: attributeCount }, (_, i) => attributeTemplate(i)).join('')}</saml:AttributeStatement>`;
  return (
    '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"' +
    ` ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}"${inResponseTo}>` +
    '<saml:Issuer>{Issuer}</saml:Issuer>' +
    '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
    '<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema"' +
    ' ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}">' +
    '<saml:Issuer>{Issuer}</saml:Issuer>' +
    '<saml:Subject><saml:NameID Format="{NameIDFormat}">{NameID}</saml:NameID>' +
    '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">' +
    `<saml:SubjectConfirmationData NotOnOrAfter="{NotOnOrAfter}" Recipient="{Destination}"${inResponseTo}/>` +
    '</saml:SubjectConfirmation></saml:Subject>' +
    '<saml:Conditions NotBefore="{IssueInstant}" NotOnOrAfter="{NotOnOrAfter}">' +
    '<saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
    '<saml:AuthnStatement AuthnInstant="{AuthnInstant}" SessionIndex="{AssertionID}">' +
    '<saml:AuthnContext><saml:AuthnContextClassRef>{AuthnContextClassRef}</saml:AuthnContextClassRef></saml:AuthnContext>' +
    `</saml:AuthnStatement>${attributes}</saml:Assertion></samlp:Response>`
  );
}

/** A SAML ID: an NCName (starts with a letter or `_`), 160 random bits. */
function newId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

function profileValue(user: UserRecord, field: string): string | null {
  if (field === 'email') return user.email;
  const value = user[field as Exclude<ProfileFieldName, 'email'>];
  return typeof value === 'string' ? value : null;
}

/**
 * Builds and signs a Response for `input`; returns it base64-encoded (the
 * `SAMLResponse` form field) with the ACS it goes to.
 */
export async function createSignedResponse(
  idp: SamlifyIdentityProvider,
  input: ResponseInput,
): Promise<{ samlResponse: string; acsUrl: string }> {
  const { sp, user, authentication, now } = input;
  const attributes = Object.entries(sp.attributes)
    .map(([name, field]) => [name, profileValue(user, field)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== null);
  const values: Record<string, string> = {
    ID: newId(),
    AssertionID: newId(),
    IssueInstant: new Date(now).toISOString(),
    NotOnOrAfter: new Date(now + ASSERTION_LIFETIME_S * 1000).toISOString(),
    Destination: input.acsUrl,
    Issuer: samlEntityId(input.issuer),
    Audience: sp.entityId,
    NameIDFormat: NAME_ID_FORMATS[sp.nameId],
    // persistent: the portal's stable, opaque user id, the same for every app (no email in it).
    NameID: sp.nameId === 'persistent' ? user.id : user.email,
    AuthnInstant: new Date(authentication.authTime * 1000).toISOString(),
    AuthnContextClassRef: authnContextClassRef(authentication, input.issuer),
    ...(input.inResponseTo !== undefined ? { InResponseTo: input.inResponseTo } : {}),
    ...Object.fromEntries(
      attributes.flatMap(([name, value], i) => [
        [`AttrName${i}`, name],
        [`AttrValue${i}`, value],
      ]),
    ),
  };
  const xml = fill(responseTemplate(input.inResponseTo !== undefined, attributes.length), values);
  // samlify posts to the SP's POST ACS: give it exactly the one chosen, signing Assertion and Response.
  const target = samlify().ServiceProvider({
    entityID: sp.entityId,
    wantAssertionsSigned: true,
    wantMessageSigned: true,
    assertionConsumerService: [{ Binding: POST_BINDING, Location: input.acsUrl }],
  });
  const response = await idp.createLoginResponse(
    target,
    null,
    'post',
    { email: user.email },
    {
      customTagReplacement: () => ({ id: values.ID as string, context: xml }),
    },
  );
  return { samlResponse: response.context, acsUrl: input.acsUrl };
}
