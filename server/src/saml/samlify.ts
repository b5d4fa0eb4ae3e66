/**
 * The one door to `samlify` (the SAML library of the portal's identity
 * provider, issue 14): it signs Responses and Assertions (through xml-crypto)
 * and decodes, schema-validates and reads AuthnRequests. Nothing else in the
 * portal requires samlify.
 *
 * Why a hand-written interface instead of `import 'samlify'`: samlify's type
 * declarations import `@xmldom/xmldom`, whose types pull the DOM type library
 * into the server's type check (`tsc -p server`), where DOM's global `Request`,
 * `Response`, `crypto` and friends then clash with Node's and break other
 * server modules. So samlify is loaded with `createRequire` (tsc does not
 * follow it) and typed here with exactly the members the portal uses, checked
 * against samlify 2.13.1 (pinned in package.json). If an upgrade changes one of
 * them, the SAML tests fail at the call.
 *
 * Schema validation: every inbound message is validated against the SAML XSDs
 * by `@authenio/samlify-xmllint-wasm` (libxml2 compiled to WebAssembly), set
 * once below; samlify refuses to parse anything without a validator.
 */
import { createRequire } from 'node:module';

/** A SAML binding by samlify's short name. */
export type SamlifyBinding = 'post' | 'redirect';

/** An endpoint in metadata (`Binding` is the binding's URN). */
export interface SamlifyEndpoint {
  Binding: string;
  Location: string;
  isDefault?: boolean;
}

/** An endpoint as samlify's metadata reader returns it. */
export interface SamlifyMetadataEndpoint {
  binding?: string;
  location?: string;
  isDefault?: string;
}

/** What samlify's extractor read from a message. */
export interface SamlifyParseResult {
  samlContent: string;
  extract: Record<string, unknown>;
}

/** A service provider handle (samlify `ServiceProvider`). */
export interface SamlifyServiceProvider {
  entityMeta: {
    getEntityID(): string;
    /** Every AssertionConsumerService in the metadata: one entry or a list (attribute names lowercased). */
    getAssertionConsumerService(): SamlifyMetadataEndpoint | SamlifyMetadataEndpoint[] | undefined;
  };
}

/** An identity provider handle (samlify `IdentityProvider`). */
export interface SamlifyIdentityProvider {
  getMetadata(): string;
  createLoginResponse(
    sp: SamlifyServiceProvider,
    requestInfo: null,
    binding: 'post',
    user: Record<string, unknown>,
    options: { customTagReplacement: (template: string) => { id: string; context: string } },
  ): Promise<{ context: string; entityEndpoint: string }>;
  parseLoginRequest(
    sp: SamlifyServiceProvider,
    binding: SamlifyBinding,
    request: { query?: Record<string, unknown>; body?: Record<string, unknown>; octetString?: string },
  ): Promise<SamlifyParseResult>;
}

/** Settings of {@link Samlify.IdentityProvider} the portal passes. */
export interface SamlifyIdpSettings {
  /** The IdP's own metadata XML (entity ID, certificate, endpoints). */
  metadata: string;
  privateKey: string;
  requestSignatureAlgorithm: string;
}

/** Settings of {@link Samlify.ServiceProvider} the portal passes (by hand, or metadata XML). */
export type SamlifySpSettings =
  | {
      entityID: string;
      wantAssertionsSigned: boolean;
      wantMessageSigned: boolean;
      assertionConsumerService: SamlifyEndpoint[];
    }
  | { metadata: string; wantMessageSigned?: boolean };

/** One field for samlify's XPath extractor (by local names). */
export interface SamlifyExtractorField {
  key: string;
  localPath: string[];
  attributes: string[];
  context?: boolean;
}

/** The members of samlify's module the portal uses. */
interface Samlify {
  IdentityProvider(settings: SamlifyIdpSettings): SamlifyIdentityProvider;
  ServiceProvider(settings: SamlifySpSettings): SamlifyServiceProvider;
  setSchemaValidator(validator: { validate(xml: string): Promise<unknown> }): void;
  SamlLib: {
    /** Fills `{Tag}` placeholders, XML-escaping every value. */
    replaceTagsByValue(template: string, values: Record<string, string>): string;
  };
  Extractor: {
    extract(xml: string, fields: SamlifyExtractorField[]): Record<string, unknown>;
  };
}

const require = createRequire(import.meta.url);
let loaded: Samlify | undefined;

/**
 * samlify, with the XSD validator installed; loaded on first use (it and the
 * WebAssembly validator take a second or two to load, which admin commands
 * that do not touch SAML should not pay).
 */
export function samlify(): Samlify {
  if (!loaded) {
    loaded = require('samlify') as Samlify;
    loaded.setSchemaValidator(
      require('@authenio/samlify-xmllint-wasm') as { validate(xml: string): Promise<unknown> },
    );
  }
  return loaded;
}
