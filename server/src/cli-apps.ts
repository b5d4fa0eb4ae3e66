/**
 * The admin CLI's commands for the other kinds of app (issue 14):
 * `app add-bookmark` (a plain link) and, beside it, the SAML service
 * providers. Kept apart from cli.ts so each file stays readable.
 */
import { networkUrlProblem, parseUrl } from '../../contract/addresses.ts';
import { appSchema } from '../../contract/schemas.ts';
import { required, UsageError } from './cli-input.ts';
import type { PortalContext } from './context.ts';

type AppCliContext = Pick<PortalContext, 'repos' | 'audit'>;

/** The options these commands read (parsed by cli.ts with its own). */
export interface AppKindValues {
  name?: string;
  url?: string;
  description?: string;
  category?: string;
  'details-url'?: string;
}

/** Commands handled here. */
export const APP_KIND_COMMANDS = ['app add-bookmark'] as const;

/** Their lines of `--help`. */
export const APP_KIND_USAGE = `  app add-bookmark <id> --name N --url U [--description D] [--category C]
          [--details-url U]
                                 a plain link in the launcher (https://; http:// on
                                 loopback only): it opens as it is, no sign-in involved`;

/** An app id as the CLI accepts it (a subset of the contract's rule). */
export function appIdFrom(value: string | undefined, usage: string): string {
  const id = required(value, `the app id (${usage})`);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) {
    throw new UsageError('App ids use lowercase letters, digits and dashes.');
  }
  return id;
}

/** A network URL option (https, or http on loopback), checked by the catalog's own rule. */
export function networkUrlFrom(option: string, value: string | undefined): string {
  const given = required(value, option);
  const url = parseUrl(given);
  const problem = url ? networkUrlProblem(url) : 'must be an absolute URL (https://…).';
  if (problem) throw new UsageError(`${option} "${given}" ${problem}`);
  if (!appSchema.shape.url.safeParse(given).success) {
    throw new UsageError(`${option} "${given}" is too long (at most 2048 characters).`);
  }
  return given;
}

/** Runs `app add-bookmark`; returns the lines to print. */
export async function runAppKindCommand(
  ctx: AppCliContext,
  command: (typeof APP_KIND_COMMANDS)[number],
  values: AppKindValues,
  rest: string[],
): Promise<string[]> {
  switch (command) {
    case 'app add-bookmark': {
      const id = appIdFrom(rest[0], 'app add-bookmark <id> --name N --url U');
      const name = required(values.name, '--name');
      const url = networkUrlFrom('--url', values.url);
      const detailsUrl =
        values['details-url'] !== undefined ? networkUrlFrom('--details-url', values['details-url']) : null;
      const existing = await ctx.repos.apps.findById(id);
      if (existing && existing.kind !== 'bookmark') {
        throw new UsageError(`The app ${id} already exists and is not a bookmark; choose another id.`);
      }
      const app = await ctx.repos.apps.upsert({
        id,
        kind: 'bookmark',
        url,
        name,
        description: values.description ?? null,
        iconUrl: null,
        category: values.category ?? null,
        requiresMfa: false,
        mfaMaxAgeSeconds: null,
        clientId: null,
        clientSecret: null,
        redirectUris: [],
        postLogoutRedirectUris: [],
        initiateLoginUri: null,
        targetLinkUris: [],
        detailsUrl,
      });
      await ctx.audit('app.added', { appId: app.id, kind: 'bookmark' });
      return [`Saved bookmark ${app.id} (${app.name}) → ${url}.`, `Assign it: app assign ${app.id} <email>`];
    }
  }
}
