/**
 * Users table: accounts, password hashes and profile columns. SQL only here.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { all, type Database, first, run } from '../db/database.ts';

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

/**
 * Repository over `users`. Emails compare case-insensitively: SQLite by the
 * column's COLLATE NOCASE, PostgreSQL by its unique index on `lower(email)`
 * (one condition each, so each uses its index).
 */
export function createUsersRepo(db: Database, clock: () => number) {
  const emailIs = (email: string) =>
    db.dialect === 'postgres' ? sql`lower(email) = lower(${email})` : sql`email = ${email}`;
  const repo = {
    async findById(id: string): Promise<UserRecord | undefined> {
      const row = await first(db, sql<UserRow>`SELECT * FROM users WHERE id = ${id}`);
      return row && toRecord(row);
    },
    async findByEmail(email: string): Promise<UserRecord | undefined> {
      const row = await first(db, sql<UserRow>`SELECT * FROM users WHERE ${emailIs(email.trim())}`);
      return row && toRecord(row);
    },
    async list(): Promise<UserRecord[]> {
      return (await all(db, sql<UserRow>`SELECT * FROM users ORDER BY email`)).map(toRecord);
    },
    async create(user: NewUser): Promise<UserRecord> {
      const id = randomUUID();
      const now = clock();
      await db.transaction(async () => {
        await run(
          db,
          sql`INSERT INTO users (id, email, password_hash, created_at, password_changed_at, display_name)
              VALUES (${id}, ${user.email.trim()}, ${user.passwordHash}, ${now},
                      ${user.passwordHash ? now : null}, ${user.displayName})`,
        );
        if (user.profile) await repo.updateProfile(id, user.profile);
      });
      return (await repo.findById(id)) as UserRecord;
    },
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await run(
        db,
        sql`UPDATE users SET password_hash = ${passwordHash}, password_changed_at = ${clock()} WHERE id = ${id}`,
      );
    },
    async setDisabled(id: string, disabled: boolean): Promise<void> {
      await run(db, sql`UPDATE users SET disabled = ${disabled ? 1 : 0} WHERE id = ${id}`);
    },
    async setRequireMfa(id: string, required: boolean): Promise<void> {
      await run(db, sql`UPDATE users SET require_mfa = ${required ? 1 : 0} WHERE id = ${id}`);
    },
    /** Updates only the given profile columns; `undefined` leaves a column alone. */
    async updateProfile(id: string, patch: UserProfilePatch): Promise<void> {
      const entries = Object.entries(patch).filter(([, value]) => value !== undefined) as [
        keyof UserProfilePatch,
        unknown,
      ][];
      if (entries.length === 0) return;
      // Column names come from the fixed COLUMNS map, never from input.
      const sets = sql.join(
        entries.map(
          ([key, value]) =>
            sql`${sql.ref(COLUMNS[key])} = ${key === 'lockedFields' ? JSON.stringify(value) : value}`,
        ),
      );
      await run(db, sql`UPDATE users SET ${sets} WHERE id = ${id}`);
    },
  };
  return repo;
}
