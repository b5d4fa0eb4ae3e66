/**
 * Reading and checking an SP-initiated AuthnRequest (issue 14, B20), over the
 * HTTP-Redirect binding (`SAMLRequest` deflated in the query) or the HTTP-POST
 * binding (`SAMLRequest` in a form).
 *
 * Contract: {@link readAuthnRequest} either returns a {@link CheckedAuthnRequest}
 * (its app, the registered ACS the Response will go to, what authentication it
 * asks for) or throws {@link SamlRequestError} with a `code` the page branches
 * on. In order, it refuses:
 * - a DTD or entity declaration, before any XML parser sees the text (XXE;
 *   B20), and messages over {@link MAX_REQUEST_BYTES};
 * - anything samlify's XSD validation refuses (libxml2, schema of SAML 2.0);
 * - a message with more than one AuthnRequest or Issuer element: the checks
 *   below read one of each by absolute path, and a second copy elsewhere is the
 *   shape of a signature-wrapping attempt (B20);
 * - an Issuer that is no registered app (`unknown_app`);
 * - an ACS URL (or index) that is not one the admin registered for that app
 *   (`foreign_acs`), a binding other than HTTP-POST, a `Destination` other
 *   than this IdP's SSO address (`bad_request`);
 * - an `IssueInstant` older than {@link MAX_REQUEST_AGE_MS} or in the future
 *   beyond {@link CLOCK_SKEW_MS} (`expired`).
 *
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-core-2.0-os.pdf SAML Core §3.4.1 (AuthnRequest)
 * @see https://docs.oasis-open.org/security/saml/v2.0/saml-bindings-2.0-os.pdf SAML Bindings §3.4, §3.5
 */
import { inflateRawSync } from 'node:zlib';
import type { PortalContext } from '../context.ts';
import type { AppRecord } from '../repo/apps.ts';
import type { SamlServiceProvider } from '../repo/saml.ts';
import { POST_BINDING, samlSsoUrl } from './idp.ts';
import { AUTHN_CONTEXT } from './response.ts';
import { type SamlifyBinding, type SamlifyIdentityProvider, samlify } from './samlify.ts';

/** Largest SAMLRequest accepted, decoded (a real AuthnRequest is a few KB). */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** Oldest AuthnRequest answered, by its IssueInstant. */
export const MAX_REQUEST_AGE_MS = 5 * 60_000;
/** Tolerance for an SP clock that runs ahead. */
export const CLOCK_SKEW_MS = 60_000;

/** Why a request was refused (the page says it in the person's language). */
export class SamlRequestError extends Error {
  override name = 'SamlRequestError';
  constructor(
    readonly code: 'bad_request' | 'unknown_app' | 'foreign_acs' | 'expired' | 'not_assigned',
    message: string,
  ) {
    super(message);
  }
}

/** A request that passed every check. */
export interface CheckedAuthnRequest {
  app: AppRecord;
  sp: SamlServiceProvider;
  /** The AuthnRequest's ID (the Response's `InResponseTo`). */
  requestId: string;
  /** The registered ACS the Response goes to. */
  acsUrl: string;
  forceAuthn: boolean;
  /** The app or the request wants a second factor. */
  wantsMfa: boolean;
}

/** The raw parameters of either binding. */
export interface AuthnRequestInput {
  binding: SamlifyBinding;
  samlRequest: string;
}

type RequestContext = Pick<PortalContext, 'repos' | 'issuer' | 'clock'>;

/** Classes a password alone satisfies; anything else asked for needs the second factor. */
const PASSWORD_CLASSES = new Set<string>([
  AUTHN_CONTEXT.password,
  AUTHN_CONTEXT.passwordProtectedTransport,
  'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified',
]);

function decode({ binding, samlRequest }: AuthnRequestInput): string {
  try {
    const bytes = Buffer.from(samlRequest, 'base64');
    const xml =
      binding === 'redirect' ? inflateRawSync(bytes, { maxOutputLength: MAX_REQUEST_BYTES }) : bytes;
    if (xml.length > MAX_REQUEST_BYTES) throw new Error('too large');
    return xml.toString('utf8');
  } catch {
    throw new SamlRequestError('bad_request', 'The SAMLRequest is not base64 (deflated for HTTP-Redirect).');
  }
}

