/**
 * Demo data: two employees and two SSO apps, so `npm start` shows a working
 * portal (DESIGN.md "Running it").
 *
 * - alice@example.com / `alice-demo-password`, TOTP enrolled (random secret),
 *   employment fields locked by the admin;
 * - bob@example.com / `bob-demo-password`, no MFA;
 * - both assigned "Team Wiki" (no MFA), "Payroll" (MFA within 5 minutes) and
 *   "Expenses" (a SAML app, no MFA).
 *
 * Contract: {@link seedDemo} is idempotent — run twice, it changes nothing
 * the second time and returns the same accounts. It also reports what is true
 * of them now (people change the demo password and set up new authenticators):
 * alice's seeded secret is recorded in `<dataDir>/demo-seed.json`, so a later
 * run can tell it from one enrolled since, and the demo passwords are checked
 * against the stored hashes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PortalContext } from './context.ts';
import { EXPENSES_ID, EXPENSES_NAME } from './demo-apps/expenses.ts';
import { type DemoAppDefinition, PAYROLL, TEAM_WIKI } from './demo-apps/rp.ts';
import { type AppRecord, newApp } from './repo/apps.ts';
import type { NewUser, UserRecord } from './repo/users.ts';
import { hashPassword, verifyPassword } from './services/passwords.ts';
import { enrollConfirmedTotp, generateTotpSecret } from './services/totp.ts';

/** Demo credentials (public by design: demo data only). */
export const DEMO_ALICE = { email: 'alice@example.com', password: 'alice-demo-password' } as const;
export const DEMO_BOB = { email: 'bob@example.com', password: 'bob-demo-password' } as const;

/** A demo account as it is now, next to how the demo seeded it. */
export interface DemoAccountState {
  email: string;
  /** The password the demo seeded (see `passwordChanged`). */
  password: string;
  /** The seeded password no longer signs in: someone changed or reset it. */
  passwordChanged: boolean;
  disabled: boolean;
  /**
   * `demo`: the seeded authenticator secret is the active one; `other`: an
   * authenticator set up since (its secret is the user's, never printed);
   * `none`: no authenticator.
   */
  authenticator: 'demo' | 'other' | 'none';
}

/** The demo accounts `startPortal({ seedDemo: true })` returns. */
export interface DemoAccounts {
  /** `totpSecret`: the secret the demo seeded; it works only while `authenticator` is `demo`. */
  alice: DemoAccountState & { totpSecret: string };
  bob: DemoAccountState;
}

type SeedContext = Pick<PortalContext, 'repos' | 'clock' | 'audit'> & {
  config: Pick<PortalContext['config'], 'dataDir'>;
};

/** What the seed remembers about itself, beside the database. */
interface DemoSeedRecord {
  aliceTotpSecret: string;
}

function seedRecordFile(dataDir: string): string {
  return path.join(dataDir, 'demo-seed.json');
}

function readSeedRecord(dataDir: string): DemoSeedRecord | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(seedRecordFile(dataDir), 'utf8')) as Partial<DemoSeedRecord>;
    return typeof parsed.aliceTotpSecret === 'string' ? { aliceTotpSecret: parsed.aliceTotpSecret } : null;
  } catch {
    return null;
  }
}

