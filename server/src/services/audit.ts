/**
 * Audit log of sign-ins, failures, lockouts, step-ups, launches and security
 * changes (B17).
 *
 * Contract: callers pass identifiers and outcomes only. As a second line of
 * defence, any detail whose key names a secret (password, code, token, secret,
 * ticket, cookie, hash) is dropped before it reaches the table or the log.
 */
import type { AuditRepo } from '../repo/audit.ts';

/** Events the identity side writes; the API adds its own names freely. */
export type AuditEvent =
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  | 'sign_in.locked'
  | 'sign_in.mfa_failed'
  | 'sign_in.mfa_not_set_up'
  | 'step_up.succeeded'
  | 'sign_out'
  | 'launch.ticket_created'
  | 'launch.ticket_used'
  | 'launch.ticket_refused'
  | 'mfa.totp_enrollment_started'
  | 'mfa.totp_enabled'
  | 'mfa.totp_removed'
  | 'mfa.recovery_codes_regenerated'
  | 'mfa.recovery_code_used'
  | 'account.created'
  | 'account.disabled'
  | 'account.enabled'
  | 'account.unlocked'
  | 'account.password_changed'
  | 'account.mfa_reset'
  | 'app.assigned'
  | (string & {});

/** Identifiers and non-secret details of an audit entry. */
export interface AuditFields {
  userId?: string | null;
  email?: string | null;
  appId?: string | null;
  ip?: string | null;
  [detail: string]: unknown;
}

/**
 * Where an audit entry goes: the audit table, the clock and the log. The
 * portal's context (context.ts) satisfies it; this module names only what it
 * uses, so the context can name the audit types without an import circle.
 */
export interface AuditSink {
  repos: { audit: Pick<AuditRepo, 'insert'> };
  /** Milliseconds since the epoch. */
  clock: () => number;
  log: (line: string) => void;
}

const SECRET_KEY = /pass|code|token|secret|ticket|cookie|hash|otp|credential/i;

/**
 * Writes one audit entry (table + log line).
 *
 * @see https://owasp.org/www-project-application-security-verification-standard/ ASVS V16 (security logging)
 */
export async function audit(ctx: AuditSink, event: AuditEvent, fields: AuditFields = {}): Promise<void> {
  const { userId = null, email = null, appId = null, ip = null, ...rest } = fields;
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (SECRET_KEY.test(key) || value === undefined) continue;
    details[key] = value;
  }
  const at = ctx.clock();
  await ctx.repos.audit.insert({ at, event, userId, email, appId, ip, details });
  const parts = [`audit ${event}`];
  if (email) parts.push(`email=${email}`);
  if (userId) parts.push(`user=${userId}`);
  if (appId) parts.push(`app=${appId}`);
  if (ip) parts.push(`ip=${ip}`);
  if (Object.keys(details).length > 0) parts.push(JSON.stringify(details));
  ctx.log(parts.join(' '));
}