/** How many elements of this local name the text opens (any prefix). */
function countElements(xml: string, localName: string): number {
  return xml.match(new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${localName}[\\s/>]`, 'g'))?.length ?? 0;
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** Whether a RequestedAuthnContext asks for more than a password (B20: a stronger context is honoured). */
export function requestsSecondFactor(classRefs: string[], comparison: string | undefined): boolean {
  if (classRefs.length === 0) return false;
  if (comparison === 'better') return true;
  if (comparison === 'maximum') return false;
  // exact / minimum (the default): a password answers it only when every class named is a password class.
  return classRefs.some((ref) => !PASSWORD_CLASSES.has(ref));
}

/** Reads and checks an AuthnRequest; see the module comment for what it refuses. */
export async function readAuthnRequest(
  ctx: RequestContext,
  idp: SamlifyIdentityProvider,
  input: AuthnRequestInput,
): Promise<CheckedAuthnRequest> {
  const xml = decode(input);
  if (/<!(?:DOCTYPE|ENTITY)/i.test(xml)) {
    throw new SamlRequestError('bad_request', 'The SAMLRequest declares a DTD or entities.');
  }
  // samlify reads the message itself from the parameters; any SP handle serves, it only checks signatures with it.
  const anySp = samlify().ServiceProvider({
    entityID: 'urn:portal-launcher:any-sp',
    wantAssertionsSigned: true,
    wantMessageSigned: false,
    assertionConsumerService: [{ Binding: POST_BINDING, Location: ctx.issuer }],
  });
  const parsed = await idp
    .parseLoginRequest(
      anySp,
      input.binding,
      input.binding === 'redirect'
        ? { query: { SAMLRequest: encodeURIComponent(input.samlRequest) } }
        : { body: { SAMLRequest: input.samlRequest } },
    )
    .catch(() => {
      throw new SamlRequestError('bad_request', 'The SAMLRequest is not a valid SAML 2.0 AuthnRequest.');
    });
  const content = parsed.samlContent;
  if (countElements(content, 'AuthnRequest') !== 1 || countElements(content, 'Issuer') !== 1) {
    throw new SamlRequestError(
      'bad_request',
      'The SAMLRequest must hold exactly one AuthnRequest and one Issuer.',
    );
  }
  const request = (parsed.extract.request ?? {}) as Record<string, string | undefined>;
  const issuer = parsed.extract.issuer;
  const extra = samlify().Extractor.extract(content, [
    {
      key: 'options',
      localPath: ['AuthnRequest'],
      attributes: ['ForceAuthn', 'ProtocolBinding', 'AssertionConsumerServiceIndex'],
    },
    { key: 'comparison', localPath: ['AuthnRequest', 'RequestedAuthnContext'], attributes: ['Comparison'] },
    {
      key: 'classRefs',
      localPath: ['AuthnRequest', 'RequestedAuthnContext', 'AuthnContextClassRef'],
      attributes: [],
    },
  ]);
  const options = (extra.options ?? {}) as Record<string, string | undefined>;

  const sp = typeof issuer === 'string' ? await ctx.repos.saml.findByEntityId(issuer) : undefined;
  const app = sp && (await ctx.repos.apps.findById(sp.appId));
  if (!sp || !app || app.kind !== 'saml') {
    throw new SamlRequestError('unknown_app', 'The AuthnRequest names no registered app.');
  }
  if (options.protocolBinding !== undefined && options.protocolBinding !== POST_BINDING) {
    throw new SamlRequestError('bad_request', 'Only the HTTP-POST binding is offered for Responses.');
  }
  if (request.destination !== undefined && request.destination !== samlSsoUrl(ctx.issuer)) {
    throw new SamlRequestError('bad_request', 'The AuthnRequest is addressed to another identity provider.');
  }
  let acsUrl = sp.acsUrls[0] as string;
  if (request.assertionConsumerServiceUrl !== undefined) {
    if (!sp.acsUrls.includes(request.assertionConsumerServiceUrl)) {
      throw new SamlRequestError(
        'foreign_acs',
        'The AuthnRequest names an ACS URL not registered for the app.',
      );
    }
    acsUrl = request.assertionConsumerServiceUrl;
  } else if (options.assertionConsumerServiceIndex !== undefined) {
    const registered = sp.acsUrls[Number(options.assertionConsumerServiceIndex)];
    if (!registered)
      throw new SamlRequestError('foreign_acs', 'The AuthnRequest names an unknown ACS index.');
    acsUrl = registered;
  }
  const issuedAt = Date.parse(request.issueInstant ?? '');
  const now = ctx.clock();
  if (!Number.isFinite(issuedAt) || issuedAt < now - MAX_REQUEST_AGE_MS || issuedAt > now + CLOCK_SKEW_MS) {
    throw new SamlRequestError('expired', 'The AuthnRequest was issued too long ago (or in the future).');
  }
  const comparison = typeof extra.comparison === 'string' ? extra.comparison : undefined;
  return {
    app,
    sp,
    requestId: request.id as string,
    acsUrl,
    forceAuthn: options.forceAuthn === 'true' || options.forceAuthn === '1',
    wantsMfa: app.requiresMfa || requestsSecondFactor(asList(extra.classRefs), comparison),
  };
}
