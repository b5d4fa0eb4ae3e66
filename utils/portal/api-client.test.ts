import { describe, expect, it } from 'vitest';
import { createPortalApi } from './api-client.ts';

const ISSUER = 'https://portal.example.com';
const app = (id: string) => ({
  id,
  name: `App ${id}`,
  description: null,
  iconUrl: null,
  category: null,
  requiresMfa: false,
  mfaMaxAgeSeconds: null,
});

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
