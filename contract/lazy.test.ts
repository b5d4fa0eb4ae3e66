/** Values built on first use (issue 15: the background builds only the schemas it needs). */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { lazy, lazyEach } from './lazy.ts';

describe('lazy values', () => {
  it('a lazy schema is built once, on its first use, and then behaves as the schema', () => {
    let builds = 0;
    const schema = lazy(() => {
      builds += 1;
      return z.object({ name: z.string() });
    });
    expect(builds).toBe(0);
    expect(schema.safeParse({ name: 'x' }).success).toBe(true);
    expect(schema.safeParse({ name: 1 }).success).toBe(false);
    expect(builds).toBe(1);
  });

  it('a lazy schema works inside zod/mini wrappers and checks, as the contract uses it', () => {
    const shortText = lazy(() => z.string().check(z.maxLength(3)));
    const field = z.object({ label: z.nullable(shortText), name: shortText.check(z.minLength(1)) });
    expect(field.parse({ label: null, name: 'abc' })).toEqual({ label: null, name: 'abc' });
    expect(field.safeParse({ label: 'abcd', name: 'a' }).success).toBe(false);
    expect(field.safeParse({ label: 'a', name: '' }).success).toBe(false);
  });

  it('a record of lazy entries lists its keys without building any, and builds only the entry used', () => {
    const built: string[] = [];
    const verbs = lazyEach({
      getState: () => {
        built.push('getState');
        return { request: z.object({ refresh: z.boolean() }) };
      },
      listSessions: () => {
        built.push('listSessions');
        return { request: z.object({}) };
      },
    });
    const spread = { ...verbs };
    expect(Object.keys(spread)).toEqual(['getState', 'listSessions']);
    expect(Object.hasOwn(spread, 'getState')).toBe(true);
    expect(built).toEqual([]);
    expect(spread.getState.request.parse({ refresh: true })).toEqual({ refresh: true });
    expect(built).toEqual(['getState']);
  });
});
