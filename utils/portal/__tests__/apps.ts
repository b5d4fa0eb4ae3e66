import type { PortalApp } from '../../../contract/schemas.ts';

/** A catalog app for unit tests: named after its id, no icon, no MFA, unless `extra` says otherwise. */
export const testApp = (id: string, extra: Partial<PortalApp> = {}): PortalApp => ({
  id,
  name: `App ${id}`,
  description: null,
  iconUrl: null,
  category: null,
  requiresMfa: false,
  mfaMaxAgeSeconds: null,
  kind: 'oidc',
  url: null,
  detailsUrl: null,
  ...extra,
});
