/** The popup's view model, built directly from what one `getState` read (pure). */
import { describe, expect, it } from 'vitest';
import { AuthError } from '../auth/errors.ts';
import { testApp } from '../portal/__tests__/apps.ts';
import { PortalApiError } from '../portal/api-client.ts';
import type { CatalogCache, LaunchNotice } from '../storage.ts';
import {
  buildLauncherState,
  type LauncherStateInput,
  problemOf,
  type SessionStanding,
} from './launcher-state.ts';

const PORTAL = 'https://portal.example.test';
const settings: LauncherStateInput['settings'] = { portalUrl: PORTAL, portalUrlForced: false };
const user = { sub: 'alice', name: 'Alice Token', email: 'alice@token.example' };
const notice = (outcome: LaunchNotice['outcome']): LaunchNotice => ({
  appId: 'payroll',
  appName: 'Payroll',
  outcome,
  message: 'm',
  at: 1,
});
const catalog = (me: CatalogCache['me']): CatalogCache => ({
  issuer: PORTAL,
  sub: 'alice',
  apps: [testApp('wiki')],
  me,
  fetchedAt: 1,
});
const me = {
  displayName: 'Alice Example',
  email: 'alice@example.com',
  initials: 'AX',
  jobTitle: 'Payroll lead',
} as unknown as CatalogCache['me'];

function signedIn(
  overrides: Partial<Extract<SessionStanding, { status: 'signedIn' }>> = {},
): SessionStanding {
  return {
    status: 'signedIn',
    user,
    catalog: null,
    listing: { apps: null, problem: null },
    refreshProblem: null,
    portalApi: true,
    ...overrides,
  };
}

describe('launcher state for the popup', () => {
  it('unconfigured: the portal settings and nothing else; a refused admin address is flagged (A11)', () => {
    const state = buildLauncherState({
      settings: { portalUrl: null, portalUrlForced: true, portalUrlRefused: true },
      notice: null,
      session: { status: 'unconfigured' },
    });
    expect(state).toEqual({
      status: 'unconfigured',
      portalUrl: null,
      portalUrlForced: true,
      portalUrlRefused: true,
      user: null,
      apps: null,
      appsProblem: null,
      notice: null,
    });
  });

  it('passes the last launch notice on: cancelled, failed, and opened (a Try again that opened its app)', () => {
    const build = (outcome: LaunchNotice['outcome']) =>
      buildLauncherState({ settings, notice: notice(outcome), session: { status: 'unconfigured' } }).notice;
    expect(build('cancelled')?.outcome).toBe('cancelled');
    expect(build('failed')?.outcome).toBe('failed');
    expect(build('opened')?.outcome).toBe('opened');
  });

  it('B4: signed out says whether the portal ended the session, and why a refresh found it ended', () => {
    const plain = buildLauncherState({
      settings,
      notice: null,
      session: { status: 'signedOut', sessionEnded: false },
    });
    expect(plain.status).toBe('signedOut');
    expect(plain).not.toHaveProperty('sessionEnded');
    const ended = buildLauncherState({
      settings,
      notice: null,
      session: { status: 'signedOut', sessionEnded: true, problem: { code: 'signed_out', message: 'gone' } },
    });
    expect(ended).toMatchObject({ sessionEnded: true, appsProblem: { code: 'signed_out', message: 'gone' } });
    expect(ended.user).toBeNull();
  });

  it('signed in: the profile from the catalog, falling back to the ID token, then to a generic name', () => {
    const fromCatalog = buildLauncherState({
      settings,
      notice: null,
      session: signedIn({ catalog: catalog(me) }),
    });
    expect(fromCatalog.user).toEqual({
      name: 'Alice Example',
      email: 'alice@example.com',
      initials: 'AX',
      jobTitle: 'Payroll lead',
    });
    const fromToken = buildLauncherState({
      settings,
      notice: null,
      session: signedIn({ catalog: catalog(null) }),
    });
    expect(fromToken.user).toEqual({
      name: 'Alice Token',
      email: 'alice@token.example',
      initials: 'AT',
      jobTitle: null,
    });
    const nameless = buildLauncherState({
      settings,
      notice: null,
      session: signedIn({ user: { sub: 'x', name: null, email: null } }),
    });
    expect(nameless.user?.name).toBe('Signed in');
  });

  it('lists what the source lists and says whether the portal API is there', () => {
    const state = buildLauncherState({
      settings,
      notice: null,
      session: signedIn({ listing: { apps: [testApp('crm')], problem: null }, portalApi: false }),
    });
    expect(state.apps?.map((app) => app.id)).toEqual(['crm']);
    expect(state.capabilities).toEqual({ portalApi: false });
  });

  it("issue 15: carries the catalog record's stored version when it lists that catalog, none for another list", () => {
    const stored = { ...catalog(null), version: 'v7' };
    const listed = buildLauncherState({
      settings,
      notice: null,
      session: signedIn({ catalog: stored, listing: { apps: stored.apps, problem: null } }),
    });
    expect(listed.catalogVersion).toBe('v7');
    // The policy's list (provider-only mode) is not the cached catalog: its version is computed apart.
    const policyList = buildLauncherState({
      settings,
      notice: null,
      session: signedIn({
        catalog: stored,
        listing: { apps: [testApp('crm')], problem: null },
        portalApi: false,
      }),
    });
    expect(policyList).not.toHaveProperty('catalogVersion');
  });

  it('a failed refresh is the problem shown; otherwise the listing explains an empty list', () => {
    const listing = { apps: [], problem: { code: 'no_policy_apps', message: 'none' } };
    const empty = buildLauncherState({ settings, notice: null, session: signedIn({ listing }) });
    expect(empty.appsProblem?.code).toBe('no_policy_apps');
    const offline = buildLauncherState({
      settings,
      notice: null,
      session: signedIn({ listing, refreshProblem: { code: 'network', message: 'offline' } }),
    });
    expect(offline.appsProblem?.code).toBe('network');
  });

  it('problemOf keeps the code of expected errors and hides the message of others', () => {
    expect(problemOf(new AuthError('network', 'The portal did not answer.'))).toEqual({
      code: 'network',
      message: 'The portal did not answer.',
    });
    expect(problemOf(new PortalApiError('not_found', 'No such thing.', { status: 404 }))).toMatchObject({
      code: 'not_found',
    });
    expect(problemOf(new TypeError('secret internals'))).toEqual({
      code: 'internal',
      message: 'The app list could not be loaded. Try again.',
    });
  });
});
