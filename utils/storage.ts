/**
 * The one registry of everything the extension stores (CONVENTIONS.md "One
 * storage registry"). Each item is declared once with its location (from
 * ./storage-locations.ts), zod schema, version, migrations and the events
 * that clear it.
 *
 * Areas:
 * - `session`: `storage.session`, in memory, trusted contexts only (A5). The
 *   only place tokens are ever written.
 * - `local`: `storage.local`, survives restarts; never anything token-like.
 * - `idb`: IndexedDB through idb-keyval; non-secret caches only.
 *
 * Two formats predate the registry and are written plain (no envelope; see
 * `StorageLocation.version`), each read leniently by the module that owns it:
 * the user settings ({@link userSettingsItem}, utils/policy) and the launcher
 * preferences ({@link launcherPrefsItems}, utils/catalog/prefs). Managed
 * policy (`storage.managed`, read-only) is read by utils/policy alone.
 *
 * Contract: `get()` never throws for bad stored data (C8): a value that fails
 * its schema or cannot be migrated is dropped and the fallback returned. It
 * does reject when the storage area itself fails.
 */
import * as z from 'zod/mini';
import { lazy } from '../contract/lazy.ts';
import { pushPromptSchema } from '../contract/push.ts';
import { appSchema, meSchema } from '../contract/schemas.ts';
import { STORAGE_FAMILY_LOCATIONS, STORAGE_LOCATIONS } from './storage-locations.ts';
import { defineStoredFamily, defineStoredItem } from './storage-registry.ts';

export {
  type ClearEvent,
  clearStoredItems,
  defineStoredFamily,
  defineStoredItem,
  type StorageAreaName,
  type StoredFamily,
  type StoredFamilyOptions,
  type StoredItem,
  type StoredItemOptions,
  storedFamilies,
  storedItems,
} from './storage-registry.ts';

// ---------------------------------------------------------------- items

const epochMs = lazy(() => z.int().check(z.nonnegative()));

/** The signed-in session. Tokens: `storage.session` only (A5). */
export const sessionSchema = lazy(() =>
  z.object({
    issuer: z.url(),
    clientId: z.string().check(z.minLength(1)),
    accessToken: z.string().check(z.minLength(1)),
    accessTokenExpiresAt: epochMs,
    refreshToken: z.nullable(z.string().check(z.minLength(1))),
    idToken: z.nullable(z.string().check(z.minLength(1))),
    user: z.object({
      sub: z.string().check(z.minLength(1)),
      name: z.nullable(z.string()),
      email: z.nullable(z.string()),
    }),
    /**
     * False when the issuer has no portal API (provider-only mode: apps from
     * policy, profile from the OpenID claims), as its discovery said at sign-in.
     * Absent in sessions stored before this field existed: they had the API.
     */
    portalApi: z.optional(z.boolean()),
    /**
     * The last authentication proven by a code flow. Never taken from a refresh
     * (A4): a refresh is not a new authentication.
     */
    authentication: z.object({
      acr: z.nullable(z.string()),
      amr: z.array(z.string()),
      /** Epoch seconds. */
      authTime: z.nullable(z.int()),
    }),
  }),
);
export type StoredSession = z.infer<typeof sessionSchema>;

export const sessionItem = defineStoredItem<StoredSession | null>({
  ...STORAGE_LOCATIONS.session,
  schema: lazy(() => z.nullable(sessionSchema)),
  fallback: null,
  clearOn: ['signOut', 'identityChange'],
  description: 'Tokens and the proven authentication of the signed-in employee.',
});

/** A sign-in, step-up or sign-out started in a tab and not finished yet (C1). */
export const pendingFlowSchema = lazy(() =>
  z.object({
    kind: z.enum(['signIn', 'stepUp', 'signOut']),
    state: z.string().check(z.minLength(16), z.maxLength(200)),
    nonce: z.string().check(z.maxLength(200)),
    codeVerifier: z.string().check(z.maxLength(200)),
    issuer: z.url(),
    maxAge: z.nullable(z.int().check(z.nonnegative())),
    acrValues: z.nullable(z.string().check(z.maxLength(500))),
    /**
     * A step-up for a second factor (utils/auth/step-up.ts `secondFactor`),
     * checked by the issuer's assurance rule. Absent: `acrValues` decides.
     */
    secondFactor: z.optional(z.boolean()),
    /** Epoch ms; flows older than 10 minutes are discarded (C1, C5). */
    createdAt: epochMs,
    tabId: z.nullable(z.int()),
    /** Apps to open once the step-up succeeds, first one in the step-up tab (C6). */
    launchAppIds: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(50)),
  }),
);
export type PendingFlow = z.infer<typeof pendingFlowSchema>;

