/**
 * Validation of OpenSSH public keys pasted by employees (B16, C8).
 *
 * Contract: {@link validateSshPublicKey} never throws for any string input; every failure is a
 * value with a stable `code` the API maps to a 422 problem and the options page can branch on,
 * and a `message` that says what happened and what to do. Pure and synchronous (no I/O), so the
 * API route and the admin CLI can both call it.
 *
 * Parsing of the key blob and the fingerprint come from `sshpk`; the line-level checks around it
 * are deliberately stricter than sshpk's own `ssh` reader, which tries to "recover" damaged
 * lines (it ignores stray characters, conjoined comments and trailing bytes) — fine for reading
 * a file you trust, wrong for accepting a credential: we want exactly the line `ssh-keygen`
 * wrote, or a clear refusal.
 *
 * Duplicate keys (also B16) are refused by the caller, which owns storage: compare
 * `fingerprint` values, which identify the key material independently of the comment.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4253#section-6.6 public key algorithms and blob format
 * @see https://www.rfc-editor.org/rfc/rfc4716 the SSH2 public key file format (refused, with a remedy)
 * @see https://www.rfc-editor.org/rfc/rfc5656#section-3.1 ECDSA public key format
 * @see https://www.rfc-editor.org/rfc/rfc8709#section-4 Ed25519 public key format
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import sshpk from 'sshpk';
import { MIN_RSA_BITS } from '../../../contract/constants.ts';

/** Key types the portal accepts, spelled as on the wire (and in `sshKeySchema.type`). */
export const ACCEPTED_SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ssh-rsa',
] as const;
export type AcceptedSshKeyType = (typeof ACCEPTED_SSH_KEY_TYPES)[number];

// The minimum RSA size is shared with the launcher (its words about this refusal name it).
export { MIN_RSA_BITS } from '../../../contract/constants.ts';
/** OpenSSH refuses RSA moduli above this size (`SSHBUF_MAX_BIGNUM` / `SSH_RSA_MAXIMUM_MODULUS_SIZE`). */
export const MAX_RSA_BITS = 16_384;
/**
 * Longest text accepted, in UTF-16 code units. A 16384-bit RSA key line is about 2,800
 * characters; the rest leaves room for a long comment. Checked first, before any parsing work.
 */
export const MAX_SSH_PUBLIC_KEY_LENGTH = 8_192;

export type SshPublicKeyErrorCode =
  | 'private_key'
  | 'unsupported_type'
  | 'rsa_too_short'
  | 'malformed'
  | 'too_long'
  | 'multiple_keys';

/** An accepted key, ready to store. */
export interface ValidSshPublicKey {
  ok: true;
  type: AcceptedSshKeyType;
  /** Key size as `ssh-keygen -l` prints it: 256 for Ed25519 and P-256, 384 for P-384, the modulus size for RSA. */
  bits: number;
  /** `SHA256:` + unpadded base64 of SHA-256 over the key blob, exactly as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** The comment after the key (often `user@host`), or `null` when there is none. */
  comment: string | null;
  /** `type base64` plus ` comment` when there is one: one line, single spaces, canonical base64. */
  normalized: string;
}

/** A refused key: `code` for the UI to branch on, `message` for the person who pasted it. */
export interface InvalidSshPublicKey {
  ok: false;
  code: SshPublicKeyErrorCode;
  message: string;
}

export type SshPublicKeyValidation = ValidSshPublicKey | InvalidSshPublicKey;

const GENERATE_HINT =
  'Create a new key with `ssh-keygen -t ed25519` and paste the contents of the .pub file.';

/** Every private-key encoding we know of, matched anywhere in the text: OpenSSH, PEM (PKCS#1, SEC 1), PKCS#8, PuTTY, ssh.com. */
const PRIVATE_KEY_MARKERS = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/,
  /^PuTTY-User-Key-File-\d+:/m,
  /---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----/,
  // The body of an OpenSSH private key copied without its armour: base64 of "openssh-key-v1".
  /(?:^|\s)b3BlbnNzaC1rZXktdjE/,
];

