/**
 * Password hashing and policy (B10).
 *
 * - Hashing: argon2id (OWASP's first choice) through `@node-rs/argon2` with
 *   its defaults (m=19 MiB, t=2, p=1 — OWASP's minimum recommended profile).
 *   Passwords are Unicode-normalised (NFC) before hashing so the same
 *   password typed on different keyboards verifies (NIST SP 800-63B §3.1.1.2).
 * - Policy: length only (min from config, at least 8; max 1024, never
 *   truncated), no composition rules, a common-password list, not the email.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';
import type {
  PasswordPolicy,
  PasswordRule,
  PasswordViolation as WireViolation,
} from '../../../contract/schemas.ts';
import type { Config } from '../config.ts';

/** Longest password accepted (characters). Long passphrases are welcome; this only bounds hashing work. */
export const MAX_PASSWORD_LENGTH = 1024;

const normalize = (password: string) => password.normalize('NFC');

/**
 * Hashes a password with argon2id (PHC string format, salt included).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9106 RFC 9106 (Argon2)
 */
export function hashPassword(password: string): Promise<string> {
  // The binding's default algorithm is argon2id (asserted in passwords.test.ts);
  // its `Algorithm` const enum cannot be imported under verbatimModuleSyntax.
  return hash(normalize(password));
}

/**
 * Checks a password against a stored argon2 hash. A malformed or missing
 * hash is a non-match, never an exception, so callers handle one outcome.
 */
export async function verifyPassword(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, normalize(password));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the same argon2 work as a real verification, for accounts that do
 * not exist, so response timing does not reveal which addresses are real (B18).
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('portal-launcher dummy password for timing equalisation');
  await verifyPassword(await dummyHash, password);
  return false;
}

/** The policy as the UI shows it (schemas.ts `passwordPolicySchema`). */
export function passwordPolicy(config: Pick<Config, 'passwordMinLength'>): PasswordPolicy {
  return { minLength: config.passwordMinLength, maxLength: MAX_PASSWORD_LENGTH, checksCommonPasswords: true };
}

let commonPasswords: Set<string> | undefined;
function loadCommonPasswords(): Set<string> {
  if (!commonPasswords) {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'common-passwords.txt');
    commonPasswords = new Set(
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim().toLowerCase())
        .filter((line) => line && !line.startsWith('#')),
    );
  }
  return commonPasswords;
}

/** True when the password is on the shipped common-password list (case-insensitive). */
export function isCommonPassword(password: string): boolean {
  return loadCommonPasswords().has(normalize(password).toLowerCase());
}

/** One broken password rule: which, and the sentence a person can act on (sent as is in the problem's `violations`). */
export interface PasswordViolation extends WireViolation {
  rule: PasswordRule;
}

/**
 * Lists what is wrong with a new password, each rule with a sentence a person
 * can act on. Empty means acceptable. Length counts Unicode characters (code
 * points), not bytes.
 *
 * @see https://pages.nist.gov/800-63-4/sp800-63b.html NIST SP 800-63B §3.1.1.2 (password verifiers)
 */
export function passwordViolations(
  password: string,
  policy: PasswordPolicy,
  context: { email?: string } = {},
): PasswordViolation[] {
  const violations: PasswordViolation[] = [];
  const length = [...normalize(password)].length;
  if (length < policy.minLength) {
    violations.push({ rule: 'min_length', message: `Use at least ${policy.minLength} characters.` });
  }
  if (length > policy.maxLength) {
    violations.push({ rule: 'max_length', message: `Use at most ${policy.maxLength} characters.` });
  }
  if (policy.checksCommonPasswords && isCommonPassword(password)) {
    violations.push({
      rule: 'common',
      message: 'This password is too common. Choose something harder to guess.',
    });
  }
  const email = context.email?.trim().toLowerCase();
  if (email) {
    const lower = normalize(password).toLowerCase();
    const localPart = email.split('@')[0] ?? '';
    if (lower === email || (localPart.length >= 3 && lower === localPart)) {
      violations.push({ rule: 'email', message: 'Do not use your email address as your password.' });
    }
  }
  return violations;
}

/** {@link passwordViolations} as sentences only. */
export function checkPasswordPolicy(
  password: string,
  policy: PasswordPolicy,
  context: { email?: string } = {},
): string[] {
  return passwordViolations(password, policy, context).map((violation) => violation.message);
}
