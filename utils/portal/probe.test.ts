import { describe, expect, it } from 'vitest';
import { discoveryUrl, probePortal } from './probe.ts';

const ISSUER = 'https://portal.example.com';

/** A fetch that answers `respond(url)` and records the URLs asked for. */
function fakeFetch(respond: (url: string) => Response | Promise<Response>) {
  const urls: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    urls.push(url);
    return respond(url);
  }) as typeof globalThis.fetch;
  return { fetch, urls };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const DISCOVERY = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
};

describe('probePortal', () => {
  it('A11: accepts an address whose discovery document names it as issuer', async () => {
    const { fetch, urls } = fakeFetch(() => json(DISCOVERY));
    expect(await probePortal('portal.example.com/', { fetch })).toEqual({ code: 'ok', issuer: ISSUER });
    expect(urls).toEqual([`${ISSUER}/.well-known/openid-configuration`]);
  });

  it('A11: a plain http address on another computer is "https required", and nothing is fetched', async () => {
    const { fetch, urls } = fakeFetch(() => json(DISCOVERY));
    expect(await probePortal('http://portal.example.com', { fetch })).toEqual({ code: 'https_required' });
    expect(urls).toEqual([]);
  });

  it.each([
    'https://',
    'https://portal.example.com/?x=1',
    'https://user:pw@portal.example.com',
    'not an address',
  ])('A11: %s is "not a valid address", and nothing is fetched', async (input) => {
    const { fetch, urls } = fakeFetch(() => json(DISCOVERY));
    expect((await probePortal(input, { fetch })).code).toBe('invalid_address');
    expect(urls).toEqual([]);
  });

  it('C3: a host that does not answer (refused, DNS, TLS) is "did not answer"', async () => {
    const { fetch, urls } = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await probePortal(ISSUER, { fetch })).toEqual({ code: 'no_answer', host: 'portal.example.com' });
    // Asked twice: readable, then opaque (which fails too: really nothing there).
    expect(urls).toHaveLength(2);
  });

  it('A7: a host whose answer the browser hides (no host permission, no CORS) is "unreadable", not "did not answer"', async () => {
    const modes: Array<string | undefined> = [];
    const fetch = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      modes.push(init?.mode);
      if (init?.mode === 'no-cors') return new Response(null, { status: 200 });
      throw new TypeError('Failed to fetch');
    }) as typeof globalThis.fetch;
    expect(await probePortal(ISSUER, { fetch })).toEqual({ code: 'unreadable', host: 'portal.example.com' });
    expect(modes).toEqual([undefined, 'no-cors']);
  });

  it('C3: a host that stays silent past the timeout is "did not answer"', async () => {
    const fetch = ((_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof globalThis.fetch;
    expect(await probePortal(ISSUER, { fetch, timeoutMs: 20 })).toEqual({
      code: 'no_answer',
      host: 'portal.example.com',
    });
  });

  it.each([
    ['a 404 page', () => new Response('<h1>Not found</h1>', { status: 404 })],
    ['an HTML page', () => new Response('<!doctype html><p>Welcome</p>', { status: 200 })],
    ['JSON that is no discovery document', () => json({ hello: 'world' })],
    ['discovery for another issuer', () => json({ ...DISCOVERY, issuer: 'https://other.example.com' })],
  ])('A3: a host that answers with %s is "not an identity portal"', async (_label, respond) => {
    const { fetch } = fakeFetch(respond);
    expect(await probePortal(ISSUER, { fetch })).toEqual({
      code: 'not_a_portal',
      host: 'portal.example.com',
    });
  });

  it('keeps the issuer path: discovery lives under it (OIDC Discovery §4)', async () => {
    expect(discoveryUrl('https://example.com/tenant/')).toBe(
      'https://example.com/tenant/.well-known/openid-configuration',
    );
    const { fetch, urls } = fakeFetch(() => json({ ...DISCOVERY, issuer: 'http://127.0.0.1:8080/tenant' }));
    expect(await probePortal('http://127.0.0.1:8080/tenant', { fetch })).toEqual({
      code: 'ok',
      issuer: 'http://127.0.0.1:8080/tenant',
    });
    expect(urls).toEqual(['http://127.0.0.1:8080/tenant/.well-known/openid-configuration']);
  });
});
