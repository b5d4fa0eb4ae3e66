/**
 * OpenSSH encodings of an Ed25519 key pair: the public key line (`id_ed25519.pub`), the
 * `openssh-key-v1` private key file (`id_ed25519`), optionally encrypted with a passphrase, and
 * the `SHA256:` fingerprint — byte for byte what `ssh-keygen` reads and prints.
 *
 * Contract: pure functions over `Uint8Array`s plus WebCrypto (`crypto.subtle`,
 * `crypto.getRandomValues`), so they run in an extension page, a service worker and Node 20.
 * They throw {@link SshKeyError} (`invalid_key`, `invalid_comment`, `encryption_failed`) and
 * nothing else. Callers must keep the private key on the machine (A13): offer it for download,
 * never send it anywhere.
 *
 * Passphrase encryption — decided: supported. OpenSSH encrypts with `aes256-ctr` (in WebCrypto
 * as AES-CTR with a 128-bit counter) under a key from `bcrypt_pbkdf`, which WebCrypto lacks. The
 * `bcrypt-pbkdf` package supplies it: a 1:1 port of OpenBSD's C code, the one sshpk itself
 * uses (tens of millions of downloads a month), pure JavaScript over `Uint8Array`s with no Node
 * built-ins (its only dependency, tweetnacl, maps `crypto` to nothing for browser bundles), so it
 * bundles cleanly into the extension. The KDF is deliberately slow: at OpenSSH's default of 16
 * rounds it blocks for about a second in V8 (measured in the tests), so call it from a page that
 * shows progress, or from a worker.
 *
 * @see https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key the private key format
 * @see https://www.rfc-editor.org/rfc/rfc8709#section-4 the `ssh-ed25519` public key blob
 * @see https://www.rfc-editor.org/rfc/rfc4253#section-6.6 public key algorithms and their line format
 */
import bcryptPbkdf from 'bcrypt-pbkdf';
import { SshKeyError } from './errors.ts';
import { encodeBase64, SshWireWriter } from './ssh-wire.ts';

/** An Ed25519 key pair in the form OpenSSH stores it. */
export interface Ed25519KeyPair {
  readonly type: 'ssh-ed25519';
  /** The 32-byte public key `A`. @see https://www.rfc-editor.org/rfc/rfc8032#section-5.1.5 */
  readonly publicKey: Uint8Array;
  /** The 32-byte private key (seed) `k`. Secret: never log it or send it anywhere (A13). */
  readonly seed: Uint8Array;
  /** Free text stored with the key, conventionally `user@host`; may be empty. */
  readonly comment: string;
}

/** Options for {@link encodeOpenSshPrivateKey}. */
export interface OpenSshPrivateKeyOptions {
  /** Encrypts the file when non-empty (as `ssh-keygen`, an empty passphrase means no encryption). */
  passphrase?: string;
  /** `bcrypt_pbkdf` rounds; OpenSSH's default ({@link OPENSSH_DEFAULT_KDF_ROUNDS}) unless you need slower. */
  rounds?: number;
}

export const SSH_ED25519 = 'ssh-ed25519';
/** `ssh-keygen -a` default: rounds of `bcrypt_pbkdf` for an encrypted private key. */
export const OPENSSH_DEFAULT_KDF_ROUNDS = 16;
/** Cipher OpenSSH uses for new encrypted private keys. */
export const OPENSSH_PRIVATE_KEY_CIPHER = 'aes256-ctr';

const AUTH_MAGIC = new TextEncoder().encode('openssh-key-v1\0');
const SALT_BYTES = 16;
const AES256_KEY_BYTES = 32;
const AES_CTR_IV_BYTES = 16;
/** Longest comment accepted; the portal refuses public key lines over 8 KiB. */
const MAX_COMMENT_LENGTH = 1024;

/**
 * The public key blob of an Ed25519 key: `string "ssh-ed25519"`, `string A`. What the key line
 * carries in base64 and what fingerprints hash.
 * @see https://www.rfc-editor.org/rfc/rfc8709#section-4
 */
export function ed25519PublicKeyBlob(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 32) {
    throw new SshKeyError('invalid_key', `An Ed25519 public key is 32 bytes, not ${publicKey.length}.`);
  }
  return new SshWireWriter().string(SSH_ED25519).string(publicKey).bytes();
}

/**
 * The OpenSSH public key line, as in `id_ed25519.pub`: `ssh-ed25519 <base64 blob> <comment>`
 * (no comment part when the comment is empty). No trailing newline; add one when writing a file.
 * @see https://www.rfc-editor.org/rfc/rfc4253#section-6.6
 * @see https://man.openbsd.org/sshd.8#AUTHORIZED_KEYS_FILE_FORMAT
 */
export function encodeOpenSshPublicKey(key: Pick<Ed25519KeyPair, 'publicKey' | 'comment'>): string {
  assertValidComment(key.comment);
  const line = `${SSH_ED25519} ${encodeBase64(ed25519PublicKeyBlob(key.publicKey))}`;
  return key.comment === '' ? line : `${line} ${key.comment}`;
}

/**
 * `SHA256:` + unpadded base64 of SHA-256 over a public key blob — what `ssh-keygen -l` prints
 * and what the portal stores as the key's fingerprint.
 * @see https://man.openbsd.org/ssh-keygen.1 (`-l`, `-E sha256`)
 */
export async function sha256Fingerprint(publicKeyBlob: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', copy(publicKeyBlob)));
  return `SHA256:${encodeBase64(digest).replace(/=+$/, '')}`;
}

