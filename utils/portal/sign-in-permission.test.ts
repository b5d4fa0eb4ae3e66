import { describe, expect, it } from 'vitest';
import { askAtSignIn, signInPermissionNeeded } from './sign-in-permission.ts';

const PORTAL = 'https://idp.example.com/realms/staff';

function permissions(granted: boolean) {
  const asked: unknown[] = [];
  return {
    asked,
    contains: async (query: { origins?: string[] }) => {
      asked.push(['contains', query.origins]);
      return granted;
    },
    request: async (query: { origins?: string[] }) => {
      asked.push(['request', query.origins]);
      return true;
    },
  };
}

describe('the provider host permission at Sign in (issue 16)', () => {
  it('needed only when not granted and the provider is unreadable without it (no CORS)', async () => {
    const probes: string[] = [];
    const probe = (code: 'ok' | 'unreadable' | 'no_answer') => async (url: string) => {
      probes.push(url);
      return { code };
    };
    expect(await signInPermissionNeeded(PORTAL, permissions(false), probe('unreadable'))).toBe(true);
    expect(probes).toEqual([PORTAL]);
    // CORS allowed: it works without; no prompt for nothing.
    expect(await signInPermissionNeeded(PORTAL, permissions(false), probe('ok'))).toBe(false);
    // Silent: the permission would not help.
    expect(await signInPermissionNeeded(PORTAL, permissions(false), probe('no_answer'))).toBe(false);
    // Granted: not even probed.
    probes.length = 0;
    const granted = permissions(true);
    expect(await signInPermissionNeeded(PORTAL, granted, probe('unreadable'))).toBe(false);
    expect(probes).toEqual([]);
    expect(granted.asked).toEqual([['contains', ['https://idp.example.com/*']]]);
  });

  it('a bad address or a failing check means no prompt, never an error', async () => {
    expect(
      await signInPermissionNeeded('not a url', permissions(false), async () => ({ code: 'unreadable' })),
    ).toBe(false);
    const failing = { contains: async () => Promise.reject(new Error('no permissions API')) };
    expect(await signInPermissionNeeded(PORTAL, failing, async () => ({ code: 'unreadable' }))).toBe(false);
    expect(
      await signInPermissionNeeded(PORTAL, permissions(false), async () =>
        Promise.reject(new Error('worker gone')),
      ),
    ).toBe(false);
  });

  it('the click asks for the origin pattern only when needed', async () => {
    const p = permissions(false);
    expect(await askAtSignIn(PORTAL, false, p)).toBe(false);
    expect(await askAtSignIn(null, true, p)).toBe(false);
    expect(p.asked).toEqual([]);
    expect(await askAtSignIn(PORTAL, true, p)).toBe(true);
    expect(p.asked).toEqual([['request', ['https://idp.example.com/*']]]);
  });

  it('Chromium: the prompt is asked inside the click, before anything is awaited; refused or outside a gesture, Sign in goes on without it', async () => {
    // Headless Chromium cannot answer the prompt, so its e2e tests cannot click through it
    // (tests/e2e/firefox-permission.test.ts answers it in Firefox): this is the Chromium side.
    const asked: string[][] = [];
    const answer = askAtSignIn(PORTAL, true, {
      request: async (query: { origins?: string[] }) => {
        asked.push(query.origins ?? []);
        return false;
      },
    });
    // Synchronously, in the click's own task: a request made after an await can lose the user
    // activation, and the browser then refuses to prompt.
    expect(asked).toEqual([['https://idp.example.com/*']]);
    expect(await answer).toBe(false);
    // What Chromium answers when the request is not in a user gesture: a rejection, taken as "no".
    const outsideGesture = askAtSignIn(PORTAL, true, {
      request: () => Promise.reject(new Error('This function must be called during a user gesture')),
    });
    await expect(outsideGesture).resolves.toBe(false);
  });
});
