/**
 * Creating passkeys (WebAuthn registration, B19, B21), under the policy of
 * passkeys.ts. Two ways in, each a ceremony whose challenge the portal keeps,
 * short-lived and used up by the first answer:
 * - from the options page: a single-use ticket (≤ {@link REGISTRATION_TICKET_SECONDS})
 *   opens a ceremony bound to one user on the portal's registration page
 *   (oidc/passkey-pages.ts), whose secret the page keeps in an HttpOnly cookie;
 * - inside a sign-in that must set up a second factor (oidc/mfa-enrolment.ts):
 *   a ceremony bound to that interaction and its user.
 * Either way the origin and RP ID are matched exactly, user verification is
 * enforced as configured, and the credential is stored under the per-user
 * limit (repo `insert`, atomically).
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type AuthenticatorTransportFuture,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { ChallengeRecord, PasskeyRecord } from '../repo/passkeys.ts';
import type { UserRecord } from '../repo/users.ts';
import {
  CHALLENGE_SECONDS,
  PASSKEY_LIMIT,
  type PasskeyContext,
  PasskeyError,
  parseCredentialJson,
  passkeysAllowed,
  relyingParty,
} from './passkeys.ts';
import { describeDevice } from './user-agent.ts';

/** Life of the single-use link that opens the registration page, seconds (like launch tickets). */
export const REGISTRATION_TICKET_SECONDS = 60;
/** Longest name of a passkey. */
export const PASSKEY_NAME_MAX = 64;
/** Where the options page's ceremony runs (oidc/passkey-pages.ts). */
export const REGISTRATION_PAGE_PATH = '/passkeys/register';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** A name for a passkey the user did not name: the browser and system it was made on. */
export function defaultPasskeyName(userAgent: string | null | undefined): string {
  const device = describeDevice(userAgent);
  return [device.browser, device.os].filter(Boolean).join(' on ') || 'Passkey';
}

/** Trims a name and refuses an empty or too long one. */
export function cleanPasskeyName(name: string): string | null {
  const clean = name.replace(/\s+/g, ' ').trim();
  return clean.length >= 1 && clean.length <= PASSKEY_NAME_MAX ? clean : null;
}

/** What the person gave with the answer, for the stored record and the audit. */
export interface RegistrationGiven {
  name: string;
  userAgent: string | null;
  ip: string | null;
}

/** A stored passkey and whether its authenticator verified the user while creating it. */
export interface Registration {
  record: PasskeyRecord;
  userVerified: boolean;
}

/** The creation options for `user` with `challenge` (the same on every render of one ceremony). */
async function creationOptions(
  ctx: PasskeyContext,
  user: UserRecord,
  challenge: string,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await ctx.repos.passkeys.list(user.id);
  return generateRegistrationOptions({
    rpName: 'Portal Launcher',
    rpID: relyingParty(ctx).rpID,
    userName: user.email,
    userDisplayName: user.displayName || user.email,
    userID: new TextEncoder().encode(user.id),
    challenge: Buffer.from(challenge, 'base64url'),
    timeout: CHALLENGE_SECONDS * 1000,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({
      id: c.id,
      transports: c.transports as AuthenticatorTransportFuture[],
    })),
    authenticatorSelection: {
      // Discoverable where the authenticator can, so the passkey can also sign in alone.
      residentKey: ctx.config.passkeySignIn ? 'required' : 'preferred',
      userVerification: ctx.config.passkeyUserVerification,
    },
  });
}

/**
 * Verifies the browser's answer against a ceremony's challenge `row` (already used up by the
 * caller) for the user it names, and stores the credential.
 */
async function completeRegistration(
  ctx: PasskeyContext,
  row: ChallengeRecord | undefined,
  responseJson: string,
  given: RegistrationGiven,
): Promise<Registration> {
  const response = parseCredentialJson<RegistrationResponseJSON>(responseJson);
  const user = row?.userId ? await ctx.repos.users.findById(row.userId) : undefined;
  if (!row || !user || user.disabled) throw new PasskeyError('expired', 'This passkey setup has expired.');
  if (!passkeysAllowed(ctx)) throw new PasskeyError('disabled', 'Passkeys are not allowed on this portal.');
  const { rpID, origin } = relyingParty(ctx);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: row.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: ctx.config.passkeyUserVerification === 'required',
    });
  } catch (cause) {
    await ctx.audit('passkey.registration_refused', { userId: user.id, ip: given.ip, reason: String(cause) });
    throw new PasskeyError('not_verified', 'The passkey could not be verified.');
  }
  if (!verified.verified) throw new PasskeyError('not_verified', 'The passkey could not be verified.');
  const info = verified.registrationInfo;
  const attachment = response.authenticatorAttachment;
  const record: PasskeyRecord = {
    id: info.credential.id,
    userId: user.id,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: (response.response.transports ?? []).filter((t) => typeof t === 'string').slice(0, 8),
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    aaguid: info.aaguid,
    attachment: attachment === 'platform' || attachment === 'cross-platform' ? attachment : null,
    name: cleanPasskeyName(given.name) ?? defaultPasskeyName(given.userAgent),
    createdAt: ctx.clock(),
    lastUsedAt: null,
  };
  const stored = await ctx.repos.passkeys.insert(record, PASSKEY_LIMIT);
  if (stored === 'limit') {
    throw new PasskeyError('limit', `You already have ${PASSKEY_LIMIT} passkeys. Remove one to add another.`);
  }
  if (stored === 'duplicate') throw new PasskeyError('duplicate', 'This passkey is already registered.');
  await ctx.audit('passkey.added', { userId: user.id, ip: given.ip, credential: record.id.slice(0, 16) });
  return { record, userVerified: info.userVerified };
}

