/**
 * Test builder: the catalog cache (utils/launcher/catalog-source.ts) over an
 * in-memory store whose writes can fail and whose reads and summary writes
 * can be held back (to order them against other operations). Unit tests only.
 */
import { ACR_MFA } from '../../../contract/constants.ts';
import { testApp } from '../../portal/__tests__/apps.ts';
import type { CatalogCache, CatalogSummary, StoredSession } from '../../storage.ts';
import { createCatalogCache } from '../catalog-source.ts';

export const ISSUER = 'https://portal.example.test';
export const NOW = 1_700_000_000_000;
export const stored: StoredSession = {
  issuer: ISSUER,
  clientId: 'portal-launcher',
  accessToken: 'at',
  accessTokenExpiresAt: NOW + 60_000,
  refreshToken: null,
  idToken: null,
  user: { sub: 'alice', name: 'Alice Example', email: 'alice@example.com' },
  authentication: { acr: ACR_MFA, amr: ['pwd', 'otp'], authTime: NOW / 1000 - 200 },
};
export const cacheOf = (sub: string, apps = [testApp('wiki')]): CatalogCache => ({
  issuer: ISSUER,
  sub,
  apps,
  me: null,
  fetchedAt: 1,
});

interface SummaryBox {
  summary: CatalogSummary | null;
  summaryWrites: string[];
  failRemove?: boolean;
  /** While set, a summary write waits for it before it lands. */
  landing?: Promise<void> | null;
}

export function memorySummary(box: SummaryBox) {
  return {
    get: async () => box.summary,
    set: async (value: CatalogSummary) => {
      box.summaryWrites.push(`set ${value.version}`);
      await box.landing;
      box.summary = value;
    },
    remove: async () => {
      if (box.failRemove) throw new Error('storage.session unavailable');
      box.summaryWrites.push('remove');
      box.summary = null;
    },
  };
}

export function memoryCache(initial: CatalogCache | null = null) {
  const box = {
    value: initial,
    summary: null as CatalogSummary | null,
    summaryWrites: [] as string[],
    logged: [] as string[],
    failWrites: false,
    failRemove: false,
    landing: null as Promise<void> | null,
    /** While set, a catalog read answers what was stored when it began, once this resolves. */
    reading: null as Promise<void> | null,
  };
  const cache = createCatalogCache(
    {
      get: async () => {
        const value = box.value;
        await box.reading;
        return value;
      },
      set: async (value) => {
        if (box.failWrites) throw new Error('quota');
        box.value = value;
      },
      summary: memorySummary(box),
    },
    (message) => box.logged.push(message),
  );
  return { box, cache };
}

/** A promise and its resolver, to hold an operation back. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
