/**
 * The portal as a SAML 2.0 identity provider (issue 14): its entity ID, its
 * single sign-on address and its metadata, over the key and certificate of
 * saml/idp-keys.ts.
 *
 * One entity for all apps: the entity ID is the metadata's own address
 * (`{issuer}/saml/metadata`, a common convention that lets an SP fetch
 * metadata from the ID), and the SSO service answers both the HTTP-Redirect and
 * the HTTP-POST binding at `{issuer}/saml/sso`. AuthnRequests need not be
 * signed (`WantAuthnRequestsSigned="false"`): a Response only ever goes to an
 * ACS URL the admin registered, so a forged request gains nothing.
 */
import { NAME_ID_FORMATS } from '../repo/saml.ts';
import { escapeHtml } from '../views/html.ts';
import { certificateBody, type SamlIdpKeys } from './idp-keys.ts';
import { type SamlifyIdentityProvider, samlify } from './samlify.ts';

/** The HTTP-POST binding's URN (the only one the portal sends Responses over). */
export const POST_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
/** The HTTP-Redirect binding's URN (AuthnRequests may come either way). */
export const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** RSA-SHA256 (B20: SHA-256 or better), by its XML-DSig URI. */
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/** The IdP's entity ID on this issuer. */
export function samlEntityId(issuer: string): string {
  return `${issuer}/saml/metadata`;
}

/** The IdP's single sign-on service on this issuer. */
export function samlSsoUrl(issuer: string): string {
  return `${issuer}/saml/sso`;
}

/**
 * The IdP's metadata: entity ID, signing certificate, NameID formats and the
 * SSO service for both bindings. No SingleLogoutService: the portal offers
 * none (sign-out is the launcher's, through OpenID Connect).
 */
export function samlMetadata(issuer: string, keys: SamlIdpKeys): string {
  const sso = escapeHtml(samlSsoUrl(issuer));
  return (
    `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeHtml(samlEntityId(issuer))}">` +
    '<IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
    `<KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(keys)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></KeyDescriptor>` +
    `<NameIDFormat>${NAME_ID_FORMATS.email}</NameIDFormat><NameIDFormat>${NAME_ID_FORMATS.persistent}</NameIDFormat>` +
    `<SingleSignOnService Binding="${REDIRECT_BINDING}" Location="${sso}"/>` +
    `<SingleSignOnService Binding="${POST_BINDING}" Location="${sso}"/>` +
    '</IDPSSODescriptor></EntityDescriptor>'
  );
}

/** Builds the samlify identity provider of this issuer (from {@link samlMetadata}). */
export function createSamlIdp(issuer: string, keys: SamlIdpKeys): SamlifyIdentityProvider {
  return samlify().IdentityProvider({
    metadata: samlMetadata(issuer, keys),
    privateKey: keys.privateKey,
    requestSignatureAlgorithm: RSA_SHA256,
  });
}
