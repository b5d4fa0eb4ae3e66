import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import './zod-config.ts';

describe('zod settings of the extension', () => {
  it('A8: the JIT is off (the MV3 CSP refuses eval)', () => {
    expect(z.config().jitless).toBe(true);
  });

  it('gives zod/mini English messages (it loads none of its own)', () => {
    const result = z.string().check(z.maxLength(3)).safeParse('abcd');
    expect(result.error?.issues[0]?.message).toBe('Too big: expected string to have <=3 characters');
    expect(z.object({ name: z.string() }).safeParse({}).error?.issues[0]?.message).toBe(
      'Invalid input: expected string, received undefined',
    );
  });
});
