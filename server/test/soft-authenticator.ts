/**
 * Test helper: a software WebAuthn authenticator (ES256, attestation `none`),
 * so the server tests can answer the portal's real ceremonies with real
 * signatures and then bend one thing at a time (origin, RP ID, counter, user
 * verification, whose credential). The e2e tests use Chromium's own virtual
 * authenticator instead.
 *
 * Home-made on purpose: it is the other side of the protocol under test, and
 * the CBOR it needs is four data types (the encoder below); no library builds
 * authenticator answers for a server test.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

type Cbor = number | string | Uint8Array | Map<number | string, Cbor> | { [key: string]: Cbor };

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** Encodes integers, text, byte strings and maps (RFC 8949 §3.1). */
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** One credential the authenticator holds. */
export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  counter: number;
  userHandle: string;
  rpId: string;
}

/** What one answer may bend. */
export interface Bend {
  origin?: string;
  rpId?: string;
  /** Whether the authenticator says it verified the user (default: its own setting). */
  userVerified?: boolean;
  /** Use this counter instead of the next one. */
  counter?: number;
  /** Answer with this credential (id) whatever the options allow. */
  credentialId?: string;
  /** Answer with this user handle (base64url). */
  userHandle?: string;
  /** Sign over other bytes (a broken signature). */
  breakSignature?: boolean;
}

/** A software authenticator for one origin. */
export class SoftAuthenticator {
  readonly credentials = new Map<string, SoftCredential>();

  constructor(
    readonly origin: string,
    readonly settings: { backupEligible?: boolean; userVerification?: boolean } = {},
  ) {}

  private flags(bend: Bend, attested: boolean): number {
    const uv = bend.userVerified ?? this.settings.userVerification ?? true;
    const be = this.settings.backupEligible ?? false;
    return 0x01 | (uv ? 0x04 : 0) | (be ? 0x18 : 0) | (attested ? 0x40 : 0);
  }

  /** Answers `navigator.credentials.create()` options (the JSON form). */
  register(
    options: { challenge: string; rp: { id?: string }; user: { id: string } },
    bend: Bend = {},
  ): Record<string, unknown> {
    const rpId = bend.rpId ?? options.rp.id ?? new URL(this.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const id = randomBytes(16);
    const cose = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x as string, 'base64url')],
        [-3, Buffer.from(jwk.y as string, 'base64url')],
      ]),
    );
    const idLength = Buffer.from([id.length >> 8, id.length & 255]);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([this.flags(bend, true)]),
      Buffer.alloc(4),
      Buffer.alloc(16),
      idLength,
      id,
      cose,
    ]);
    const clientData = JSON.stringify({
      type: 'webauthn.create',
      challenge: options.challenge,
      origin: bend.origin ?? this.origin,
      crossOrigin: false,
    });
    this.credentials.set(b64url(id), {
      id: b64url(id),
      privateKey,
      publicKey,
      counter: 0,
      userHandle: options.user.id,
      rpId,
    });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        attestationObject: b64url(cbor({ fmt: 'none', attStmt: {}, authData })),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Answers `navigator.credentials.get()` options (the JSON form). */
  authenticate(
    options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] },
    bend: Bend = {},
  ): Record<string, unknown> {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const id =
      bend.credentialId ?? [...this.credentials.keys()].find((k) => !allowed.length || allowed.includes(k));
    const credential = id ? this.credentials.get(id) : undefined;
    if (!credential) throw new Error('The soft authenticator holds no matching credential.');
    const rpId = bend.rpId ?? options.rpId ?? credential.rpId;
    credential.counter = bend.counter ?? credential.counter + 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(credential.counter);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(bend, false)]), counter]);
    const clientData = JSON.stringify({
      type: 'webauthn.get',
      challenge: options.challenge,
      origin: bend.origin ?? this.origin,
      crossOrigin: false,
    });
    const signed = Buffer.concat([authData, sha256(clientData)]);
    const signature = sign(
      'sha256',
      bend.breakSignature ? Buffer.concat([signed, Buffer.from([1])]) : signed,
      credential.privateKey,
    );
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: bend.userHandle ?? credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

/** The ceremony data a passkey page carries (`<script type="application/json" id="passkey-data">`). */
export function passkeyDataOn(body: string): {
  mode: string;
  options: Record<string, unknown> & { challenge: string };
} {
  const match = /<script type="application\/json" id="passkey-data">([\s\S]*?)<\/script>/.exec(body);
  if (!match?.[1]) throw new Error('The page carries no passkey data.');
  return JSON.parse(match[1]);
}
