/**
 * In-browser SSH key generation for the security centre (A13): the key pair is made by the
 * platform's WebCrypto from its CSPRNG, the private key is encoded for download on this machine,
 * and only the public key line is meant to be uploaded to the portal.
 *
 * Contract: async functions that need `crypto.subtle` with Ed25519 (Chrome/Edge 137+, Firefox
 * 129+, Node 20) and throw {@link SshKeyError} only: `unsupported_browser` when the platform lacks
 * Ed25519, `invalid_comment` / `invalid_key` / `encryption_failed` from the encoders.
 *
 * Ed25519 only, by choice: it is OpenSSH's default and recommended type, accepted by every
 * current server, and its keys are small enough to show and copy. (RSA ≥ 3072, the other type
 * A13 allows, would add a second private key layout for no gain on the browsers we support.)
 *
 * @see https://www.rfc-editor.org/rfc/rfc8032#section-5.1.5 Ed25519 key generation
 * @see https://www.rfc-editor.org/rfc/rfc8037#section-2 the OKP JWK whose `d` is the seed and `x` the public key
 * @see https://w3c.github.io/webcrypto/#ed25519 WebCrypto Ed25519
 */
import { SshKeyError } from './errors.ts';
import {
  type Ed25519KeyPair,
  ed25519PublicKeyBlob,
  encodeOpenSshPrivateKey,
  encodeOpenSshPublicKey,
  type OpenSshPrivateKeyOptions,
  SSH_ED25519,
  sha256Fingerprint,
} from './openssh-key.ts';
import { decodeBase64 } from './ssh-wire.ts';

/** The two files of a generated key pair, and what the portal will show for the key. */
export interface GeneratedSshKeyPair {
  readonly type: 'ssh-ed25519';
  /** The public key line to upload (`id_ed25519.pub`), without a trailing newline. */
  readonly publicKey: string;
  /** The private key file to download (`id_ed25519`). Secret: never send, store or log it (A13). */
  readonly privateKey: string;
  /** `SHA256:…`, as `ssh-keygen -l` and the portal print it. */
  readonly fingerprint: string;
  /** Whether `privateKey` is encrypted with a passphrase. */
  readonly encrypted: boolean;
}

/** Options for {@link generateOpenSshKeyPair}. */
export interface GenerateOpenSshKeyPairOptions extends OpenSshPrivateKeyOptions {
  /** Stored in both files, conventionally `user@host`; may be empty. */
  comment: string;
}

/**
 * DER of an Ed25519 `OneAsymmetricKey` up to its 32-byte seed, to import a known seed.
 * @see https://www.rfc-editor.org/rfc/rfc8410#section-7
 */
const ED25519_PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

const UNSUPPORTED_MESSAGE =
  'This browser cannot create Ed25519 keys. Update it, or create the key in a terminal with `ssh-keygen -t ed25519` and upload the .pub file.';

/**
 * Generates a new Ed25519 key pair with WebCrypto (the platform CSPRNG) and returns it in the
 * form OpenSSH stores it. The CryptoKey objects are discarded; only the raw bytes are returned.
 * @see https://www.rfc-editor.org/rfc/rfc8032#section-5.1.5
 * @throws {SshKeyError} `unsupported_browser`
 */
export async function generateEd25519KeyPair(comment: string): Promise<Ed25519KeyPair> {
  let keys: CryptoKeyPair;
  try {
    keys = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  } catch (cause) {
    throw new SshKeyError('unsupported_browser', UNSUPPORTED_MESSAGE, { cause });
  }
  return keyPairFromPrivateCryptoKey(keys.privateKey, comment);
}

/**
 * The Ed25519 key pair for a known 32-byte seed (RFC 8032 test vectors, or a seed recovered from
 * elsewhere): the public key is derived by WebCrypto, not by this code.
 * @see https://www.rfc-editor.org/rfc/rfc8032#section-7.1
 * @throws {SshKeyError} `invalid_key`, `unsupported_browser`
 */
export async function ed25519KeyPairFromSeed(seed: Uint8Array, comment: string): Promise<Ed25519KeyPair> {
  if (seed.length !== 32) {
    throw new SshKeyError('invalid_key', `An Ed25519 private key is 32 bytes, not ${seed.length}.`);
  }
  const pkcs8 = new Uint8Array(ED25519_PKCS8_PREFIX.length + 32);
  pkcs8.set(ED25519_PKCS8_PREFIX);
  pkcs8.set(seed, ED25519_PKCS8_PREFIX.length);
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  } catch (cause) {
    throw new SshKeyError('unsupported_browser', UNSUPPORTED_MESSAGE, { cause });
  } finally {
    pkcs8.fill(0);
  }
  return keyPairFromPrivateCryptoKey(privateKey, comment);
}

/**
 * Generates a key pair and encodes both files in one step — what the options page calls. With a
 * `passphrase`, the private key file is encrypted as `ssh-keygen` would (see
 * {@link encodeOpenSshPrivateKey}); that takes about a second at the default rounds.
 * @throws {SshKeyError} `unsupported_browser`, `invalid_comment`, `encryption_failed`
 */
export async function generateOpenSshKeyPair(
  options: GenerateOpenSshKeyPairOptions,
): Promise<GeneratedSshKeyPair> {
  const { comment, ...privateKeyOptions } = options;
  // Check the comment before spending entropy and KDF time on a key we would throw away.
  encodeOpenSshPublicKey({ publicKey: new Uint8Array(32), comment });
  const keyPair = await generateEd25519KeyPair(comment);
  try {
    return {
      type: SSH_ED25519,
      publicKey: encodeOpenSshPublicKey(keyPair),
      privateKey: await encodeOpenSshPrivateKey(keyPair, privateKeyOptions),
      fingerprint: await sha256Fingerprint(ed25519PublicKeyBlob(keyPair.publicKey)),
      encrypted: (privateKeyOptions.passphrase ?? '') !== '',
    };
  } finally {
    keyPair.seed.fill(0);
  }
}

/** Reads seed `d` and public key `x` from the private key's JWK export (RFC 8037 §2). */
async function keyPairFromPrivateCryptoKey(privateKey: CryptoKey, comment: string): Promise<Ed25519KeyPair> {
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || jwk.d === undefined || jwk.x === undefined) {
    throw new SshKeyError('unsupported_browser', UNSUPPORTED_MESSAGE);
  }
  const seed = decodeBase64(jwk.d);
  const publicKey = decodeBase64(jwk.x);
  if (seed.length !== 32 || publicKey.length !== 32) {
    throw new SshKeyError('invalid_key', 'The browser returned an Ed25519 key of the wrong size. Try again.');
  }
  return { type: SSH_ED25519, publicKey, seed, comment };
}