/**
 * The `openssh-key-v1` private key file (`-----BEGIN OPENSSH PRIVATE KEY-----`), unencrypted
 * (`none`) or, with a passphrase, encrypted with `aes256-ctr` under a `bcrypt_pbkdf` key — the
 * same choices `ssh-keygen -t ed25519` makes. The two check integers are random (that is how
 * OpenSSH detects a wrong passphrase), the salt comes from the platform CSPRNG, and the private
 * section is padded 1, 2, 3… to the cipher's block size (8 for `none`, 16 for AES).
 *
 * @see https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key
 * @see https://www.rfc-editor.org/rfc/rfc8709#section-4
 * @throws {SshKeyError} `invalid_key`, `invalid_comment`, or `encryption_failed` (bad rounds)
 */
export async function encodeOpenSshPrivateKey(
  keyPair: Ed25519KeyPair,
  options: OpenSshPrivateKeyOptions = {},
): Promise<string> {
  const { passphrase = '', rounds = OPENSSH_DEFAULT_KDF_ROUNDS } = options;
  if (keyPair.seed.length !== 32) {
    throw new SshKeyError('invalid_key', `An Ed25519 private key is 32 bytes, not ${keyPair.seed.length}.`);
  }
  assertValidComment(keyPair.comment);
  const publicBlob = ed25519PublicKeyBlob(keyPair.publicKey);
  const encrypt = passphrase !== '';
  if (encrypt && (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000)) {
    throw new SshKeyError(
      'encryption_failed',
      `Use between 1 and 1000 key derivation rounds, not ${rounds}.`,
    );
  }

  // OpenSSH's Ed25519 "private key" field is k || A (64 bytes), the layout of its ref10 code.
  const secret = new Uint8Array(64);
  secret.set(keyPair.seed, 0);
  secret.set(keyPair.publicKey, 32);
  const checkInt = crypto.getRandomValues(new Uint32Array(1))[0];
  const section = new SshWireWriter()
    .uint32(checkInt)
    .uint32(checkInt)
    .string(SSH_ED25519)
    .string(keyPair.publicKey)
    .string(secret)
    .string(keyPair.comment);
  const blockSize = encrypt ? 16 : 8;
  for (let pad = 1; section.length % blockSize !== 0; pad++) section.raw(Uint8Array.of(pad));
  const plaintext = section.bytes();
  secret.fill(0);

  let cipherName = 'none';
  let kdfName = 'none';
  let kdfOptions: Uint8Array = new Uint8Array(0);
  let body: Uint8Array = plaintext;
  if (encrypt) {
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    cipherName = OPENSSH_PRIVATE_KEY_CIPHER;
    kdfName = 'bcrypt';
    kdfOptions = new SshWireWriter().string(salt).uint32(rounds).bytes();
    body = await aes256CtrEncrypt(plaintext, passphrase, salt, rounds);
    plaintext.fill(0);
  }

  const file = new SshWireWriter()
    .raw(AUTH_MAGIC)
    .string(cipherName)
    .string(kdfName)
    .string(kdfOptions)
    .uint32(1) // number of keys
    .string(publicBlob)
    .string(body)
    .bytes();
  // ssh-keygen wraps the base64 at 70 columns.
  const lines = encodeBase64(file).match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/**
 * Encrypts the private section as OpenSSH does: `bcrypt_pbkdf(passphrase, salt, rounds)` gives
 * 48 bytes, the AES-256 key then the initial counter block; AES-CTR increments the whole
 * 128-bit block, big-endian, like OpenSSH's `aes256-ctr`.
 * @see https://www.rfc-editor.org/rfc/rfc4344#section-4 `aes256-ctr` counter mode
 */
async function aes256CtrEncrypt(
  plaintext: Uint8Array,
  passphrase: string,
  salt: Uint8Array,
  rounds: number,
): Promise<Uint8Array> {
  const password = new TextEncoder().encode(passphrase);
  const keyAndIv = new Uint8Array(AES256_KEY_BYTES + AES_CTR_IV_BYTES);
  const status = bcryptPbkdf.pbkdf(
    password,
    password.length,
    salt,
    salt.length,
    keyAndIv,
    keyAndIv.length,
    rounds,
  );
  password.fill(0);
  if (status !== 0) {
    throw new SshKeyError(
      'encryption_failed',
      'Could not derive a key from this passphrase. Try another one.',
    );
  }
  try {
    const key = await crypto.subtle.importKey('raw', keyAndIv.slice(0, AES256_KEY_BYTES), 'AES-CTR', false, [
      'encrypt',
    ]);
    const counter = keyAndIv.slice(AES256_KEY_BYTES);
    return new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-CTR', counter, length: 128 }, key, copy(plaintext)),
    );
  } catch (cause) {
    throw new SshKeyError(
      'encryption_failed',
      'This browser could not encrypt the private key. Download it without a passphrase and add one with `ssh-keygen -p -f <file>`.',
      { cause },
    );
  } finally {
    keyAndIv.fill(0);
  }
}

/**
 * A comment is one line of text: no control characters (they would break the key line, and the
 * portal refuses them) and not absurdly long.
 */
function assertValidComment(comment: string): void {
  if (/\p{Cc}/u.test(comment)) {
    throw new SshKeyError(
      'invalid_comment',
      'The key comment cannot contain line breaks or control characters. Use something like "you@laptop".',
    );
  }
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw new SshKeyError('invalid_comment', `Keep the key comment under ${MAX_COMMENT_LENGTH} characters.`);
  }
}

/** A copy backed by a plain `ArrayBuffer`, which WebCrypto's `BufferSource` parameters require. */
function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
