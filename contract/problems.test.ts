import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProblemCode, PROBLEM_CODES } from './problems.ts';
import { problemSchema } from './schemas.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Every `code` literal the reference portal throws in an `ApiProblem` (`new ApiProblem(status, 'code'`). */
function serverProblemCodes(): Set<string> {
  const codes = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(full, 'utf8');
        for (const match of text.matchAll(/new ApiProblem\(\s*\d+,\s*'([a-z_]+)'/g))
          codes.add(match[1] as string);
      }
    }
  };
  walk(path.join(ROOT, 'server/src'));
  return codes;
}

describe('problem codes (one list for the portal and the extension)', () => {
  it('every code the reference portal throws is in the list', () => {
    const thrown = [...serverProblemCodes()];
    // The scan must see codes, or it proves nothing.
    expect(thrown).toEqual(expect.arrayContaining(['wrong_password', 'password_policy', 'not_found']));
    expect(thrown.filter((code) => !isProblemCode(code))).toEqual([]);
  });

  it('codes are unique snake_case names', () => {
    expect(new Set(PROBLEM_CODES).size).toBe(PROBLEM_CODES.length);
    for (const code of PROBLEM_CODES) expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('C8: a code from another portal is kept, not refused, and is not taken for a known one', () => {
    const problem = problemSchema.parse({
      title: 'Quota exceeded',
      status: 409,
      code: 'key_quota_exceeded',
      detail: 'Your plan allows 5 keys.',
    });
    expect(problem.code).toBe('key_quota_exceeded');
    expect(isProblemCode(problem.code)).toBe(false);
    expect(isProblemCode('password_policy')).toBe(true);
    // Inherited object keys are not codes.
    expect(isProblemCode('constructor')).toBe(false);
  });

  it('C8: malformed `violations` cost only that member, never the problem', () => {
    const problem = problemSchema.parse({
      title: 'Password does not meet the policy',
      status: 422,
      code: 'password_policy',
      rules: ['common'],
      violations: 'This password is too common.',
    });
    expect(problem).toMatchObject({ code: 'password_policy', rules: ['common'] });
    expect(problem.violations).toBeUndefined();
  });
});
