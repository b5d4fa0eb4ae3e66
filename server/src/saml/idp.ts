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
import type { SamlIdpKeys } from './idp-keys.ts';
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

/** Builds the samlify identity provider of this issuer. */
export function createSamlIdp(issuer: string, keys: SamlIdpKeys): SamlifyIdentityProvider {
  return samlify().IdentityProvider({
    entityID: samlEntityId(issuer),
    privateKey: keys.privateKey,
    signingCert: keys.certificate,
    wantAuthnRequestsSigned: false,
    requestSignatureAlgorithm: RSA_SHA256,
    singleSignOnService: [
      { Binding: REDIRECT_BINDING, Location: samlSsoUrl(issuer) },
      { Binding: POST_BINDING, Location: samlSsoUrl(issuer) },
    ],
    nameIDFormat: [NAME_ID_FORMATS.email, NAME_ID_FORMATS.persistent],
  });
}
