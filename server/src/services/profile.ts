/**
 * The employee profile as the portal API shows it (`GET /me`) and the rules
 * for changing it (`PATCH /me`).
 *
 * Contract: {@link toMe} is pure (user record → `Me`). {@link planProfileUpdate}
 * is pure too: it returns the column changes to apply, or throws an
 * {@link ApiProblem} — 403 `locked_field` when the patch touches the email or a
 * field the admin locked (checked first, so nothing is half-applied), 422
 * `validation_failed` with one message per invalid field.
 */
import type { Me, MePatch, ProfileField, ProfileFieldName } from '../../../contract/schemas.ts';
import { ApiProblem } from '../api/problem.ts';
import type { UserProfilePatch, UserRecord } from '../repo/users.ts';

type SectionId = Me['sections'][number]['id'];

/** Sections in display order, with their fields and labels. */
const SECTIONS: { id: SectionId; title: string; fields: [ProfileFieldName, string][] }[] = [
  {
    id: 'details',
    title: 'User details',
    fields: [
      ['email', 'Email'],
      ['displayName', 'Display name'],
      ['firstName', 'First name'],
      ['lastName', 'Last name'],
    ],
  },
  {
    id: 'personal',
    title: 'Personal',
    fields: [
      ['phone', 'Phone'],
      ['location', 'Location'],
    ],
  },
  {
    id: 'employment',
    title: 'Employment',
    fields: [
      ['jobTitle', 'Job title'],
      ['department', 'Department'],
      ['manager', 'Manager'],
      ['employeeId', 'Employee ID'],
      ['costCenter', 'Cost center'],
      ['startDate', 'Start date'],
    ],
  },
];

/** Shown next to the email: it is the sign-in name, so only an admin changes it. */
export const EMAIL_LOCKED_REASON =
  'Your email address is your sign-in name. Ask your administrator to change it.';
/** Shown next to a field the admin locked. */
export const ADMIN_LOCKED_REASON = 'Your administrator manages this field.';

/** Why `name` is read-only for this user, or null when the user may edit it. */
export function lockedReason(user: UserRecord, name: ProfileFieldName): string | null {
  if (name === 'email') return EMAIL_LOCKED_REASON;
  return user.lockedFields.includes(name) ? ADMIN_LOCKED_REASON : null;
}

function fieldValue(user: UserRecord, name: ProfileFieldName): string | null {
  return user[name];
}

/** Up to two initials for the avatar tile ("Alice Example" → "AE"). */
export function initialsOf(
  user: Pick<UserRecord, 'firstName' | 'lastName' | 'displayName' | 'email'>,
): string {
  const words =
    user.firstName || user.lastName
      ? [user.firstName ?? '', user.lastName ?? '']
      : user.displayName.split(/\s+/).filter(Boolean);
  const letters = words
    .map((word) => Array.from(word.trim())[0] ?? '')
    .filter(Boolean)
    .slice(0, 2)
    .join('')
    .toUpperCase();
  return letters || (Array.from(user.email)[0] ?? '?').toUpperCase();
}

function isHttpUrl(value: string | null): value is string {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The `GET /me` body for a user. */
export function toMe(user: UserRecord, mfa: { totp: boolean }): Me {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    initials: initialsOf(user),
    jobTitle: user.jobTitle,
    photoUrl: isHttpUrl(user.photoUrl) ? user.photoUrl : null,
    mfa,
    sections: SECTIONS.map((section) => ({
      id: section.id,
      title: section.title,
      fields: section.fields.map(([name, label]): ProfileField => {
        const reason = lockedReason(user, name);
        return {
          name,
          label,
          value: fieldValue(user, name),
          editable: reason === null,
          ...(reason ? { lockedReason: reason } : {}),
        };
      }),
    })),
  };
}

/** Digits with the usual separators; E.164 allows at most 15 digits, fewer than 7 reach no one. */
const PHONE_PATTERN = /^\+?[0-9][0-9 ().-]*$/;

function validateField(name: ProfileFieldName, value: string | null): string | null {
  if (name === 'displayName') {
    if (!value) return 'Enter a display name.';
    return value.length > 200 ? 'Use at most 200 characters.' : null;
  }
  if (value === null) return null;
  if (name === 'phone') {
    const digits = value.replace(/\D/g, '').length;
    if (!PHONE_PATTERN.test(value) || digits < 7 || digits > 15) {
      return 'Enter a phone number of 7 to 15 digits, for example +1 555 010 0000.';
    }
    return null;
  }
  if (name === 'startDate') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const date = match ? new Date(`${value}T00:00:00Z`) : null;
    if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
      return 'Enter a date as YYYY-MM-DD, for example 2024-03-01.';
    }
    return null;
  }
  return value.length > 200 ? 'Use at most 200 characters.' : null;
}

/**
 * Checks a `PATCH /me` body against the user's locks and the field formats.
 * Empty strings clear a field (same as `null`), except the display name.
 *
 * @returns the columns to update (`UsersRepo.updateProfile`).
 * @throws {ApiProblem} 403 `locked_field` or 422 `validation_failed`.
 */
export function planProfileUpdate(user: UserRecord, patch: MePatch): UserProfilePatch {
  const entries = (Object.entries(patch) as [ProfileFieldName, string | null | undefined][]).filter(
    (entry): entry is [ProfileFieldName, string | null] => entry[1] !== undefined,
  );
  const locked: Record<string, string> = {};
  for (const [name] of entries) {
    const reason = lockedReason(user, name);
    if (reason) locked[name] = reason;
  }
  if (Object.keys(locked).length > 0) {
    throw new ApiProblem(403, 'locked_field', 'Field cannot be changed', {
      detail: `You cannot change ${Object.keys(locked).join(', ')}. ${
        'email' in locked ? EMAIL_LOCKED_REASON : ADMIN_LOCKED_REASON
      }`,
      errors: locked,
    });
  }
  const errors: Record<string, string> = {};
  const update: Record<string, string | null> = {};
  for (const [name, raw] of entries) {
    const value = raw === null || raw.trim() === '' ? null : raw.trim();
    const error = validateField(name, value);
    if (error) errors[name] = error;
    else update[name] = value;
  }
  if (Object.keys(errors).length > 0) {
    throw new ApiProblem(422, 'validation_failed', 'Validation failed', {
      detail: 'Some fields are not valid. Correct them and save again.',
      errors,
    });
  }
  return update as UserProfilePatch;
}
