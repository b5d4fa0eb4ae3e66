/**
 * Demo data: two employees and two SSO apps, so `npm start` shows a working
 * portal (DESIGN.md "Running it").
 *
 * - alice@example.com / `alice-demo-password`, TOTP enrolled (random secret),
 *   employment fields locked by the admin;
 * - bob@example.com / `bob-demo-password`, no MFA;
 * - both assigned "Team Wiki" (no MFA) and "Payroll" (MFA within 5 minutes).
 *
 * Contract: {@link seedDemo} is idempotent — run twice, it changes nothing
 * the second time and returns the same accounts (alice's secret is read back).
 */
import { randomBytes } from 'node:crypto';
import type { PortalContext } from './context.ts';
import { type DemoAppDefinition, PAYROLL, TEAM_WIKI } from './demo-apps/rp.ts';
import type { AppRecord } from './repo/apps.ts';
import { hashPassword } from './services/passwords.ts';
import { enrollConfirmedTotp, generateTotpSecret } from './services/totp.ts';

/** Demo credentials (public by design: demo data only). */
export const DEMO_ALICE = { email: 'alice@example.com', password: 'alice-demo-password' } as const;
export const DEMO_BOB = { email: 'bob@example.com', password: 'bob-demo-password' } as const;

/** The demo accounts `startPortal({ seedDemo: true })` returns. */
export interface DemoAccounts {
  alice: { email: string; password: string; totpSecret: string };
  bob: { email: string; password: string };
}

type SeedContext = Pick<PortalContext, 'repos' | 'clock' | 'audit'>;

/** Fields of the employment section the admin manages for alice. */
const EMPLOYMENT_FIELDS = ['jobTitle', 'department', 'manager', 'employeeId', 'costCenter', 'startDate'];

/**
 * Registers (or updates) a demo app's relying-party registration for the
 * URL it listens on now; its client secret is created once and kept.
 */
export function registerDemoApp(
  ctx: SeedContext,
  definition: Pick<DemoAppDefinition, 'id' | 'name' | 'mfaMaxAgeSeconds' | 'detailsPath'>,
  baseUrl: string,
): AppRecord {
  const existing = ctx.repos.apps.findById(definition.id);
  const requiresMfa = definition.mfaMaxAgeSeconds !== undefined;
  return ctx.repos.apps.upsert({
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

/** Creates the demo users and assignments if missing; returns the demo credentials. */
export async function seedDemo(
  ctx: SeedContext,
  demoAppUrls?: { wiki: string; payroll: string },
): Promise<DemoAccounts> {
  if (demoAppUrls) {
    registerDemoApp(ctx, TEAM_WIKI, demoAppUrls.wiki);
    registerDemoApp(ctx, PAYROLL, demoAppUrls.payroll);
  }
  let alice = ctx.repos.users.findByEmail(DEMO_ALICE.email);
  if (!alice) {
    alice = ctx.repos.users.create({
      email: DEMO_ALICE.email,
      displayName: 'Alice Example',
      passwordHash: await hashPassword(DEMO_ALICE.password),
      profile: {
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
      },
    });
    enrollConfirmedTotp(ctx, alice.id, generateTotpSecret());
    ctx.audit('account.created', { userId: alice.id, email: alice.email, source: 'seed' });
  }
  let bob = ctx.repos.users.findByEmail(DEMO_BOB.email);
  if (!bob) {
    bob = ctx.repos.users.create({
      email: DEMO_BOB.email,
      displayName: 'Bob Example',
      passwordHash: await hashPassword(DEMO_BOB.password),
      profile: {
        firstName: 'Bob',
        lastName: 'Example',
        jobTitle: 'Support Engineer',
        department: 'Customer Support',
        location: 'Lisbon',
      },
    });
    ctx.audit('account.created', { userId: bob.id, email: bob.email, source: 'seed' });
  }
  for (const appId of [TEAM_WIKI.id, PAYROLL.id]) {
    if (!ctx.repos.apps.findById(appId)) continue;
    ctx.repos.apps.assign(appId, alice.id);
    ctx.repos.apps.assign(appId, bob.id);
  }
  const totp = ctx.repos.mfa.getTotp(alice.id);
  return {
    alice: { ...DEMO_ALICE, totpSecret: totp?.secret ?? '' },
    bob: { ...DEMO_BOB },
  };
}
