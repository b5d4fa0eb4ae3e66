import { describe, expect, it } from 'vitest';
import { testApp as app } from './__tests__/apps.ts';
import { createPortalApi } from './api-client.ts';

const ISSUER = 'https://portal.example.com';

function apiAnswering(body: unknown) {
  const dropped: number[] = [];
  const api = createPortalApi({
    issuer: ISSUER,
    getAccessToken: async () => 'at',
    refreshAccessToken: async () => 'at',
    fetch: (async () =>
      new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })) as typeof fetch,
    onDroppedApps: (count) => dropped.push(count),
  });
  return { api, dropped };
}

describe('portal API client: GET /me/apps', () => {
  it('C8: a malformed entry costs only that app; the rest is kept and the drop reported', async () => {
    const { api, dropped } = apiAnswering({
      apps: [app('team-wiki'), { ...app('x'), id: 'has a space' }, { name: 'no id' }, 42, app('payroll')],
    });
    const { apps } = await api.getApps();
    expect(apps.map((entry) => entry.id)).toEqual(['team-wiki', 'payroll']);
    expect(dropped).toEqual([3]);
  });

  it('a well-formed catalog reports no drop', async () => {
    const { api, dropped } = apiAnswering({ apps: [app('a')] });
    expect((await api.getApps()).apps).toHaveLength(1);
    expect(dropped).toEqual([]);
  });

  it('C8: a body that is not a catalog at all is still refused with a clear error', async () => {
    const { api } = apiAnswering({ apps: 'nope' });
    await expect(api.getApps()).rejects.toMatchObject({ code: 'invalid_response' });
  });
});

describe('portal API client: the language of problems', () => {
  /** An API whose every answer is `answer()`; records the requests' Accept-Language. */
  function apiRecording(answer: () => Response, language?: () => string) {
    const asked: Array<string | null> = [];
    const api = createPortalApi({
      issuer: ISSUER,
      getAccessToken: async () => 'at',
      refreshAccessToken: async () => 'at',
      fetch: (async (_url: string, init: RequestInit) => {
        asked.push(new Headers(init.headers).get('accept-language'));
        return answer();
      }) as typeof fetch,
      ...(language ? { language } : {}),
    });
    return { api, asked };
  }
  const problemAnswer = (headers: Record<string, string>) =>
    new Response(
      JSON.stringify({
        type: 'about:blank',
        title: 'Code not accepted',
        status: 422,
        code: 'invalid_code',
        detail: 'That code is not right.',
      }),
      { status: 422, headers: { 'content-type': 'application/problem+json', ...headers } },
    );

  it('asks for the UI language in Accept-Language, read at each request', async () => {
    let language = 'de';
    const { api, asked } = apiRecording(
      () => new Response(JSON.stringify({ apps: [] })),
      () => language,
    );
    await api.getApps();
    language = 'ar';
    await api.getApps();
    expect(asked).toEqual(['de, en;q=0.5', 'ar, en;q=0.5']);
  });

  it('without a language option, asks for the launcher UI language (English outside a browser)', async () => {
    const { api, asked } = apiRecording(() => new Response(JSON.stringify({ apps: [] })));
    await api.getApps();
    expect(asked).toEqual(['en']);
  });

  it('a problem answer carries its Content-Language as `lang`', async () => {
    const { api } = apiRecording(
      () => problemAnswer({ 'content-language': 'en' }),
      () => 'de',
    );
    await expect(api.getApps()).rejects.toMatchObject({
      code: 'portal_error',
      message: 'That code is not right.',
      lang: 'en',
    });
  });

  it('C8: no header, a malformed one, or a body that is not a problem leaves the language unknown', async () => {
    for (const response of [
      () => problemAnswer({}),
      () => problemAnswer({ 'content-language': '"en"; q=1' }),
      // Our own fallback sentence is English whatever the portal's header claims.
      () => new Response('<html>oops</html>', { status: 500, headers: { 'content-language': 'de' } }),
    ]) {
      const { api } = apiRecording(response);
      const error = await api.getApps().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'PortalApiError' });
      expect((error as { lang?: string }).lang).toBeUndefined();
    }
  });
});

describe('portal API client: the push event stream (issue 13)', () => {
  function apiStreaming(answers: Array<() => Response>) {
    const calls: Array<{ authorization: string | null; accept: string | null }> = [];
    let tokens = 0;
    const api = createPortalApi({
      issuer: 'https://portal.example.com',
      getAccessToken: async () => `token-${tokens}`,
      refreshAccessToken: async () => `token-${++tokens}`,
      fetch: (async (_url: string, init: RequestInit) => {
        const headers = new Headers(init.headers);
        calls.push({ authorization: headers.get('authorization'), accept: headers.get('accept') });
        const next = answers.shift();
        if (!next) throw new Error('no more answers');
        return next();
      }) as typeof fetch,
    });
    return { api, calls };
  }
  const events = () =>
    new Response('event: prompts\ndata: {"prompts":[]}\n\n', {
      headers: { 'content-type': 'text/event-stream' },
    });

  it('opens with the bearer token and answers the body; asks for text/event-stream', async () => {
    const { api, calls } = apiStreaming([events]);
    const body = await api.stream('/me/push/stream', new AbortController().signal);
    expect(await new Response(body).text()).toContain('event: prompts');
    expect(calls).toEqual([{ authorization: 'Bearer token-0', accept: 'text/event-stream' }]);
  });

  it('C4: a refused token gets one refresh and one retry; a second 401 is final', async () => {
    const refused = () =>
      new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
    const once = apiStreaming([refused, events]);
    await once.api.stream('/me/push/stream', new AbortController().signal);
    expect(once.calls.map((c) => c.authorization)).toEqual(['Bearer token-0', 'Bearer token-1']);

    const twice = apiStreaming([refused, refused, events]);
    await expect(twice.api.stream('/me/push/stream', new AbortController().signal)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(twice.calls).toHaveLength(2);
  });

  it('C8: an answer that is not an event stream is refused clearly', async () => {
    const { api } = apiStreaming([() => Response.json({ prompts: [] })]);
    await expect(api.stream('/me/push/stream', new AbortController().signal)).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });
});
