import { describe, expect, it } from 'vitest';
import { Router } from '../../src/api/router.ts';

describe('router', () => {
  const router = new Router<string>()
    .add('GET', '/me', 'get-me')
    .add('PATCH', '/me', 'patch-me')
    .add('DELETE', '/me/ssh-keys/:id', 'delete-key')
    .add('POST', '/apps/:id/launch', 'launch');

  it('matches literal paths and decodes parameters', () => {
    expect(router.match('GET', '/me')).toEqual({ kind: 'found', route: 'get-me', params: {} });
    expect(router.match('POST', '/apps/team%20wiki/launch')).toEqual({
      kind: 'found',
      route: 'launch',
      params: { id: 'team wiki' },
    });
    expect(router.match('GET', '/me/')).toMatchObject({ kind: 'found', route: 'get-me' });
  });

  it('tells an unknown path (404) from a wrong method (405 with Allow)', () => {
    expect(router.match('GET', '/nope')).toEqual({ kind: 'not_found' });
    expect(router.match('PUT', '/me')).toEqual({ kind: 'method_not_allowed', allow: ['GET', 'PATCH'] });
    expect(router.match('GET', '/apps//launch')).toEqual({ kind: 'not_found' });
  });

  it('refuses malformed percent-escapes and duplicate routes', () => {
    expect(router.match('DELETE', '/me/ssh-keys/%E0%A4%A')).toEqual({ kind: 'not_found' });
    expect(() => router.add('GET', '/me', 'again')).toThrow(/defined twice/);
  });
});