/**
 * Control characters (C0, DEL, C1), and Unicode bidirectional formatting characters: a comment is shown to
 * the user and to admins, and these could hide or reorder what they see (Trojan Source).
 */
const UNSAFE_COMMENT_CHARS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Strict, padded base64 (what OpenSSH writes); `Buffer.from(…, 'base64')` alone skips bad characters. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A token that looks like an SSH key algorithm name (RFC 4250 §4.6.1: printable US-ASCII, `@` for local names). */
const ALGORITHM_NAME = /^[a-z0-9][a-z0-9.@-]{2,63}$/;

/**
 * Validates one OpenSSH public key line (`type base64 [comment]`, as in a `.pub` file) and
 * returns its type, size, `SHA256:` fingerprint and a normalized form to store.
 *
 * Accepted: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ecdsa-sha2-nistp384`, and `ssh-rsa` with a
 * modulus of {@link MIN_RSA_BITS} to {@link MAX_RSA_BITS} bits. Refused with a reason: private
 * keys in any encoding, DSA, P-521, certificates, security-key (`sk-`) keys, short RSA, several
 * keys at once, RFC 4716 / PEM public keys (with the conversion command), lines with
 * `authorized_keys` options, damaged or truncated base64, trailing bytes, a type name that does
 * not match the key data, invalid curve points, and unsafe characters in the comment.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4253#section-6.6
 * @see https://man.openbsd.org/ssh-keygen.1 `-l` for the fingerprint format
 */
export function validateSshPublicKey(text: string): SshPublicKeyValidation {
  if (typeof text !== 'string') {
    return fail('malformed', 'Paste an SSH public key as text.');
  }
  if (text.length > MAX_SSH_PUBLIC_KEY_LENGTH) {
    return fail(
      'too_long',
      `This text is ${text.length} characters long; an SSH public key is at most ${MAX_SSH_PUBLIC_KEY_LENGTH}. Paste only the one line from your .pub file.`,
    );
  }
  const input = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (PRIVATE_KEY_MARKERS.some((marker) => marker.test(input))) {
    return privateKeyFailure();
  }
  if (/---- BEGIN SSH2 PUBLIC KEY ----/.test(input)) {
    return fail(
      'malformed',
      'This public key is in the RFC 4716 (SSH2) format. Convert it with `ssh-keygen -i -f key.pub` and paste the one-line result.',
    );
  }
  if (/-----BEGIN [A-Z ]*PUBLIC KEY-----/.test(input)) {
    return fail(
      'malformed',
      'This is a PEM public key, not an OpenSSH one. Convert it with `ssh-keygen -i -m PKCS8 -f key.pem` and paste the one-line result.',
    );
  }

  const lines = input.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) {
    return fail('malformed', `Paste your SSH public key: the contents of the .pub file. ${GENERATE_HINT}`);
  }
  if (lines.length > 1) {
    const keyLines = lines.filter((line) => /^\s*\S+[ \t]+AAAA[A-Za-z0-9+/]/.test(line));
    return keyLines.length > 1
      ? fail('multiple_keys', `This text holds ${keyLines.length} keys. Add them one at a time.`)
      : fail(
          'malformed',
          'An SSH public key is a single line, but this text has several. If the key was wrapped when you copied it, copy it again as one line (for example with `cat ~/.ssh/id_ed25519.pub`).',
        );
  }
  return validateLine(lines[0].trim());
}

