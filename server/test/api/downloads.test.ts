/**
 * Integration: `GET /downloads` lists agent builds whose checksums and sizes
 * match the bytes the portal serves.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadsResponseSchema } from '../../../contract/schemas.ts';
import { callApi, signInWithPassword } from '../api-helpers.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';

let t: TestPortal;
let token: string;

beforeAll(async () => {
  t = await startTestPortal();
  token = (await signInWithPassword(t, 'bob')).access_token;
});
afterAll(() => t?.close());

describe('GET /downloads', () => {
  it('lists one agent per OS, each served by the portal with a matching SHA-256 and size', async () => {
    const answer = await callApi(t, 'GET', '/downloads', { token });
    expect(answer.status).toBe(200);
    const { downloads } = downloadsResponseSchema.parse(answer.json);
    expect(downloads.map((d) => d.os).sort()).toEqual(['linux', 'macos', 'windows']);
    for (const download of downloads) {
      const response = await fetch(download.url);
      expect(response.status, download.url).toBe(200);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex'), download.name).toBe(download.sha256);
      expect(bytes.length).toBe(download.sizeBytes);
    }
  });

  it('needs a token for the list, and serves no file that is not registered', async () => {
    expect((await callApi(t, 'GET', '/downloads')).status).toBe(401);
    for (const name of ['..%2Fpackage.json', '..%2F..%2Fapi%2Findex.ts', 'nope.sh', '%2Fetc%2Fpasswd']) {
      expect((await fetch(`${t.issuer}/downloads/files/${name}`)).status, name).toBe(404);
    }
  });
});