function writeSeedRecord(dataDir: string, record: DemoSeedRecord): void {
  fs.mkdirSync(dataDir, { recursive: true });
  // Owner-only, like the database beside it: it holds a (demo) secret.
  fs.writeFileSync(seedRecordFile(dataDir), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The seeded secret of alice. Data folders seeded before the record existed:
 * her authenticator counts as the seeded one when it was created with her
 * account (the seed does both within moments; enrolling again takes a person
 * minutes), and is recorded from then on.
 */
async function seededAliceSecret(ctx: SeedContext, alice: UserRecord): Promise<string | null> {
  const recorded = readSeedRecord(ctx.config.dataDir);
  if (recorded) return recorded.aliceTotpSecret;
  const totp = await ctx.repos.mfa.getTotp(alice.id);
  if (!totp?.confirmedAt || Math.abs(totp.createdAt - alice.createdAt) > 5_000) return null;
  writeSeedRecord(ctx.config.dataDir, { aliceTotpSecret: totp.secret });
  return totp.secret;
}

async function accountState(
  ctx: SeedContext,
  user: UserRecord,
  seeded: { email: string; password: string },
  seededSecret: string | null,
): Promise<DemoAccountState> {
  const totp = await ctx.repos.mfa.getTotp(user.id);
  const active = totp?.confirmedAt ? totp.secret : null;
  return {
    email: seeded.email,
    password: seeded.password,
    passwordChanged: !(await verifyPassword(user.passwordHash, seeded.password)),
    disabled: user.disabled,
    authenticator: active === null ? 'none' : active === seededSecret ? 'demo' : 'other',
  };
}

/** Fields of the employment section the admin manages for alice. */
const EMPLOYMENT_FIELDS = ['jobTitle', 'department', 'manager', 'employeeId', 'costCenter', 'startDate'];

/**
 * Registers (or updates) a demo app's relying-party registration for the
 * URL it listens on now; its client secret is created once and kept.
 */
export async function registerDemoApp(
  ctx: SeedContext,
  definition: Pick<DemoAppDefinition, 'id' | 'name' | 'mfaMaxAgeSeconds' | 'detailsPath'>,
  baseUrl: string,
): Promise<AppRecord> {
  const existing = await ctx.repos.apps.findById(definition.id);
  const requiresMfa = definition.mfaMaxAgeSeconds !== undefined;
  return await ctx.repos.apps.upsert({
    id: definition.id,
    name: definition.name,
    description:
      definition.id === 'payroll'
        ? 'Pay slips, tax forms and bank details. Asks for your authenticator code.'
        : 'Team handbook, how-tos and meeting notes.',
    iconUrl: null,
    category: definition.id === 'payroll' ? 'Finance' : 'Collaboration',
    requiresMfa,
    mfaMaxAgeSeconds: definition.mfaMaxAgeSeconds ?? null,
    clientId: definition.id,
    clientSecret: existing?.clientSecret ?? randomBytes(32).toString('base64url'),
    redirectUris: [`${baseUrl}/callback`],
    postLogoutRedirectUris: [`${baseUrl}/`],
    initiateLoginUri: `${baseUrl}/login`,
    targetLinkUris: [`${baseUrl}/`],
    // The demo app serves its own about page, so the launcher's "Details" link works offline.
    detailsUrl: definition.detailsPath ? `${baseUrl}${definition.detailsPath}` : null,
  });
}

/** Where the demo SAML app listens now: its base URL and SP settings. */
export interface DemoSamlApp {
  url: string;
  entityId: string;
  acsUrl: string;
}

/**
 * Registers (or updates) the demo SAML app Expenses for the port it listens
 * on now, as `app add-saml` would: NameID the email, mail and displayName
 * attributes.
 */
export async function registerExpensesApp(ctx: SeedContext, app: DemoSamlApp): Promise<void> {
  await ctx.repos.apps.upsert(
    newApp({
      id: EXPENSES_ID,
      kind: 'saml',
      name: EXPENSES_NAME,
      description: 'Expense reports and receipts. A SAML app.',
      category: 'Finance',
    }),
  );
  await ctx.repos.saml.upsert({
    appId: EXPENSES_ID,
    entityId: app.entityId,
    acsUrls: [app.acsUrl],
    nameId: 'email',
    attributes: { mail: 'email', displayName: 'displayName' },
  });
}

type DemoProfile = NewUser['profile'];

const ALICE_PROFILE: DemoProfile = {
  firstName: 'Alice',
  lastName: 'Example',
  phone: '+1 555 0100',
  location: 'Berlin',
  jobTitle: 'Finance Manager',
  department: 'Finance',
  manager: 'Carol Example',
  employeeId: 'E-1001',
  costCenter: 'CC-410',
  startDate: '2021-03-01',
  lockedFields: EMPLOYMENT_FIELDS,
};

const BOB_PROFILE: DemoProfile = {
  firstName: 'Bob',
  lastName: 'Example',
  jobTitle: 'Support Engineer',
  department: 'Customer Support',
  location: 'Lisbon',
};

/** The demo user with this email, created (then `onCreate`, then audited) when missing. */
async function ensureDemoUser(
  ctx: SeedContext,
  demo: { email: string; password: string },
  displayName: string,
  profile: DemoProfile,
  onCreate?: (user: UserRecord) => Promise<void>,
): Promise<UserRecord> {
  const existing = await ctx.repos.users.findByEmail(demo.email);
  if (existing) return existing;
  const user = await ctx.repos.users.create({
    email: demo.email,
    displayName,
    passwordHash: await hashPassword(demo.password),
    profile,
  });
  await onCreate?.(user);
  await ctx.audit('account.created', { userId: user.id, email: user.email, source: 'seed' });
  return user;
}

/** Creates the demo users and assignments if missing; returns the demo credentials. */
export async function seedDemo(
  ctx: SeedContext,
  demoAppUrls?: { wiki: string; payroll: string; expenses?: DemoSamlApp },
): Promise<DemoAccounts> {
  if (demoAppUrls) {
    await registerDemoApp(ctx, TEAM_WIKI, demoAppUrls.wiki);
    await registerDemoApp(ctx, PAYROLL, demoAppUrls.payroll);
    if (demoAppUrls.expenses) await registerExpensesApp(ctx, demoAppUrls.expenses);
  }
  const alice = await ensureDemoUser(ctx, DEMO_ALICE, 'Alice Example', ALICE_PROFILE, async (created) => {
    const secret = generateTotpSecret();
    // Recorded first: an account whose secret was not recorded would be reported as changed.
    writeSeedRecord(ctx.config.dataDir, { aliceTotpSecret: secret });
    await enrollConfirmedTotp(ctx, created.id, secret);
  });
  const bob = await ensureDemoUser(ctx, DEMO_BOB, 'Bob Example', BOB_PROFILE);
  for (const appId of [TEAM_WIKI.id, PAYROLL.id, EXPENSES_ID]) {
    if (!(await ctx.repos.apps.findById(appId))) continue;
    await ctx.repos.apps.assign(appId, alice.id);
    await ctx.repos.apps.assign(appId, bob.id);
  }
  const aliceSecret = await seededAliceSecret(ctx, alice);
  return {
    alice: {
      ...(await accountState(ctx, alice, DEMO_ALICE, aliceSecret)),
      totpSecret: aliceSecret ?? '',
    },
    bob: await accountState(ctx, bob, DEMO_BOB, null),
  };
}
