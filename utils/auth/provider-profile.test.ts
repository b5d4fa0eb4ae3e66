import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { appSchema } from '../../contract/schemas.ts';
import { policyAppSchema } from '../policy/schema.ts';
import {
  catalogAppsFromPolicy,
  claimsFromIdToken,
  PROVIDER_MANAGED_REASON,
  profileFromClaims,
} from './provider-profile.ts';

const claims = {
  sub: 'user-1',
  name: 'Alice Example',
  givenName: 'Alice',
  familyName: 'Example',
  email: 'alice@example.com',
  phone: null,
  picture: 'https://cdn.example.test/alice.png',
  jobTitle: 'Payroll lead',
};

describe('provider-only catalog and profile', () => {
  it('A9: policy apps become catalog apps without their URL, valid against the portal app schema', () => {
    const app = policyAppSchema.parse({
      id: 'payroll',
      name: 'Payroll',
      url: 'https://payroll.example.test/login',
      requiresMfa: true,
      mfaMaxAgeSeconds: 300,
      detailsUrl: 'https://intranet.example.test/apps/payroll',
    });
    const [entry] = catalogAppsFromPolicy([app]);
    expect(entry?.url).toBeNull();
    expect(z.strictObject(appSchema.shape).parse(entry)).toEqual({
      id: 'payroll',
      kind: 'oidc',
      url: null,
      name: 'Payroll',
      description: null,
      iconUrl: null,
      category: null,
      requiresMfa: true,
      mfaMaxAgeSeconds: 300,
      detailsUrl: 'https://intranet.example.test/apps/payroll',
    });
  });

  it('a policy bookmark keeps its link (shown with a link mark); a policy SAML app keeps its kind only', () => {
    const [bookmark, saml] = catalogAppsFromPolicy([
      policyAppSchema.parse({
        id: 'handbook',
        kind: 'bookmark',
        name: 'Handbook',
        url: 'https://handbook.example.test/',
      }),
      policyAppSchema.parse({
        id: 'expenses',
        kind: 'saml',
        name: 'Expenses',
        url: 'https://idp.example.test/sso/saml?app=exp',
      }),
    ]);
    expect(bookmark).toMatchObject({ kind: 'bookmark', url: 'https://handbook.example.test/' });
    expect(saml).toMatchObject({ kind: 'saml', url: null });
    expect(() =>
      policyAppSchema.parse({ id: 'x', kind: 'ftp', name: 'X', url: 'https://x.example.test/' }),
    ).toThrow();
  });

  it('builds a read-only profile from userinfo claims, with the job title when there is one', () => {
    const me = profileFromClaims(claims);
    expect(me).toMatchObject({
      id: 'user-1',
      email: 'alice@example.com',
      displayName: 'Alice Example',
      initials: 'AE',
      jobTitle: 'Payroll lead',
      photoUrl: 'https://cdn.example.test/alice.png',
    });
    const fields = me?.sections.flatMap((section) => section.fields) ?? [];
    expect(fields.map((field) => field.name)).toEqual([
      'displayName',
      'email',
      'firstName',
      'lastName',
      'jobTitle',
    ]);
    for (const field of fields) {
      expect(field.editable).toBe(false);
      expect(field.lockedReason).toBe(PROVIDER_MANAGED_REASON);
    }
  });

  it('falls back to given and family name, and to the email, for the display name', () => {
    expect(profileFromClaims({ ...claims, name: null })?.displayName).toBe('Alice Example');
    expect(profileFromClaims({ ...claims, name: null, givenName: null, familyName: null })?.displayName).toBe(
      'alice@example.com',
    );
  });

  it('C8: no profile without a valid email address (the profile shape requires one)', () => {
    expect(profileFromClaims({ ...claims, email: null })).toBeNull();
    expect(profileFromClaims({ ...claims, email: 'not an email' })).toBeNull();
  });

  it('takes name and email from the ID token when there is no userinfo endpoint', () => {
    const me = profileFromClaims(
      claimsFromIdToken({ sub: 'user-2', name: 'Bob Example', email: 'bob@example.com' }),
    );
    expect(me).toMatchObject({ displayName: 'Bob Example', email: 'bob@example.com', jobTitle: null });
    expect(me?.sections).toHaveLength(1);
  });
});
