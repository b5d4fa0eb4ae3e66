/**
 * Passkeys and security keys (WebAuthn, B19, B21): the portal's passkey
 * policy and the authentication ceremony (registration: passkey-registration.ts),
 * around `@simplewebauthn/server`, which parses and verifies the
 * authenticator data, attestation and signatures. What these modules add is
 * the portal's policy:
 * - every challenge is random (the library's), stored server-side bound to
 *   what it belongs to (a sign-in interaction, or one user's registration
 *   ceremony), short-lived ({@link CHALLENGE_SECONDS}) and used up by the
 *   first answer, right or wrong (repo `takeChallenge`: one DELETE decides);
 * - the origin is the issuer's origin and the RP ID its host name, both
 *   matched exactly;
 * - user verification as the admin set it (`passkeyUserVerification`), and
 *   always for passkey-only sign-in;
 * - a credential is used only by its owner: a second factor must be one of
 *   the signed-in-so-far user's credentials, and for passkey-only sign-in the
 *   authenticator's user handle must name the credential's owner;
 * - a signature counter that did not grow is refused, atomically (repo
 *   `recordUse`), unless the authenticator keeps no counter (always 0);
 * - at most {@link PASSKEY_LIMIT} credentials per user (B21).
 *
 * `amr` (RFC 8176) for a passkey: `hwk` for a device-bound credential (its
 * private key cannot leave the authenticator), `swk` for a synced one
 * (backup eligible: the key is copied between devices by software), and
 * `user` (the user-presence test every WebAuthn assertion carries). User
 * verification (PIN or biometrics) is not named on its own: WebAuthn does not
 * say which of the two it was, so neither `pin` nor `fpt` is claimed; it is
 * what makes a passkey alone count as `mfa` (the key plus what unlocked it).
 */
import { isIP } from 'node:net';
import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import { MAX_PASSKEYS_PER_USER } from '../../../contract/constants.ts';
import type { PortalContext } from '../context.ts';
import type { PasskeyRecord } from '../repo/passkeys.ts';
import { hasActiveTotp } from './totp.ts';

/** Most passkeys one user may register (B21). */
export const PASSKEY_LIMIT = MAX_PASSKEYS_PER_USER;
/** Life of a ceremony's challenge, seconds: long enough to find a security key. */
export const CHALLENGE_SECONDS = 300;
/** Longest JSON answer from the browser that is parsed at all. */
export const RESPONSE_JSON_MAX = 16 * 1024;

/** What the passkey services need of the portal. */
export type PasskeyContext = Pick<PortalContext, 'config' | 'repos' | 'issuer' | 'clock' | 'audit'>;

/** A refused ceremony step; `code` says why (kept out of pages, which say one thing). */
export class PasskeyError extends Error {
  override name = 'PasskeyError';
  constructor(
    readonly code:
      | 'disabled'
      | 'limit'
      | 'expired'
      | 'malformed'
      | 'unknown_credential'
      | 'not_verified'
      | 'counter'
      | 'duplicate',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether passkeys work on this portal: the admin allows them (`PORTAL_MFA_FACTORS`) and the
 * issuer has a host name. WebAuthn refuses an IP address as the RP ID, so a portal at
 * `http://127.0.0.1:8787` offers no passkeys (use `localhost` or a real name).
 */
export function passkeysAllowed(ctx: Pick<PortalContext, 'config'> & { issuer?: string }): boolean {
  if (!ctx.config.mfaFactors.includes('passkey')) return false;
  return !ctx.issuer || isIP(new URL(ctx.issuer).hostname.replace(/^\[|\]$/g, '')) === 0;
}

/** The relying party: the issuer's host name and exact origin. */
export function relyingParty(ctx: Pick<PortalContext, 'issuer'>): { rpID: string; origin: string } {
  const url = new URL(ctx.issuer);
  return { rpID: url.hostname, origin: url.origin };
}

/** Whether `userId` has a passkey the portal accepts now. */
export async function hasPasskey(ctx: Pick<PortalContext, 'config' | 'repos' | 'issuer'>, userId: string) {
  return passkeysAllowed(ctx) && (await ctx.repos.passkeys.count(userId)) > 0;
}

/** Whether `userId` has any second factor: an active authenticator app or an accepted passkey. */
export async function hasSecondFactor(
  ctx: Pick<PortalContext, 'config' | 'repos' | 'issuer'>,
  userId: string,
) {
  return (await hasActiveTotp(ctx, userId)) || (await hasPasskey(ctx, userId));
}

/** RFC 8176 methods for a passkey use (see the module comment); `mfa` when the user was verified. */
export function passkeyAmr(credential: Pick<PasskeyRecord, 'deviceType'>, userVerified: boolean): string[] {
  return [credential.deviceType === 'multiDevice' ? 'swk' : 'hwk', 'user', ...(userVerified ? ['mfa'] : [])];
}

/** The `amr` of a passkey given after the password: `pwd`, the passkey's methods, then `mfa`. */
export function afterPassword(amr: string[]): string[] {
  return ['pwd', ...amr.filter((m) => m !== 'mfa'), 'mfa'];
}

/** Parses the browser's answer (JSON text) far enough to know it is a WebAuthn credential. */
export function parseCredentialJson<T>(text: string): T {
  if (text.length > RESPONSE_JSON_MAX) throw new PasskeyError('malformed', 'The answer is too long.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PasskeyError('malformed', 'The answer is not JSON.');
  }
  const v = value as { id?: unknown; rawId?: unknown; type?: unknown; response?: unknown };
  if (
    !value ||
    typeof value !== 'object' ||
    typeof v.id !== 'string' ||
    typeof v.rawId !== 'string' ||
    v.type !== 'public-key' ||
    !v.response ||
    typeof v.response !== 'object'
  ) {
    throw new PasskeyError('malformed', 'The answer is not a WebAuthn credential.');
  }
  return value as T;
}

// ---- authentication ------------------------------------------------------------------------

/** What an authentication challenge is bound to: a sign-in interaction, for one user or (passkey-only) none. */
export interface AuthenticationBinding {
  /** e.g. `signin:<interaction uid>`. */
  id: string;
  /** The user whose credentials may answer; null for passkey-only sign-in (discoverable credentials). */
  userId: string | null;
}

/** Request options for a sign-in step, with a fresh challenge bound to `binding`. */
export async function authenticationOptions(
  ctx: PasskeyContext,
  binding: AuthenticationBinding,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const credentials = binding.userId ? await ctx.repos.passkeys.list(binding.userId) : [];
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx).rpID,
    timeout: CHALLENGE_SECONDS * 1000,
    allowCredentials: credentials.map((c) => ({
      id: c.id,
      transports: c.transports as AuthenticatorTransportFuture[],
    })),
    userVerification: binding.userId ? ctx.config.passkeyUserVerification : 'required',
  });
  await ctx.repos.passkeys.putChallenge({
    id: binding.id,
    purpose: 'authenticate',
    userId: binding.userId,
    challenge: options.challenge,
    name: null,
    expiresAt: ctx.clock() + CHALLENGE_SECONDS * 1000,
  });
  return options;
}

