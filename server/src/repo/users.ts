/**
 * Users table: accounts, password hashes and profile columns. SQL only here.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import { compileOnce } from '../db/compiled.ts';
import type { Database } from '../db/database.ts';
import type { UsersTable } from '../db/schema.ts';

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

const COLUMNS: Record<keyof UserProfilePatch, keyof UsersTable> = {
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

type UserRow = Selectable<UsersTable>;

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
  // Every launch reads its user: compiled once (db/compiled.ts).
  const byId = compileOnce<{ id: string }, UserRow>(db, (k, arg) =>
    k.selectFrom('users').selectAll().where('id', '=', arg('id')),
  );
  const byEmail = compileOnce<{ email: string }, UserRow>(db, (k, arg) =>
    k
      .selectFrom('users')
      .selectAll()
      .where((eb) =>
        db.dialect === 'postgres'
          ? eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(arg('email'))]))
          : eb('email', '=', arg('email')),
      ),
  );
  const update = (id: string, set: Updateable<UsersTable>) =>
    db.executor().updateTable('users').set(set).where('id', '=', id).execute();
  const repo = {
    async findById(id: string): Promise<UserRecord | undefined> {
      const row = await byId.first({ id });
      return row && toRecord(row);
    },
    async findByEmail(email: string): Promise<UserRecord | undefined> {
      const row = await byEmail.first({ email: email.trim() });
      return row && toRecord(row);
    },
    async list(): Promise<UserRecord[]> {
      return (await db.executor().selectFrom('users').selectAll().orderBy('email').execute()).map(toRecord);
    },
    async create(user: NewUser): Promise<UserRecord> {
      const id = randomUUID();
      const now = clock();
      await db.transaction(async () => {
        await db
          .executor()
          .insertInto('users')
          .values({
            id,
            email: user.email.trim(),
            password_hash: user.passwordHash,
            created_at: now,
            password_changed_at: user.passwordHash ? now : null,
            display_name: user.displayName,
          })
          .execute();
        if (user.profile) await repo.updateProfile(id, user.profile);
      });
      return (await repo.findById(id)) as UserRecord;
    },
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await update(id, { password_hash: passwordHash, password_changed_at: clock() });
    },
    async setDisabled(id: string, disabled: boolean): Promise<void> {
      await update(id, { disabled: disabled ? 1 : 0 });
    },
    async setRequireMfa(id: string, required: boolean): Promise<void> {
      await update(id, { require_mfa: required ? 1 : 0 });
    },
    /** Updates only the given profile columns; `undefined` leaves a column alone. */
    async updateProfile(id: string, patch: UserProfilePatch): Promise<void> {
      const set: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(patch) as [keyof UserProfilePatch, unknown][]) {
        // Column names come from the fixed COLUMNS map, never from input.
        if (value !== undefined) set[COLUMNS[key]] = key === 'lockedFields' ? JSON.stringify(value) : value;
      }
      if (Object.keys(set).length > 0) await update(id, set as Updateable<UsersTable>);
    },
  };
  return repo;
}
