/**
 * `npm run portal -- keys …`: the signing-key rotation commands of the admin
 * CLI (oidc/keys.ts does the work). Each prints what it did and what to do
 * next: the nodes read their signing keys at start, so restart them after
 * each step.
 */
import { UsageError } from './cli-input.ts';
import type { PortalContext } from './context.ts';
import {
  activateNextKeys,
  addNextKeys,
  DEFAULT_GRACE_SECONDS,
  describeKeys,
  KeyRotationError,
  readKeys,
  retireKeys,
} from './oidc/keys.ts';

/** The keys commands in `--help`. */
export const KEYS_USAGE = `Signing keys (every node of a portal shares them; restart the nodes after each step)
  keys list                      key ids, algorithms and states
  keys add                       step 1: new keys, published, not signing yet
  keys activate [--grace S]      step 2: the new keys sign; the old verify for S seconds
                                 more (default 86400)
  keys retire [--now]            step 3: remove keys whose grace is over (--now: all
                                 retiring keys at once, e.g. after a key leaked)`;

const RESTART = 'Restart every node of the portal (one at a time) so that all of them take it.';

/** Runs `keys <action>`; resolves to the lines to print. */
export async function keysCommand(
  ctx: Pick<PortalContext, 'db' | 'clock' | 'audit' | 'config'>,
  action: string | undefined,
  options: { grace?: string; now?: boolean },
): Promise<string[]> {
  const now = ctx.clock();
  try {
    switch (action) {
      case 'list': {
        const keys = await readKeys(ctx.db);
        return keys ? describeKeys(keys, now) : ['No keys yet: they are made when the portal first starts.'];
      }
      case 'add': {
        const keys = await addNextKeys(ctx.db);
        await ctx.audit('keys.added');
        return [...describeKeys(keys, now), `New keys published. ${RESTART} Then run: keys activate`];
      }
      case 'activate': {
        const grace = options.grace === undefined ? DEFAULT_GRACE_SECONDS : Number(options.grace);
        const longest = Math.max(ctx.config.lifetimes.accessToken, ctx.config.lifetimes.idToken);
        if (!Number.isInteger(grace) || grace < longest) {
          throw new UsageError(
            `--grace must be whole seconds, at least the longest token lifetime (${longest}).`,
          );
        }
        const keys = await activateNextKeys(ctx.db, now, grace);
        await ctx.audit('keys.activated', { graceSeconds: grace });
        return [...describeKeys(keys, now), `The new keys sign. ${RESTART} Later run: keys retire`];
      }
      case 'retire': {
        const removed = await retireKeys(ctx.db, now, options.now === true);
        if (removed.length > 0) await ctx.audit('keys.retired', { keyIds: removed });
        return removed.length > 0
          ? [`Removed ${removed.join(', ')}. ${RESTART}`]
          : ['No key is past its grace period (keys list shows when; --now removes them anyway).'];
      }
      default:
        throw new UsageError(`Unknown command "keys ${action ?? ''}". Run with --help for usage.`);
    }
  } catch (error) {
    if (error instanceof KeyRotationError) throw new UsageError(error.message);
    throw error;
  }
}