// ---- from the options page: ticket → registration page ----------------------------------

/**
 * A single-use link (≤ {@link REGISTRATION_TICKET_SECONDS}) to the registration page for
 * `userId`. The caller has already required a fresh second factor where one exists (B11).
 */
export async function createRegistrationTicket(
  ctx: PasskeyContext,
  userId: string,
): Promise<{ url: string; expiresAt: number }> {
  if (!passkeysAllowed(ctx)) throw new PasskeyError('disabled', 'Passkeys are not allowed on this portal.');
  if ((await ctx.repos.passkeys.count(userId)) >= PASSKEY_LIMIT) {
    throw new PasskeyError('limit', `You already have ${PASSKEY_LIMIT} passkeys. Remove one to add another.`);
  }
  const ticket = randomBytes(32).toString('base64url');
  const expiresAt = ctx.clock() + REGISTRATION_TICKET_SECONDS * 1000;
  await ctx.repos.passkeys.putChallenge({
    id: `ticket:${sha256(ticket)}`,
    purpose: 'register-ticket',
    userId,
    challenge: '-',
    name: null,
    expiresAt,
  });
  return { url: `${ctx.issuer}${REGISTRATION_PAGE_PATH}?ticket=${ticket}`, expiresAt };
}

/**
 * Uses up a registration ticket and opens a ceremony for its user: returns the ceremony's
 * secret (the page keeps it in an HttpOnly cookie) or undefined when the ticket is unknown,
 * used or expired.
 */
export async function redeemRegistrationTicket(
  ctx: PasskeyContext,
  ticket: string,
): Promise<string | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(ticket)) return undefined;
  const row = await ctx.repos.passkeys.takeChallenge(
    `ticket:${sha256(ticket)}`,
    'register-ticket',
    ctx.clock(),
  );
  if (!row?.userId) return undefined;
  const ceremony = randomBytes(32).toString('base64url');
  await ctx.repos.passkeys.putChallenge({
    id: `register:${sha256(ceremony)}`,
    purpose: 'register',
    userId: row.userId,
    challenge: randomBytes(32).toString('base64url'),
    name: null,
    expiresAt: ctx.clock() + CHALLENGE_SECONDS * 1000,
  });
  return ceremony;
}

/** The creation options of an open ceremony (the same challenge on every reload), or undefined. */
export async function registrationOptions(
  ctx: PasskeyContext,
  ceremony: string,
): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; email: string } | undefined> {
  const row = await ctx.repos.passkeys.peekChallenge(`register:${sha256(ceremony)}`, 'register', ctx.clock());
  const user = row?.userId ? await ctx.repos.users.findById(row.userId) : undefined;
  if (!row || !user || user.disabled) return undefined;
  return { options: await creationOptions(ctx, user, row.challenge), email: user.email };
}

/** Verifies the browser's answer to an open ceremony and stores the credential. */
export async function finishRegistration(
  ctx: PasskeyContext,
  ceremony: string,
  responseJson: string,
  given: RegistrationGiven,
): Promise<PasskeyRecord> {
  const row = await ctx.repos.passkeys.takeChallenge(`register:${sha256(ceremony)}`, 'register', ctx.clock());
  return (await completeRegistration(ctx, row, responseJson, given)).record;
}

// ---- inside a sign-in: setting up a second factor ------------------------------------------

const enrolmentChallengeId = (interactionUid: string) => `enrol:${interactionUid}`;

/**
 * Creation options for `user` to set up a passkey inside sign-in interaction
 * `interactionUid`: every render binds a fresh challenge to that interaction
 * and user (the last one rendered is the one that counts).
 */
export async function enrolmentRegistrationOptions(
  ctx: PasskeyContext,
  interactionUid: string,
  user: UserRecord,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const challenge = randomBytes(32).toString('base64url');
  await ctx.repos.passkeys.putChallenge({
    id: enrolmentChallengeId(interactionUid),
    purpose: 'register',
    userId: user.id,
    challenge,
    name: null,
    expiresAt: ctx.clock() + CHALLENGE_SECONDS * 1000,
  });
  return creationOptions(ctx, user, challenge);
}

/**
 * Verifies the answer to the set-up ceremony of `interactionUid` (used up whatever the
 * outcome), which must belong to `userId`, and stores the credential.
 */
export async function finishEnrolmentRegistration(
  ctx: PasskeyContext,
  interactionUid: string,
  userId: string,
  responseJson: string,
  given: RegistrationGiven,
): Promise<Registration> {
  const row = await ctx.repos.passkeys.takeChallenge(
    enrolmentChallengeId(interactionUid),
    'register',
    ctx.clock(),
  );
  return completeRegistration(ctx, row?.userId === userId ? row : undefined, responseJson, given);
}
