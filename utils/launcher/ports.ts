/**
 * What the launcher needs from outside (the background passes the browser's
 * tabs, the policy store and IndexedDB; unit tests pass fakes). Types and
 * adapters, no state.
 */
import type { Browser } from 'wxt/browser';
import type { AssuranceRule } from '../auth/step-up.ts';
import type { PolicyStore } from '../policy/policy-store.ts';
import type { PolicyResult } from '../policy/resolve.ts';
import type { PolicyApp } from '../policy/schema.ts';
import type { CatalogCache, CatalogSummary } from '../storage.ts';

/** The tab operations the launcher needs (the background passes `browser.tabs`). */
export interface TabsPort {
  /** Opens a new foreground tab; resolves with its id. */
  create(url: string): Promise<number | undefined>;
  /** Navigates an existing tab (the step-up tab lands in the app). */
  update(tabId: number, url: string): Promise<void>;
  remove(tabId: number): Promise<void>;
}

/** The tabs port over `browser.tabs`: tabs the launcher opens or navigates come to the front. */
export function tabsPortFrom(tabs: Pick<typeof Browser.tabs, 'create' | 'update' | 'remove'>): TabsPort {
  return {
    create: async (url) => (await tabs.create({ url, active: true })).id,
    update: async (tabId, url) => {
      await tabs.update(tabId, { url, active: true });
    },
    remove: (tabId) => tabs.remove(tabId),
  };
}

/** The effective settings the launcher reads (utils/policy in the background), once per operation. */
export interface LauncherSettings {
  portalUrl: string | null;
  portalUrlForced: boolean;
  /** True when the admin's policy set a portal address that was refused as invalid (A11). */
  portalUrlRefused?: boolean;
  clientId: string;
  stepUpAcrValue: string;
  /** Policy `stepUpAssurance`: what proves a second factor, per issuer. */
  stepUpAssurance?: Readonly<Record<string, AssuranceRule>>;
  stepUpMaxAgeSeconds: number;
  appStepUpMaxAge: Record<string, number>;
  /**
   * Policy `adminContact`: whom to contact when a step-up was denied; `null` when the policy says
   * none (`""`), absent when the policy does not say (the portal's `GET /api/v1/support` then).
   */
  adminContact?: string | null;
  /** Policy `apps`: the catalog when the issuer has no portal API (provider-only mode). */
  apps: readonly PolicyApp[];
}

/** Where the launcher reads its settings and saves the portal address the employee typed. */
export interface SettingsPort {
  load(): Promise<LauncherSettings>;
  /** Saves the user's portal address; throws (with a `code`) when the policy forces it. */
  savePortalUrl(portalUrl: string): Promise<void>;
}

/** Where the catalog cache lives (IndexedDB in the extension; memory in unit tests). */
export interface CatalogStore {
  get(): Promise<CatalogCache | null>;
  set(value: CatalogCache): Promise<void>;
  /** Its summary without the apps (`storage.session` in the extension; utils/storage.ts `catalogSummaryItem`). */
  summary: {
    get(): Promise<CatalogSummary | null>;
    set(value: CatalogSummary): Promise<void>;
    remove(): Promise<void>;
  };
}

/** How the launcher reaches the portal API with the session's tokens (the session refreshes them). */
export interface SessionTokens {
  getAccessToken(): Promise<string>;
  refreshAccessToken(): Promise<string>;
}

/** Diagnostics without secrets. */
export type Log = (message: string) => void;

/**
 * The launcher's settings from the resolved policy: the portal address is
 * locked when the policy forces it or forbids a user address, and flagged
 * when the admin's address was refused (A11).
 */
export function launcherSettingsFrom({ settings, forced, problems }: PolicyResult): LauncherSettings {
  return {
    portalUrl: settings.portalUrl,
    portalUrlForced: forced.has('portalUrl') || !settings.allowUserPortalUrl,
    portalUrlRefused: problems.some((problem) => problem.key === 'portalUrl' && problem.source === 'managed'),
    clientId: settings.clientId,
    stepUpAcrValue: settings.stepUpAcrValue,
    stepUpAssurance: settings.stepUpAssurance,
    stepUpMaxAgeSeconds: settings.stepUpMaxAgeSeconds,
    appStepUpMaxAge: settings.appStepUpMaxAge,
    ...(forced.has('adminContact') ? { adminContact: settings.adminContact } : {}),
    apps: settings.apps,
  };
}

/** The settings port over the background's policy store. */
export function settingsPortFrom(policy: Pick<PolicyStore, 'current' | 'savePortalUrl'>): SettingsPort {
  return {
    load: async () => launcherSettingsFrom(await policy.current()),
    savePortalUrl: (portalUrl) => policy.savePortalUrl(portalUrl),
  };
}
