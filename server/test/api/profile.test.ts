import { describe, expect, it } from 'vitest';
import { meSchema } from '../../../contract/schemas.ts';
import { ApiProblem } from '../../src/api/problem.ts';
import type { UserRecord } from '../../src/repo/users.ts';
import { ADMIN_LOCKED_REASON, initialsOf, planProfileUpdate, toMe } from '../../src/services/profile.ts';

function fakeUser(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 'u1',
    email: 'alice@example.com',
    passwordHash: null,
    disabled: false,
    requireMfa: false,
    createdAt: 0,
    passwordChangedAt: null,
    displayName: 'Alice Example',
    firstName: 'Alice',
    lastName: 'Example',
    phone: null,
    location: 'Berlin',
    jobTitle: 'Engineer',
    department: 'R&D',
    manager: null,
    employeeId: 'E-1',
    costCenter: null,
    startDate: '2024-03-01',
    photoUrl: 'javascript:alert(1)',
    lockedFields: ['jobTitle', 'department'],
    ...overrides,
  };
}

function thrown(fn: () => unknown): ApiProblem {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiProblem) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('profile', () => {
  it('shapes GET /me by the shared schema, email never editable, locks explained', () => {
    const me = meSchema.parse(toMe(fakeUser(), { totp: true }));
    const fields = me.sections.flatMap((section) => section.fields);
    expect(me.sections.map((s) => s.id)).toEqual(['details', 'personal', 'employment']);
    expect(fields.find((f) => f.name === 'email')).toMatchObject({
      editable: false,
      value: 'alice@example.com',
    });
    expect(fields.find((f) => f.name === 'jobTitle')).toMatchObject({
      editable: false,
      lockedReason: ADMIN_LOCKED_REASON,
    });
    expect(fields.find((f) => f.name === 'phone')).toMatchObject({ editable: true });
    expect(fields.find((f) => f.name === 'phone')).not.toHaveProperty('lockedReason');
    expect(me.initials).toBe('AE');
    // Only http(s) photo URLs reach the extension.
    expect(me.photoUrl).toBeNull();
  });

  it('derives initials from names, display name or email', () => {
    expect(initialsOf({ firstName: null, lastName: null, displayName: 'bob  builder x', email: 'b@x' })).toBe(
      'BB',
    );
    expect(initialsOf({ firstName: null, lastName: null, displayName: '', email: 'zed@x' })).toBe('Z');
  });

  it('PATCH: locked fields and the email are refused with 403 locked_field before anything else', () => {
    const problem = thrown(() => planProfileUpdate(fakeUser(), { jobTitle: 'CEO', phone: 'garbage' }));
    expect(problem.status).toBe(403);
    expect(problem.code).toBe('locked_field');
    expect(problem.errors).toEqual({ jobTitle: ADMIN_LOCKED_REASON });
    expect(thrown(() => planProfileUpdate(fakeUser(), { email: 'mallory@example.com' })).code).toBe(
      'locked_field',
    );
  });

  it('C8: PATCH: invalid values get 422 with one message per field', () => {
    const problem = thrown(() =>
      planProfileUpdate(fakeUser(), { phone: '12ab', startDate: '2024-02-30', displayName: ' ' }),
    );
    expect(problem.status).toBe(422);
    expect(Object.keys(problem.errors ?? {}).sort()).toEqual(['displayName', 'phone', 'startDate']);
    expect(problem.errors?.phone).toMatch(/phone number/);
  });

  it('PATCH: valid values are trimmed and empty strings clear', () => {
    expect(
      planProfileUpdate(fakeUser(), { phone: ' +49 30 1234567 ', location: '', startDate: null }),
    ).toEqual({
      phone: '+49 30 1234567',
      location: null,
      startDate: null,
    });
  });
});