function validateLine(line: string): SshPublicKeyValidation {
  const fields = /^(\S+)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!fields) {
    return fail(
      'malformed',
      `This is not an SSH public key. A public key looks like "ssh-ed25519 AAAAC3Nz… you@laptop". ${GENERATE_HINT}`,
    );
  }
  const [, typeName, base64, rawComment = ''] = fields;

  if (!ALGORITHM_NAME.test(typeName) || !/^AAAA/.test(base64)) {
    // `from="10.0.0.1",no-pty ssh-ed25519 AAAA…` — an authorized_keys line with options.
    if (/(?:^|[\s,"])(?:ssh-|ecdsa-|sk-)[a-z0-9@.-]+[ \t]+AAAA/.test(line)) {
      return fail(
        'malformed',
        'This line has authorized_keys options in front of the key. Paste only the key itself, starting with its type (for example "ssh-ed25519 AAAA…").',
      );
    }
    return fail(
      'malformed',
      `This is not an SSH public key. A public key looks like "ssh-ed25519 AAAAC3Nz… you@laptop". ${GENERATE_HINT}`,
    );
  }

  const damaged = fail(
    'malformed',
    'The key data is damaged or incomplete (it may have been cut off when it was copied). Copy the whole line from your .pub file again.',
  );
  if (!BASE64.test(base64)) return damaged;
  const blob = Buffer.from(base64, 'base64');

  const blobType = readLeadingString(blob);
  if (blobType === null) return damaged;
  if (blobType !== typeName) {
    return fail(
      'malformed',
      `The key says it is "${typeName}" but its data is a "${printable(blobType)}" key, so it has been edited or damaged. Copy the whole line from your .pub file again.`,
    );
  }

  const unsupported = unsupportedTypeMessage(typeName);
  if (unsupported !== null) return fail('unsupported_type', unsupported);
  const type = typeName as AcceptedSshKeyType;

  let key: sshpk.Key;
  try {
    // The format reader itself, not `sshpk.parseKey`, which would quietly turn a private key
    // blob into its public half.
    key = (sshpk.Key.formats.rfc4253 as sshpk.Format.Rfc4253).read(blob);
  } catch {
    // Truncated parts, leftover bytes after the last part, a curve name that contradicts the type.
    return damaged;
  }
  if (sshpk.PrivateKey.isPrivateKey(key, [1, 0])) {
    // sshpk reads any blob with extra parts as a private key; only call it one (and tell the
    // user to keep it secret) when the private half really matches the public half.
    return isConsistentPrivateKey(key as unknown as sshpk.PrivateKey) ? privateKeyFailure() : damaged;
  }
  // sshpk normalizes leading zeros and pads short Ed25519 keys; ssh-keygen never writes such
  // blobs, and storing a blob that differs from the one we fingerprint would be confusing.
  if (!key.toBuffer('rfc4253').equals(blob)) return damaged;

  if (type === 'ssh-rsa') {
    if (key.size < MIN_RSA_BITS) {
      return fail(
        'rsa_too_short',
        `This RSA key is ${key.size} bits; the minimum is ${MIN_RSA_BITS}. ${GENERATE_HINT} (Or, if you need RSA, \`ssh-keygen -t rsa -b 4096\`.)`,
      );
    }
    if (key.size > MAX_RSA_BITS) {
      return fail(
        'too_long',
        `This RSA key is ${key.size} bits; OpenSSH accepts at most ${MAX_RSA_BITS}. ${GENERATE_HINT}`,
      );
    }
  }
  // OpenSSL checks what sshpk does not: that an EC point lies on its curve (an invalid point is
  // an attack vector, and OpenSSH refuses it too) and that the RSA exponent and modulus are sane.
  try {
    createPublicKey({ key: key.toString('pkcs8'), format: 'pem' });
  } catch {
    return damaged;
  }
  if (type === 'ssh-rsa' && !isSaneRsaExponent(key)) return damaged;
  if (type !== 'ssh-rsa' && type !== 'ssh-ed25519' && !isUncompressedPoint(key)) return damaged;

  const comment = rawComment.replace(/\t/g, ' ').trim();
  if (UNSAFE_COMMENT_CHARS.test(comment)) {
    return fail(
      'malformed',
      'The comment after the key contains control or text-direction characters. Remove them (or the whole comment) and try again.',
    );
  }
  return {
    ok: true,
    type,
    bits: key.size,
    fingerprint: key.fingerprint('sha256', 'ssh').toString('base64'),
    comment: comment === '' ? null : comment,
    // Re-encoded, so base64 with stray low bits in its last character comes out canonical.
    normalized: `${type} ${blob.toString('base64')}${comment === '' ? '' : ` ${comment}`}`,
  };
}

/** Why a well-formed key of another type is refused, or `null` when the type is accepted. */
function unsupportedTypeMessage(typeName: string): string | null {
  if ((ACCEPTED_SSH_KEY_TYPES as readonly string[]).includes(typeName)) return null;
  if (typeName === 'ssh-dss') {
    return `DSA keys are insecure and no longer supported by OpenSSH. ${GENERATE_HINT}`;
  }
  if (typeName === 'ecdsa-sha2-nistp521') {
    return `ECDSA keys on the P-521 curve are not accepted here; use Ed25519, ECDSA P-256 or P-384, or RSA of at least ${MIN_RSA_BITS} bits. ${GENERATE_HINT}`;
  }
  if (typeName.includes('-cert-v')) {
    return 'This is an SSH certificate, not a public key. Paste the plain public key (the .pub file without "-cert" in its name).';
  }
  if (typeName.startsWith('sk-')) {
    return `Security-key (FIDO) SSH keys are not supported yet. ${GENERATE_HINT}`;
  }
  return `"${printable(typeName)}" keys are not supported; use Ed25519, ECDSA P-256 or P-384, or RSA of at least ${MIN_RSA_BITS} bits. ${GENERATE_HINT}`;
}

/**
 * Reads the SSH `string` at the start of a key blob: the algorithm name (RFC 4251 §5).
 * Returns `null` when the blob is too short for it or the name is not printable ASCII.
 */
function readLeadingString(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return null;
  const name = blob.subarray(4, 4 + length).toString('latin1');
  return /^[\x21-\x7e]+$/.test(name) ? name : null;
}

/**
 * DER of an Ed25519 `OneAsymmetricKey` up to its 32-byte seed.
 * @see https://www.rfc-editor.org/rfc/rfc8410#section-7
 */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Whether the private parts of a key blob derive the public parts it carries. */
function isConsistentPrivateKey(key: sshpk.PrivateKey): boolean {
  try {
    const parts = key.part as unknown as Record<string, sshpk.KeyPart | undefined>;
    // OpenSSL cannot read sshpk's PKCS#8 encoding of Ed25519 keys, so wrap the seed ourselves.
    const privateKey =
      key.type === 'ed25519'
        ? createPrivateKey({
            key: Buffer.concat([ED25519_PKCS8_PREFIX, parts.k?.data ?? Buffer.alloc(0)]),
            format: 'der',
            type: 'pkcs8',
          })
        : createPrivateKey({ key: key.toString('pkcs8'), format: 'pem' });
    const derived = createPublicKey(privateKey);
    const claimed = createPublicKey({ key: key.toPublic().toString('pkcs8'), format: 'pem' });
    return derived.equals(claimed);
  } catch {
    return false;
  }
}

/** The public exponent must be odd and greater than 1 (RFC 8017 §3.1); OpenSSL alone accepts e = 1. */
function isSaneRsaExponent(key: sshpk.Key): boolean {
  const e = (key.part as unknown as Record<string, sshpk.KeyPart | undefined>).e?.data;
  if (e === undefined || e.length === 0) return false;
  const odd = (e[e.length - 1] & 1) === 1;
  const greaterThanOne = e.length > 1 || e[0] > 1;
  return odd && greaterThanOne;
}

/**
 * OpenSSH writes ECDSA points uncompressed (0x04 || x || y) and fingerprints that form; a
 * compressed point would parse but give a fingerprint ssh-keygen never shows.
 * @see https://www.rfc-editor.org/rfc/rfc5656#section-3.1
 */
function isUncompressedPoint(key: sshpk.Key): boolean {
  const q = (key.part as unknown as Record<string, sshpk.KeyPart | undefined>).Q?.data;
  return q !== undefined && q[0] === 0x04 && q.length === 1 + 2 * Math.ceil(key.size / 8);
}

/** Text from a key, safe to echo in a message: printable ASCII only, bounded. */
function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

function privateKeyFailure(): InvalidSshPublicKey {
  return fail(
    'private_key',
    'This is a private key. Paste the public key (the .pub file) instead — and keep the private key secret. If you shared it anywhere, create a new key pair.',
  );
}

function fail(code: SshPublicKeyErrorCode, message: string): InvalidSshPublicKey {
  return { ok: false, code, message };
}
