/**
 * Provider-only mode (an issuer without the portal API): the catalog and
 * profile the launcher builds itself, from policy and from OpenID claims, in
 * the same shapes the portal API answers, so search, favorites, recents, pins,
 * the MFA marker and the profile card work unchanged.
 *
 * Contract: pure functions over plain data; nothing here fetches or holds
 * tokens. App URLs never leave the background: the catalog shape has no URL
 * field, and a launch names an app id (A9).
 */

import { type Me, meSchema, type PortalApp, type ProfileField } from '../../contract/schemas.ts';
import type { PolicyApp } from '../policy/schema.ts';
import type { ProfileClaims } from './oidc.ts';
import { initialsOf } from './profile.ts';

/** Why profile fields cannot be edited in provider-only mode. */
export const PROVIDER_MANAGED_REASON = 'Managed by your identity provider';

/**
 * The policy's apps as catalog entries: the portal API's app shape, without
 * the `url` the background opens (shown only for a bookmark, whose link it is).
 */
export function catalogAppsFromPolicy(apps: readonly PolicyApp[]): PortalApp[] {
  return apps.map((app) => ({
    id: app.id,
    kind: app.kind,
    name: app.name,
    description: app.description,
    iconUrl: app.iconUrl,
    category: app.category,
    requiresMfa: app.requiresMfa,
    mfaMaxAgeSeconds: app.mfaMaxAgeSeconds,
    detailsUrl: app.detailsUrl,
    // A bookmark's link is what it opens; the other kinds' URL stays with the background.
    url: app.kind === 'bookmark' ? app.url : null,
  }));
}

/**
 * A read-only profile (the `GET /me` shape) from the provider's claims: the
 * userinfo answer, or the ID token's name and email when the provider has no
 * userinfo endpoint. Null when the claims carry no usable email address,
 * which the profile shape requires.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
 */
export function profileFromClaims(claims: ProfileClaims): Me | null {
  const joined = [claims.givenName, claims.familyName].filter(Boolean).join(' ');
  const displayName = claims.name ?? (joined || claims.email);
  if (!displayName || !claims.email) return null;
  const field = (name: ProfileField['name'], label: string, value: string | null): ProfileField[] =>
    value ? [{ name, label, value, editable: false, lockedReason: PROVIDER_MANAGED_REASON }] : [];
  const candidate: Me = {
    id: claims.sub.slice(0, 100),
    email: claims.email,
    displayName: displayName.slice(0, 200),
    initials: initialsOf(displayName),
    jobTitle: claims.jobTitle,
    photoUrl: claims.picture,
    // Unknown to a plain provider; the MFA section is hidden in this mode.
    mfa: { totp: false },
    sections: [
      {
        id: 'details',
        title: 'Details',
        fields: [
          ...field('displayName', 'Name', displayName),
          ...field('email', 'Email', claims.email),
          ...field('firstName', 'First name', claims.givenName),
          ...field('lastName', 'Last name', claims.familyName),
          ...field('phone', 'Phone', claims.phone),
        ],
      },
      ...(claims.jobTitle
        ? [
            {
              id: 'employment' as const,
              title: 'Employment',
              fields: field('jobTitle', 'Job title', claims.jobTitle),
            },
          ]
        : []),
    ],
  };
  // The same schema the portal's answers pass (C8): a malformed email or picture yields no profile.
  const parsed = meSchema.safeParse(candidate);
  return parsed.success ? parsed.data : null;
}

/** The ID token's part of the profile, for providers without a userinfo endpoint. */
export function claimsFromIdToken(user: {
  sub: string;
  name: string | null;
  email: string | null;
}): ProfileClaims {
  return {
    sub: user.sub,
    name: user.name,
    givenName: null,
    familyName: null,
    email: user.email,
    phone: null,
    picture: null,
    jobTitle: null,
  };
}