export const pendingFlowsItem = defineStoredItem<Record<string, PendingFlow>>({
  ...STORAGE_LOCATIONS.pendingFlows,
  schema: lazy(() => z.record(z.string(), pendingFlowSchema)),
  fallback: {},
  clearOn: ['signOut', 'identityChange'],
  description: 'Authorization transactions (state, nonce, PKCE verifier) saved before their tab opens.',
});

/** What happened to the last launch, for a popup opened afterwards ("cancelled"). */
export const launchNoticeSchema = lazy(() =>
  z.object({
    appId: z.string().check(z.maxLength(100)),
    appName: z.string().check(z.maxLength(200)),
    outcome: z.enum(['opened', 'cancelled', 'failed']),
    message: z.string().check(z.maxLength(500)),
    /** The error's code, so the popup can say why in its own language (absent in older notices). */
    code: z.optional(z.string().check(z.maxLength(64))),
    /** The code's message placeholders (utils/errors.ts `params`), e.g. the `acr` a step-up got. */
    params: z.optional(z.array(z.string().check(z.maxLength(200))).check(z.maxLength(4))),
    at: epochMs,
  }),
);
export type LaunchNotice = z.infer<typeof launchNoticeSchema>;

export const launchNoticeItem = defineStoredItem<LaunchNotice | null>({
  ...STORAGE_LOCATIONS.launchNotice,
  schema: lazy(() => z.nullable(launchNoticeSchema)),
  fallback: null,
  clearOn: ['signOut', 'identityChange'],
  description: 'Outcome of the most recent launch, shown once by the popup.',
});

/**
 * Set when the session ended on its own (the portal refused the refresh token: the password
 * changed, the session was ended on another device, the account was disabled), so the signed-out
 * popup can say why instead of looking as if nothing happened. Cleared by a sign-in or sign-out.
 */
export const sessionEndedItem = defineStoredItem<{ at: number } | null>({
  ...STORAGE_LOCATIONS.sessionEnded,
  schema: lazy(() => z.nullable(z.object({ at: epochMs }))),
  fallback: null,
  clearOn: ['signOut', 'identityChange'],
  description: 'When the portal last ended the session (refused refresh), for the popup to explain.',
});

/** Non-secret catalog cache so the popup paints instantly and works offline (C3). */
export const catalogCacheSchema = lazy(() =>
  z.object({
    issuer: z.url(),
    sub: z.string().check(z.minLength(1)),
    apps: z.array(appSchema).check(z.maxLength(10_000)),
    me: z.nullable(meSchema),
    fetchedAt: epochMs,
    /**
     * The digest of `apps` (utils/catalog/catalog-delta.ts `catalogVersion`), computed once when the
     * catalog is stored, so answering a popup does not serialise the whole catalog again (issue 15).
     * Absent in records stored before it existed: then it is computed when needed.
     */
    version: z.optional(z.string().check(z.maxLength(100))),
  }),
);
export type CatalogCache = z.infer<typeof catalogCacheSchema>;

export const catalogCacheItem = defineStoredItem<CatalogCache | null>({
  ...STORAGE_LOCATIONS.catalogCache,
  schema: lazy(() => z.nullable(catalogCacheSchema)),
  fallback: null,
  clearOn: ['signOut', 'identityChange'],
  description: 'Assigned apps and profile summary of the signed-in employee (no tokens).',
});

/** The catalog cache without its apps: a popup holding the current catalog is answered from it (issue 15). */
export const catalogSummarySchema = lazy(() =>
  z.object({
    issuer: z.url(),
    sub: z.string().check(z.minLength(1)),
    version: z.string().check(z.minLength(1), z.maxLength(100)),
    me: z.nullable(z.pick(meSchema, { displayName: true, email: true, initials: true, jobTitle: true })),
  }),
);
export type CatalogSummary = z.infer<typeof catalogSummarySchema>;

