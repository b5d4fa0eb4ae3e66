/**
 * Reading a SAML service provider's metadata (the file an admin downloads
 * from the app, `app add-saml --metadata FILE`): its entity ID and its
 * HTTP-POST AssertionConsumerService URLs, through samlify's metadata reader.
 * A DTD or entity declaration is refused before any parser sees the text.
 */
import { POST_BINDING } from './idp.ts';
import { type SamlifyServiceProvider, samlify } from './samlify.ts';

/** Metadata that cannot be used, with what is wrong in words. */
export class SpMetadataError extends Error {
  override name = 'SpMetadataError';
}

/** What the portal takes from SP metadata. */
export interface SpMetadata {
  entityId: string;
  /** HTTP-POST ACS locations, the default first. */
  acsUrls: string[];
}

/** Reads SP metadata XML. @throws {SpMetadataError} */
export function readSpMetadata(xml: string): SpMetadata {
  if (/<!(?:DOCTYPE|ENTITY)/i.test(xml))
    throw new SpMetadataError('the metadata declares a DTD or entities.');
  let entityId: string;
  let acs: ReturnType<SamlifyServiceProvider['entityMeta']['getAssertionConsumerService']>;
  try {
    const sp = samlify().ServiceProvider({ metadata: xml });
    entityId = sp.entityMeta.getEntityID();
    acs = sp.entityMeta.getAssertionConsumerService();
  } catch (error) {
    throw new SpMetadataError(`it is not SAML 2.0 SP metadata (${(error as Error).message}).`);
  }
  const acsUrls = (Array.isArray(acs) ? acs : acs ? [acs] : [])
    .filter((endpoint) => endpoint.binding === POST_BINDING && endpoint.location)
    // The one marked isDefault answers requests that name no ACS; otherwise document order.
    .sort((a, b) => Number(b.isDefault === 'true') - Number(a.isDefault === 'true'))
    .map((endpoint) => endpoint.location as string);
  if (typeof entityId !== 'string' || !entityId) throw new SpMetadataError('it has no entityID.');
  if (acsUrls.length === 0) {
    throw new SpMetadataError('it has no AssertionConsumerService with the HTTP-POST binding.');
  }
  return { entityId, acsUrls };
}
