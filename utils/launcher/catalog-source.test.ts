/**
 * The catalog sources on their own: the cache both write, the portal API
 * source, and the policy source of provider-only mode (the flows through the
 * launcher are in policy-source.test.ts and launch.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ACR_MFA } from '../../contract/constants.ts';
import { meSchema } from '../../contract/schemas.ts';
import type { OidcClient, ProfileClaims } from '../auth/oidc.ts';
import { catalogVersion } from '../catalog/catalog-delta.ts';
import type { PolicyApp } from '../policy/schema.ts';
import { testApp } from '../portal/__tests__/apps.ts';
import type { PortalApi } from '../portal/api-client.ts';
import { PortalApiError, StepUpRequiredError } from '../portal/api-client.ts';
import type { CatalogCache } from '../storage.ts';
import { cacheOf, ISSUER, memoryCache, memorySummary, NOW, stored } from './__tests__/memory-catalog.ts';
import { type CatalogCacheAccess, createCatalogCache, sameCatalog } from './catalog-source.ts';
import { createPolicySource } from './policy-source.ts';
import { createPortalSource } from './portal-source.ts';
import type { LauncherSettings } from './ports.ts';

describe('catalog cache', () => {
  it("is read only for the session's issuer and subject; app names come from any cache", async () => {
    const { cache } = memoryCache(cacheOf('bob'));
    expect(await cache.forSession(stored)).toBeNull();
    expect((await cache.app('wiki'))?.name).toBe('App wiki');
    expect(await cache.app('nope')).toBeNull();
  });

  it('a failing store reads as empty and a failed write is logged, not thrown', async () => {
    const logged: string[] = [];
    const cache = createCatalogCache(
      {
        get: async () => {
          throw new Error('idb gone');
        },
        set: async () => {
          throw new Error('quota');
        },
        summary: memorySummary({ summary: null, summaryWrites: [] }),
      },
      (message) => logged.push(message),
    );
    expect(await cache.forSession(stored)).toBeNull();
    await expect(cache.save(cacheOf('alice'))).resolves.toMatchObject({ sub: 'alice' });
    expect(logged).toEqual(['catalog cache not saved: Error: quota']);
  });

  it('issue 15: is stored with the version of its apps, computed once, so an answer need not serialise it', async () => {
    const { box, cache } = memoryCache();
    const saved = await cache.save(cacheOf('alice', [testApp('wiki'), testApp('crm')]));
    expect(saved.version).toBe(await catalogVersion([testApp('wiki'), testApp('crm')]));
    expect(box.value?.version).toBe(saved.version);
    const other = await cache.save(cacheOf('alice', [testApp('wiki')]));
    expect(other.version).not.toBe(saved.version);
    // Same versions are the same apps; the profile still counts; an unversioned (older) record is compared whole.
    expect(sameCatalog(saved, { ...saved, fetchedAt: 2 })).toBe(true);
    expect(sameCatalog(saved, other)).toBe(false);
    expect(sameCatalog(saved, { ...saved, me: {} as CatalogCache['me'] })).toBe(false);
    const { version: _v, ...unversioned } = saved;
    expect(sameCatalog(unversioned, saved)).toBe(true);
    expect(sameCatalog(unversioned, other)).toBe(false);
  });
});

describe('portal API source', () => {
  function fakeApi(overrides: Partial<PortalApi> = {}): PortalApi & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      getApps: async () => {
        calls.push('apps');
        return { apps: [testApp('wiki'), testApp('crm')] };
      },
      getMe: async () => {
        calls.push('me');
        throw new PortalApiError('portal_error', 'boom', { status: 500 });
      },
      launch: async (appId: string) => ({ url: `https://${appId}.example.test/sso` }),
      ...overrides,
    } as unknown as PortalApi & { calls: string[] };
  }

  it('caches the apps even when the profile fails, and lists them', async () => {
    const { box, cache } = memoryCache();
    const source = createPortalSource({ stored, api: fakeApi(), cache, now: () => NOW });
    const fresh = await source.fetch();
    expect(fresh).toEqual({
      issuer: ISSUER,
      sub: 'alice',
      apps: fresh.apps,
      me: null,
      fetchedAt: NOW,
      version: await catalogVersion(fresh.apps),
    });
    expect(box.value).toEqual(fresh);
    expect(source.listing(fresh)).toEqual({ apps: fresh.apps, problem: null });
    expect(source.listing(null)).toEqual({ apps: null, problem: null });
    expect(source.portalApi).toBe(true);
    expect(source.namesAppsToPortal).toBe(true);
  });

  it('A9: finds an app in the cache without a request, else in a fresh catalog, else refuses', async () => {
    const api = fakeApi();
    const { cache } = memoryCache(cacheOf('alice'));
    const source = createPortalSource({ stored, api, cache, now: () => NOW });
    expect((await source.findApp('wiki')).id).toBe('wiki');
    expect(api.calls).toEqual([]);
    expect((await source.findApp('crm')).id).toBe('crm');
    await expect(source.findApp('payroll')).rejects.toMatchObject({ code: 'launch_refused' });
    expect(await source.launchUrl('crm')).toBe('https://crm.example.test/sso');
  });

  it('a bookmark opens its own link with no launch request (no token involved); other kinds ask the portal', async () => {
    const launched: string[] = [];
    const api = fakeApi({
      launch: async (appId: string) => {
        launched.push(appId);
        return { url: `https://portal.example.test/launch/${appId}`, expiresAt: '2030-01-01T00:00:00Z' };
      },
    });
    const bookmark = {
      ...testApp('handbook'),
      kind: 'bookmark' as const,
      url: 'https://handbook.example.test/',
    };
    const saml = { ...testApp('expenses'), kind: 'saml' as const };
    const { cache } = memoryCache(cacheOf('alice', [bookmark, saml]));
    const source = createPortalSource({ stored, api, cache, now: () => NOW });
    expect(await source.launchUrl('handbook')).toBe('https://handbook.example.test/');
    expect(launched).toEqual([]);
    expect(await source.launchUrl('expenses')).toBe('https://portal.example.test/launch/expenses');
    expect(launched).toEqual(['expenses']);
  });
});

describe('policy source (provider-only mode)', () => {
  const policyApp = (id: string, extra: Partial<PolicyApp> = {}): PolicyApp => ({
    id,
    kind: 'oidc',
    name: id,
    url: `https://${id}.example.test/`,
    iconUrl: null,
    requiresMfa: false,
    mfaMaxAgeSeconds: null,
    detailsUrl: null,
    description: null,
    category: null,
    ...extra,
  });
  const userInfoAlice: ProfileClaims = {
    sub: 'alice',
    name: 'Alice U',
    givenName: null,
    familyName: null,
    email: 'alice@example.com',
    phone: null,
    picture: null,
    jobTitle: null,
  };
  const settings = (apps: PolicyApp[]): LauncherSettings => ({
    portalUrl: ISSUER,
    portalUrlForced: false,
    clientId: 'portal-launcher',
    stepUpAcrValue: ACR_MFA,
    stepUpMaxAgeSeconds: 300,
    appStepUpMaxAge: {},
    apps,
  });
  function source(apps: PolicyApp[], userInfo: () => Promise<unknown>, cache?: CatalogCacheAccess) {
    return createPolicySource({
      stored,
      settings: settings(apps),
      oidc: { userInfo } as unknown as OidcClient,
      getAccessToken: async () => 'at',
      cache: cache ?? memoryCache().cache,
      now: () => NOW,
      log: () => undefined,
    });
  }

  it('lists the policy apps without URLs, and explains an empty list', () => {
    const listed = source([policyApp('wiki')], async () => null).listing(null);
    expect(listed.apps).toHaveLength(1);
    expect(JSON.stringify(listed.apps)).not.toContain('wiki.example.test');
    expect(listed.problem).toBeNull();
    expect(source([], async () => null).listing(null).problem?.code).toBe('no_policy_apps');
  });

  it('the profile comes from userinfo, else from the ID token when userinfo fails', async () => {
    const fromUserInfo = await source([], async () => userInfoAlice).fetch();
    expect(fromUserInfo.me?.displayName).toBe('Alice U');
    const fallback = await source([], async () => {
      throw new Error('userinfo down');
    }).fetch();
    expect(fallback.me?.displayName).toBe('Alice Example');
  });

  it('A9/A4: launches only listed apps, and an MFA app only with a fresh enough second factor', async () => {
    const apps = [policyApp('wiki'), policyApp('payroll', { requiresMfa: true, mfaMaxAgeSeconds: 120 })];
    const policy = source(apps, async () => null);
    expect(await policy.launchUrl('wiki')).toBe('https://wiki.example.test/');
    await expect(policy.launchUrl('crm')).rejects.toMatchObject({ code: 'launch_refused' });
    await expect(policy.findApp('crm')).rejects.toMatchObject({ code: 'launch_refused' });
    // The session's second factor is 200 s old: too old for max_age 120.
    const refused = policy.launchUrl('payroll');
    await expect(refused).rejects.toBeInstanceOf(StepUpRequiredError);
    await expect(refused).rejects.toMatchObject({ requirement: { acrValues: [ACR_MFA], maxAge: 120 } });
    expect(policy.namesAppsToPortal).toBe(false);
  });

  it('answers GET /me from the claims and refuses every other account request unsent', async () => {
    let asked = 0;
    const policy = source([], async () => {
      asked += 1;
      return userInfoAlice;
    });
    expect((await policy.request('GET', '/me', meSchema)).displayName).toBe('Alice U');
    await expect(policy.request('POST', '/me/password', meSchema, {})).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });
    expect(asked).toBe(1);
  });
});