export const catalogSummaryItem = defineStoredItem<CatalogSummary | null>({
  ...STORAGE_LOCATIONS.catalogSummary,
  schema: lazy(() => z.nullable(catalogSummarySchema)),
  fallback: null,
  clearOn: ['signOut', 'identityChange'],
  description: 'Owner, version and profile summary of the catalog cache, without its apps.',
});

/**
 * What the popup needs to paint before the background answers: who is signed in (issuer +
 * subject, the catalog cache's key, so the popup never shows another person's cache) and the
 * last launcher state without apps (brand, pins, favorites order, MFA time). Non-secret; written by
 * the background (utils/catalog/popup-snapshot.ts), read raw by the popup at the same location
 * (./storage-locations.ts), which has no zod.
 */
export const popupSnapshotSchema = lazy(() =>
  z.object({
    issuer: z.url(),
    sub: z.string().check(z.minLength(1)),
    state: z.record(z.string(), z.unknown()),
  }),
);
export type PopupSnapshotStored = z.infer<typeof popupSnapshotSchema>;

export const popupSnapshotItem = defineStoredItem<PopupSnapshotStored | null>({
  ...STORAGE_LOCATIONS.popupSnapshot,
  schema: lazy(() => z.nullable(popupSnapshotSchema)),
  fallback: null,
  clearOn: ['signOut', 'identityChange'],
  description:
    'Who is signed in and the launcher state without apps, so the popup paints from the cache at once.',
});

/**
 * When the background last changed the launcher state on its own (a policy
 * arrived or changed, the session ended for an identity change): an open
 * popup listens for this key and asks for the state again. A time, nothing more.
 */
export const stateChangedItem = defineStoredItem<number>({
  ...STORAGE_LOCATIONS.stateChanged,
  schema: lazy(() => z.int().check(z.nonnegative())),
  fallback: 0,
  clearOn: [],
  description: 'Time of the last state change the background made on its own (open popups reload).',
});

/** Whether the last attempt to reach the portal failed with a network error (the toolbar's "unreachable" state). */
export const portalUnreachableItem = defineStoredItem<boolean>({
  ...STORAGE_LOCATIONS.portalUnreachable,
  schema: lazy(() => z.boolean()),
  fallback: false,
  clearOn: ['signOut', 'identityChange'],
  description: 'True after the portal could not be reached, until it answers again (toolbar badge).',
});

/**
 * The push prompts waiting for this browser's answer (issue 13), as the
 * portal last listed them, with the ones already shown as a notification:
 * an open popup listens for this key and asks for them. Nothing secret (the
 * number on the sign-in page is never sent to approvers).
 */
export const pushPromptsItem = defineStoredItem<{ prompts: PushPromptStored[]; notified: string[] }>({
  ...STORAGE_LOCATIONS.pushPrompts,
  schema: lazy(() =>
    z.object({
      prompts: z.array(pushPromptSchema).check(z.maxLength(20)),
      notified: z.array(z.string()).check(z.maxLength(50)),
    }),
  ),
  fallback: { prompts: [], notified: [] },
  clearOn: ['signOut', 'identityChange'],
  description: 'Pending push prompts for this browser and which of them were shown as notifications.',
});
export type PushPromptStored = z.infer<typeof pushPromptSchema>;

/**
 * The user's own settings, plain as utils/policy has always written them.
 * Any value is read: utils/policy validates each key on its own and reports
 * the bad ones (A11, C8), so one bad value costs only itself.
 */
export const userSettingsItem = defineStoredItem<unknown>({
  ...STORAGE_LOCATIONS.userSettings,
  schema: lazy(() => z.unknown()),
  fallback: undefined,
  clearOn: [],
  description: 'The settings the user chose (portal address, theme, language); policy may override them.',
});

/**
 * Favorites, recents and layout of one person at one portal, plain as
 * utils/catalog/prefs has always written them (`{ version, favorites, recents,
 * view }`, salvaged there id by id). Kept on sign-out on purpose.
 */
export const launcherPrefsItems = defineStoredFamily<unknown>({
  ...STORAGE_FAMILY_LOCATIONS.launcherPrefs,
  schema: lazy(() => z.unknown()),
  fallback: undefined,
  description: 'Favorites, recently used apps and layout, per issuer and subject (non-secret app ids).',
});
