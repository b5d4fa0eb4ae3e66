/**
 * Integration: `GET /api/v1/support`, the public admin contact the launcher
 * links to after a step-up was cancelled or refused, and its setting's
 * validation (`PORTAL_ADMIN_CONTACT`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { supportResponseSchema } from '../../../contract/admin-contact.ts';
import { loadConfig } from '../../src/config.ts';
import { callApi } from '../api-helpers.ts';
import { startTestPortal, type TestPortal } from '../portal.ts';

let t: TestPortal | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('GET /support', () => {
  it('is public and answers the configured admin contact (an address or an email)', async () => {
    t = await startTestPortal({ demoApps: false, config: { adminContact: 'https://help.example.com/it' } });
    const answer = await callApi(t, 'GET', '/support');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(supportResponseSchema.parse(answer.json)).toEqual({ adminContact: 'https://help.example.com/it' });
  });

  it('answers null when no contact is set', async () => {
    t = await startTestPortal({ demoApps: false });
    const answer = await callApi(t, 'GET', '/support');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ adminContact: null });
  });

  it('PORTAL_ADMIN_CONTACT takes an https address or an email; anything else stops the portal with its name', () => {
    expect(loadConfig({ PORTAL_ADMIN_CONTACT: 'it-help@example.com' }).adminContact).toBe(
      'it-help@example.com',
    );
    expect(loadConfig({ PORTAL_ADMIN_CONTACT: ' https://help.example.com ' }).adminContact).toBe(
      'https://help.example.com',
    );
    for (const bad of ['javascript:alert(1)', 'http://help.example.com', 'not an address', 'a@b']) {
      expect(() => loadConfig({ PORTAL_ADMIN_CONTACT: bad }), bad).toThrow(/PORTAL_ADMIN_CONTACT/);
    }
  });
});
