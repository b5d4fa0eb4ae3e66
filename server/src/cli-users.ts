/**
 * `npm run portal -- user …`: the account commands of the admin CLI (the
 * rules live in services/accounts.ts and services/lockout.ts). Each resolves
 * to the lines to print; an unknown email is an {@link AccountError}.
 */
import { passwordFrom, required, UsageError } from './cli-input.ts';
import type { PortalContext } from './context.ts';
import {
  createUser,
  requireUser,
  resetUserMfa,
  setUserDisabled,
  setUserPassword,
  setUserRequireMfa,
} from './services/accounts.ts';
import { accountSubject, unlockAccount } from './services/lockout.ts';

/** The user commands in `--help`. */
export const USERS_USAGE = `Users
  user add <email> --password P [--name "Full Name"]
                                 --password - reads it from standard input instead
                                 (keeps it out of shell history and the process list)
  user list
  user disable <email>           sign the user out everywhere and refuse new sign-ins
  user enable <email>
  user unlock <email>            clear the failed-attempt counter after a lockout
  user reset-mfa <email>         remove the authenticator and recovery codes
  user set-password <email> --password P
  user require-mfa <email> [--off]
                                 require a second factor of this user: without one, they
                                 set up an authenticator app at their next sign-in
                                 (--off: stop requiring it; PORTAL_REQUIRE_MFA=true
                                 requires it of everyone)`;

/** Runs `user <action>`; resolves to the lines to print. */
export async function userCommand(
  ctx: Pick<PortalContext, 'config' | 'db' | 'repos' | 'clock' | 'audit'>,
  action: string | undefined,
  values: { name?: string; password?: string; off?: boolean },
  rest: string[],
  stdin: NodeJS.ReadableStream,
): Promise<string[]> {
  const out: string[] = [];
  switch (action) {
    case 'add': {
      const email = required(rest[0], 'the email (user add <email> --password P)');
      const user = await createUser(ctx, {
        email,
        displayName: values.name,
        password: await passwordFrom(values.password, stdin),
      });
      out.push(`Created ${user.email} (${user.id}).`);
      break;
    }
    case 'list': {
      for (const user of await ctx.repos.users.list()) {
        const mfa = (await ctx.repos.mfa.getTotp(user.id))?.confirmedAt ? 'mfa' : 'no-mfa';
        out.push(`${user.email}\t${user.displayName}\t${user.disabled ? 'disabled' : 'active'}\t${mfa}`);
      }
      break;
    }
    case 'disable':
    case 'enable': {
      const user = await requireUser(ctx, required(rest[0], 'the email'));
      await setUserDisabled(ctx, user.id, action === 'disable');
      out.push(
        action === 'disable'
          ? `Disabled ${user.email} and signed it out everywhere.`
          : `Enabled ${user.email}.`,
      );
      break;
    }
    case 'unlock': {
      const user = await requireUser(ctx, required(rest[0], 'the email'));
      const before = await ctx.repos.loginFailures.get(accountSubject(user.email));
      await unlockAccount(ctx, user.email);
      if (before?.lockedUntil && before.lockedUntil > ctx.clock()) {
        out.push(`Unlocked ${user.email} (it was locked after ${before.failures} failed attempts).`);
      } else if (before) {
        out.push(`${user.email} was not locked; cleared its ${before.failures} failed attempts.`);
      } else {
        out.push(`${user.email} was not locked (no failed attempts counted); nothing to clear.`);
      }
      break;
    }
    case 'reset-mfa': {
      const user = await requireUser(ctx, required(rest[0], 'the email'));
      await resetUserMfa(ctx, user.id);
      out.push(`Removed the authenticator and recovery codes of ${user.email}; its sessions ended.`);
      break;
    }
    case 'set-password': {
      const user = await requireUser(ctx, required(rest[0], 'the email'));
      await setUserPassword(ctx, user.id, await passwordFrom(values.password, stdin));
      out.push(`Set a new password for ${user.email}; its sessions ended.`);
      break;
    }
    // Per-user MFA requirement: a user without a second factor sets one up at the next sign-in.
    case 'require-mfa': {
      const user = await requireUser(ctx, required(rest[0], 'the email (user require-mfa <email> [--off])'));
      const on = values.off !== true;
      await setUserRequireMfa(ctx, user.id, on);
      const hasFactor = (await ctx.repos.mfa.getTotp(user.id))?.confirmedAt != null;
      out.push(
        on
          ? `${user.email} must now use a second factor${hasFactor ? '.' : '; they set one up at their next sign-in.'}`
          : `${user.email} no longer has to use a second factor${ctx.config.requireMfa ? ' (PORTAL_REQUIRE_MFA still requires it of everyone)' : ''}.`,
      );
      break;
    }
    default:
      throw new UsageError(`Unknown command "user ${action ?? ''}". Run with --help for usage.`);
  }
  return out;
}
