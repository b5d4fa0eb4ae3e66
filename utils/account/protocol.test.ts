import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { accountProtocol } from './protocol.ts';

/** Every property name anywhere in a JSON Schema. */
function propertyNames(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const item of schema) propertyNames(item, found);
  } else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value && typeof value === 'object') {
        for (const name of Object.keys(value)) found.add(name);
      }
      propertyNames(value, found);
    }
  }
  return found;
}

describe('account protocol', () => {
  it('A5/A13: no message, either way, has a field for a token or a private key', () => {
    const all = new Set<string>();
    for (const [verb, { request, response }] of Object.entries(accountProtocol)) {
      const names = [
        ...propertyNames(z.toJSONSchema(request, { io: 'input', unrepresentable: 'any' })),
        ...propertyNames(z.toJSONSchema(response, { io: 'output', unrepresentable: 'any' })),
      ];
      expect(
        names.filter((name) => /token|secret_key|private/i.test(name)),
        verb,
      ).toEqual([]);
      for (const name of names) all.add(name);
    }
    // The walk really saw the bodies (so the check above could have failed).
    expect([...all]).toEqual(
      expect.arrayContaining(['fingerprint', 'publicKey', 'recoveryCodes', 'sessions']),
    );
  });

  it('C8: every request refuses unknown fields', () => {
    for (const [verb, { request }] of Object.entries(accountProtocol)) {
      if (verb === 'updateProfile') continue;
      expect(request.safeParse({ accessToken: 'x' }).success, verb).toBe(false);
    }
    expect(
      accountProtocol.updateProfile.request.safeParse({ patch: { phone: '1' }, accessToken: 'x' }).success,
    ).toBe(false);
  });
});
