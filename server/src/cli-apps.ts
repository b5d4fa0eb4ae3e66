/**
 * The admin CLI's commands for the other kinds of app (issue 14):
 * `app add-bookmark` (a plain link) and `app add-saml` (a SAML 2.0 service
 * provider, from its metadata file or by hand). Kept apart from cli.ts so
 * each file stays readable.
 */
import fs from 'node:fs';
import { networkUrlProblem, parseUrl } from '../../contract/addresses.ts';
import { appSchema, profileFieldNames } from '../../contract/schemas.ts';
import { mfaMaxAgeFrom, required, UsageError } from './cli-input.ts';
import type { PortalContext } from './context.ts';
import { newApp } from './repo/apps.ts';
import type { NameIdKind } from './repo/saml.ts';
import { samlEntityId } from './saml/idp.ts';
import { readSpMetadata, SpMetadataError } from './saml/sp-metadata.ts';

type AppCliContext = Pick<PortalContext, 'repos' | 'audit' | 'config' | 'db'>;

/** The options these commands read (parsed by cli.ts with its own). */
export interface AppKindValues {
  name?: string;
  url?: string;
  description?: string;
  category?: string;
  'details-url'?: string;
  metadata?: string;
  'entity-id'?: string;
  'acs-url'?: string[];
  nameid?: string;
  attribute?: string[];
  'requires-mfa'?: boolean;
  'mfa-max-age'?: string;
}

/** Commands handled here. */
export const APP_KIND_COMMANDS = ['app add-bookmark', 'app add-saml'] as const;

/** Their lines of `--help`. */
export const APP_KIND_USAGE = `  app add-bookmark <id> --name N --url U [--description D] [--category C]
          [--details-url U]
                                 a plain link in the launcher (https://; http:// on
                                 loopback only): it opens as it is, no sign-in involved
  app add-saml <id> --name N (--metadata FILE | --entity-id E --acs-url U [--acs-url U2])
          [--nameid email|persistent] [--attribute name=profileField …]
          [--requires-mfa] [--mfa-max-age S] [--description D] [--category C] [--details-url U]
                                 a SAML 2.0 app: from the SP metadata file it offers, or
                                 its entity ID and ACS URL(s) by hand. NameID: the email
                                 (default) or the user's stable id. Attributes: e.g.
                                 --attribute mail=email --attribute displayName=displayName.
                                 Give the app the portal's IdP metadata (printed).`;

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
      const app = await ctx.repos.apps.upsert(
        newApp({
          id,
          kind: 'bookmark',
          url,
          name,
          description: values.description ?? null,
          category: values.category ?? null,
          detailsUrl,
        }),
      );
      await ctx.audit('app.added', { appId: app.id, kind: 'bookmark' });
      return [`Saved bookmark ${app.id} (${app.name}) → ${url}.`, `Assign it: app assign ${app.id} <email>`];
    }
    case 'app add-saml':
      return addSamlApp(ctx, values, rest);
  }
}

/** `--attribute name=field` values as a map, each field one of the profile's. */
function attributesFrom(values: string[] = []): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const value of values) {
    const match = /^([A-Za-z_][\w.:/-]{0,255})=(\w+)$/.exec(value);
    const field = match?.[2];
    if (!match || !field || !(profileFieldNames as readonly string[]).includes(field)) {
      throw new UsageError(
        `--attribute "${value}" must be name=field with a field of ${profileFieldNames.join(', ')}.`,
      );
    }
    attributes[match[1] as string] = field;
  }
  return attributes;
}

/** The SP's entity ID and ACS URLs, from `--metadata FILE` or `--entity-id` with `--acs-url`. */
function serviceProviderFrom(values: AppKindValues): { entityId: string; acsUrls: string[] } {
  if (values.metadata !== undefined) {
    if (values['entity-id'] !== undefined || values['acs-url'] !== undefined) {
      throw new UsageError('Give either --metadata FILE or --entity-id with --acs-url, not both.');
    }
    let xml: string;
    try {
      xml = fs.readFileSync(values.metadata, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read --metadata ${values.metadata}: ${(error as Error).message}`);
    }
    try {
      const { entityId, acsUrls } = readSpMetadata(xml);
      return { entityId, acsUrls: acsUrls.map((url) => networkUrlFrom("the metadata's ACS URL", url)) };
    } catch (error) {
      if (error instanceof SpMetadataError)
        throw new UsageError(`--metadata ${values.metadata}: ${error.message}`);
      throw error;
    }
  }
  const entityId = required(values['entity-id'], '--entity-id (or --metadata FILE)');
  if (entityId.length > 1024) throw new UsageError('--entity-id is too long (at most 1024 characters).');
  const acs = values['acs-url'] ?? [];
  if (acs.length === 0) throw new UsageError("Missing --acs-url (the app's AssertionConsumerService URL).");
  return { entityId, acsUrls: acs.map((url) => networkUrlFrom('--acs-url', url)) };
}

async function addSamlApp(ctx: AppCliContext, values: AppKindValues, rest: string[]): Promise<string[]> {
  const id = appIdFrom(rest[0], 'app add-saml <id> --name N (--metadata FILE | --entity-id E --acs-url U)');
  const name = required(values.name, '--name');
  const { entityId, acsUrls } = serviceProviderFrom(values);
  const nameId = (values.nameid ?? 'email') as NameIdKind;
  if (nameId !== 'email' && nameId !== 'persistent') {
    throw new UsageError('--nameid is email or persistent.');
  }
  const attributes = attributesFrom(values.attribute);
  const mfaMaxAge = mfaMaxAgeFrom(values['mfa-max-age']);
  const detailsUrl =
    values['details-url'] !== undefined ? networkUrlFrom('--details-url', values['details-url']) : null;
  const existing = await ctx.repos.apps.findById(id);
  if (existing && existing.kind !== 'saml') {
    throw new UsageError(`The app ${id} already exists and is not a SAML app; choose another id.`);
  }
  const sameEntity = await ctx.repos.saml.findByEntityId(entityId);
  if (sameEntity && sameEntity.appId !== id) {
    throw new UsageError(`The app ${sameEntity.appId} has the entity ID ${entityId} already.`);
  }
  await ctx.db.transaction(async () => {
    await ctx.repos.apps.upsert(
      newApp({
        id,
        kind: 'saml',
        name,
        description: values.description ?? null,
        category: values.category ?? null,
        requiresMfa: values['requires-mfa'] === true || mfaMaxAge !== null,
        mfaMaxAgeSeconds: mfaMaxAge,
        detailsUrl,
      }),
    );
    await ctx.repos.saml.upsert({ appId: id, entityId, acsUrls, nameId, attributes });
    await ctx.audit('app.added', { appId: id, kind: 'saml' });
  });
  const issuer = ctx.config.issuer ?? `http://${ctx.config.host}:${ctx.config.port}`;
  return [
    `Saved SAML app ${id} (${name}): entity ID ${entityId}, ACS ${acsUrls.join(', ')}.`,
    `Give the app the portal's IdP metadata: ${samlEntityId(issuer)}`,
    `Assign it: app assign ${id} <email>`,
  ];
}
