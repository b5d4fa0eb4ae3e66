/**
 * Test builder: a launcher wired to the shared fake portal
 * (utils/auth/__tests__/fake-portal.ts), fake tabs, a settable clock, an
 * in-memory catalog cache and settable policy. Unit tests only.
 *
 * {@link useLauncherEnv} registers a `beforeEach` that starts every test
 * from empty storage with a fresh portal; tests read and change the
 * returned `env` (its fields are replaced before each test).
 */
import { beforeEach, expect } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  FAKE_CLIENT_ID,
  FAKE_LOGOUT_URI,
  FAKE_REDIRECT_URI,
  type FakePortal,
  fakePortal,
} from '../../auth/__tests__/fake-portal.ts';
import type { PolicyApp } from '../../policy/schema.ts';
import { type CatalogCache, catalogSummaryItem } from '../../storage.ts';
import { createLauncher, type Launcher } from '../launcher.ts';
import type { LauncherSettings } from '../ports.ts';

export interface FakeTabs {
  created: string[];
  updated: Array<{ tabId: number; url: string }>;
  removed: number[];
}

/** One test's world. */
export interface LauncherEnv {
  portal: FakePortal;
  tabs: FakeTabs;
  /** The launcher's and the portal's clock, epoch ms. */
  clock: number;
  /** The in-memory catalog cache. */
  catalog: CatalogCache | null;
  /** How often the launcher read the catalog cache. */
  catalogReads: number;
  /** Overrides the configured portal address (A11 tests). */
  configuredIssuer: string | null;
  /** Policy `apps` (used when the issuer has no portal API). */
  policyApps: PolicyApp[];
  /** The launch hook the launcher calls after `launchApp` opened an app (records into `launched` by default). */
  onLaunched: (appId: string) => Promise<void> | void;
  /** App ids the default launch hook was told about. */
  launched: string[];
  /** What the launcher announced (`onStateChange`), with the tabs removed at that moment. */
  stateChanges: Array<{ tabsRemoved: number }>;
  /** A launcher on this world; the settings are read on every call, so changes apply at once. */
  makeLauncher(overrides?: Partial<LauncherSettings>): Launcher;
  /** Completes a sign-in with `launcher` (its tab is the latest one). */
  signInWith(launcher: Launcher): Promise<void>;
  /** Signs in through a new launcher with the given claims; returns the launcher. */
  signedIn(claims?: Record<string, unknown>): Promise<Launcher>;
  /** Waits until the launcher opened `count` tabs (flows open their tab asynchronously). */
  tabsOpened(count: number): Promise<void>;
  /** How many requests went to `path` at the portal. */
  apiCalls(path: string): number;
}

let testNumber = 0;

/** Registers the per-test reset and returns the world the current test sees. */
export function useLauncherEnv(): LauncherEnv {
  const env = {} as LauncherEnv;

  env.makeLauncher = (overrides = {}) =>
    createLauncher({
      redirectUri: FAKE_REDIRECT_URI,
      postLogoutRedirectUri: FAKE_LOGOUT_URI,
      fetch: env.portal.fetch,
      now: () => env.clock,
      onLaunched: (appId) => env.onLaunched(appId),
      onStateChange: () => void env.stateChanges.push({ tabsRemoved: env.tabs.removed.length }),
      catalog: {
        get: async () => {
          env.catalogReads += 1;
          return env.catalog;
        },
        set: async (value) => {
          env.catalog = value;
        },
        // The extension's own item (fake storage.session), so sign-out clears it as it does there.
        summary: catalogSummaryItem,
      },
      tabs: {
        create: async (url) => {
          env.tabs.created.push(url);
          return 100 + env.tabs.created.length;
        },
        update: async (tabId, url) => {
          env.tabs.updated.push({ tabId, url });
        },
        remove: async (tabId) => {
          env.tabs.removed.push(tabId);
        },
      },
      settings: {
        load: async () => ({
          portalUrl: env.configuredIssuer ?? env.portal.issuer,
          portalUrlForced: false,
          clientId: FAKE_CLIENT_ID,
          stepUpAcrValue: 'urn:portal-launcher:acr:mfa',
          stepUpMaxAgeSeconds: 300,
          appStepUpMaxAge: {},
          apps: env.policyApps,
          ...overrides,
        }),
        savePortalUrl: async () => undefined,
      },
    });

  env.tabsOpened = async (count) => {
    for (let i = 0; i < 200 && env.tabs.created.length < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(env.tabs.created.length).toBeGreaterThanOrEqual(count);
  };

  env.signInWith = async (launcher) => {
    const done = launcher.signIn();
    await env.tabsOpened(1);
    await launcher.completeAuthorization(env.portal.authorize(env.tabs.created.at(-1) as string), 101);
    await done;
  };

  env.signedIn = async (claims = {}) => {
    const launcher = env.makeLauncher();
    const done = launcher.signIn();
    await env.tabsOpened(1);
    const authorizationUrl = env.tabs.created.at(-1) as string;
    await launcher.completeAuthorization(env.portal.authorize(authorizationUrl, claims), 101);
    await done;
    return launcher;
  };

  env.apiCalls = (path) => env.portal.calls.filter((call) => new URL(call.url).pathname === path).length;

  beforeEach(async () => {
    fakeBrowser.reset();
    // reset() does not empty every area in this fake-browser version: start from nothing.
    await fakeBrowser.storage.session.clear();
    await fakeBrowser.storage.local.clear();
    // A distinct issuer per test: fake-browser's storage can carry a write from a previous test's
    // still-running flow across reset(), and flows are keyed by issuer.
    testNumber += 1;
    env.portal = await fakePortal({
      now: () => env.clock,
      issuer: `https://portal-${testNumber}.example.test`,
    });
    env.tabs = { created: [], updated: [], removed: [] };
    env.clock = Date.now();
    env.catalog = null;
    env.catalogReads = 0;
    env.configuredIssuer = null;
    env.policyApps = [];
    env.launched = [];
    env.onLaunched = (appId) => void env.launched.push(appId);
    env.stateChanges = [];
  });

  return env;
}