/** A passkey use that passed every check. */
export interface PasskeyUse {
  credential: PasskeyRecord;
  userVerified: boolean;
  amr: string[];
}

/**
 * Verifies an authentication answer against the challenge bound to `binding.id` (used up
 * whatever the outcome) and records the use.
 */
export async function verifyPasskeyUse(
  ctx: PasskeyContext,
  binding: AuthenticationBinding,
  responseJson: string,
): Promise<PasskeyUse> {
  const response = parseCredentialJson<AuthenticationResponseJSON>(responseJson);
  const row = await ctx.repos.passkeys.takeChallenge(binding.id, 'authenticate', ctx.clock());
  if (!row || row.userId !== binding.userId)
    throw new PasskeyError('expired', 'This sign-in step has expired.');
  if (!passkeysAllowed(ctx)) throw new PasskeyError('disabled', 'Passkeys are not allowed on this portal.');
  const credential = await ctx.repos.passkeys.find(response.id);
  // A credential is usable only by its owner (B19): the user of this sign-in, or — alone —
  // the user the authenticator names in its user handle.
  const owner = binding.userId ?? decodeUserHandle(response.response.userHandle);
  if (!credential || !owner || credential.userId !== owner) {
    throw new PasskeyError('unknown_credential', 'This passkey is not registered to this account.');
  }
  const { rpID, origin } = relyingParty(ctx);
  const requireUserVerification = !binding.userId || ctx.config.passkeyUserVerification === 'required';
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: row.challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: {
        id: credential.id,
        publicKey: Buffer.from(credential.publicKey, 'base64url'),
        counter: credential.counter,
        transports: credential.transports as AuthenticatorTransportFuture[],
      },
      requireUserVerification,
    });
  } catch (cause) {
    const message = String(cause);
    throw /counter/i.test(message)
      ? new PasskeyError('counter', 'This passkey answered with an old signature counter.')
      : new PasskeyError('not_verified', 'The passkey could not be verified.');
  }
  const info = verified.authenticationInfo;
  if (!verified.verified) throw new PasskeyError('not_verified', 'The passkey could not be verified.');
  const recorded = await ctx.repos.passkeys.recordUse(
    credential.id,
    credential.userId,
    info.newCounter,
    info.credentialBackedUp,
    ctx.clock(),
  );
  if (!recorded) throw new PasskeyError('counter', 'This passkey answered with an old signature counter.');
  return {
    credential: { ...credential, counter: info.newCounter, lastUsedAt: ctx.clock() },
    userVerified: info.userVerified,
    amr: passkeyAmr(credential, info.userVerified),
  };
}

function decodeUserHandle(handle: string | undefined): string | null {
  if (!handle || handle.length > 200) return null;
  try {
    return Buffer.from(handle, 'base64url').toString('utf8');
  } catch {
    return null;
  }
}
