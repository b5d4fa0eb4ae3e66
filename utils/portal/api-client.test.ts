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
