/**
 * 002: admins can require MFA of one user (`user require-mfa <email>`); a user
 * who must have MFA and has none sets it up during sign-in. The portal-wide
 * setting (PORTAL_REQUIRE_MFA) is configuration, not data.
 * interaction_progress.second_factor_verified: the second factor was proved in
 * this sign-in (a code, or a just-confirmed enrolment): only then may the
 * interaction finish with MFA. Set by the enrolment step, so "I have saved
 * these codes" cannot be posted early.
 */
import type { MigrationUp } from './helpers.ts';

export const up: MigrationUp = async (db) => {
  await db.schema
    .alterTable('users')
    .addColumn('require_mfa', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('interaction_progress')
    .addColumn('second_factor_verified', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
};
