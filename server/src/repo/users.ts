/**
 * Users table: accounts, password hashes and profile columns. SQL only here.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';

/** A portal user as the services see it (camelCase over the `users` row). */
export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string | null;
  disabled: boolean;
  /** The admin requires a second factor of this user (set up during sign-in if missing). */
  requireMfa: boolean;
  createdAt: number;
  passwordChangedAt: number | null;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  location: string | null;
  jobTitle: string | null;
  department: string | null;
  manager: string | null;
  employeeId: string | null;
  costCenter: string | null;
  startDate: string | null;
  photoUrl: string | null;
  /** Profile field names (schemas.ts `profileFieldNames`) the admin locked. */
  lockedFields: string[];
}

/** Profile columns a caller may update through {@link UsersRepo.updateProfile}. */
export type UserProfilePatch = Partial<
  Pick<
    UserRecord,
    | 'displayName'
    | 'firstName'
    | 'lastName'
    | 'phone'
    | 'location'
    | 'jobTitle'
    | 'department'
    | 'manager'
    | 'employeeId'
    | 'costCenter'
    | 'startDate'
    | 'photoUrl'
    | 'lockedFields'
  >
>;

const COLUMNS: Record<keyof UserProfilePatch, string> = {
  displayName: 'display_name',
  firstName: 'first_name',
  lastName: 'last_name',
  phone: 'phone',
  location: 'location',
  jobTitle: 'job_title',
  department: 'department',
  manager: 'manager',
  employeeId: 'employee_id',
  costCenter: 'cost_center',
  startDate: 'start_date',
  photoUrl: 'photo_url',
  lockedFields: 'locked_fields',
};

interface UserRow {
  id: string;
  email: string;
  password_hash: string | null;
  disabled: number;
  require_mfa: number;
  created_at: number;
  password_changed_at: number | null;
  display_name: string;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  location: string | null;
  job_title: string | null;
  department: string | null;
  manager: string | null;
  employee_id: string | null;
  cost_center: string | null;
  start_date: string | null;
  photo_url: string | null;
  locked_fields: string;
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    disabled: row.disabled === 1,
    requireMfa: row.require_mfa === 1,
    createdAt: row.created_at,
    passwordChangedAt: row.password_changed_at,
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    location: row.location,
    jobTitle: row.job_title,
    department: row.department,
    manager: row.manager,
    employeeId: row.employee_id,
    costCenter: row.cost_center,
    startDate: row.start_date,
    photoUrl: row.photo_url,
    lockedFields: JSON.parse(row.locked_fields) as string[],
  };
}

/** Input of {@link UsersRepo.create}. */
export interface NewUser {
  email: string;
  displayName: string;
  passwordHash: string | null;
  profile?: UserProfilePatch;
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;

/** Repository over `users`. Emails compare case-insensitively (COLLATE NOCASE). */
export function createUsersRepo(db: Database, clock: () => number) {
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  return {
    findById(id: string): UserRecord | undefined {
      const row = byId.get(id);
      return row && toRecord(row);
    },
    findByEmail(email: string): UserRecord | undefined {
      const row = byEmail.get(email.trim());
      return row && toRecord(row);
    },
    list(): UserRecord[] {
      return db.prepare<[], UserRow>('SELECT * FROM users ORDER BY email').all().map(toRecord);
    },
    create(user: NewUser): UserRecord {
      const id = randomUUID();
      const now = clock();
      db.prepare(
        `INSERT INTO users (id, email, password_hash, created_at, password_changed_at, display_name)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(id, user.email.trim(), user.passwordHash, now, user.passwordHash ? now : null, user.displayName);
      if (user.profile) this.updateProfile(id, user.profile);
      return this.findById(id) as UserRecord;
    },
    setPasswordHash(id: string, passwordHash: string): void {
      db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?').run(
        passwordHash,
        clock(),
        id,
      );
    },
    setDisabled(id: string, disabled: boolean): void {
      db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id);
    },
    setRequireMfa(id: string, required: boolean): void {
      db.prepare('UPDATE users SET require_mfa = ? WHERE id = ?').run(required ? 1 : 0, id);
    },
    /** Updates only the given profile columns; `undefined` leaves a column alone. */
    updateProfile(id: string, patch: UserProfilePatch): void {
      const entries = Object.entries(patch).filter(([, value]) => value !== undefined) as [
        keyof UserProfilePatch,
        unknown,
      ][];
      if (entries.length === 0) return;
      const sets = entries.map(([key]) => `${COLUMNS[key]} = ?`).join(', ');
      const values = entries.map(([key, value]) => (key === 'lockedFields' ? JSON.stringify(value) : value));
      db.prepare(`UPDATE users SET ${sets} WHERE id = ?`).run(...values, id);
    },
  };
}
