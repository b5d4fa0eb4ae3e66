/**
 * The launcher's stored session as the e2e tests read and age it: the
 * `session` record in `storage.session`, read in the service worker or in an
 * extension page (Chromium or Firefox).
 */
import type { WebWorker } from 'puppeteer-core';
import type { WithChrome } from './harness.ts';

/** The extension's promise-based API inside `evaluate`: `browser` in Firefox, `chrome` in Chromium. */
type WithStorage = { browser?: WithChrome['chrome']; chrome: WithChrome['chrome'] };

/**
 * The stored session's value (the fields a test names in `T`), or null when signed out; read in
 * `context`, the service worker or an extension page.
 */
export async function readStoredSession<T>(context: Pick<WebWorker, 'evaluate'>): Promise<T | null> {
  return context.evaluate(async () => {
    const g = globalThis as unknown as WithStorage;
    const stored = (await (g.browser ?? g.chrome).storage.session.get('session')) as {
      session?: { value?: unknown };
    };
    return stored.session?.value ?? null;
  }) as Promise<T | null>;
}

/**
 * Makes the stored access token look expired (as it would be an hour later)
 * and stops the worker: a fresh worker reads the session from storage, as
 * after the browser let it sleep, and refreshes at its next use.
 */
export async function expireStoredAccessToken(worker: WebWorker): Promise<void> {
  await worker.evaluate(async () => {
    type Api = {
      chrome: {
        storage: {
          session: {
            get(key: string): Promise<Record<string, { value: { accessTokenExpiresAt: number } }>>;
            set(items: object): Promise<void>;
          };
        };
      };
    };
    const api = (globalThis as unknown as Api).chrome.storage.session;
    const record = (await api.get('session')).session;
    if (!record) throw new Error('not signed in');
    record.value.accessTokenExpiresAt = Date.now() - 1000;
    await api.set({ session: record });
  });
  await worker.close();
}
