import { createDecipheriv, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcryptPbkdf from 'bcrypt-pbkdf';
import sshpk from 'sshpk';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyDir, sshKeygen, sshKeygenFingerprint, writeKeyFiles } from './__tests__/ssh-keygen.ts';
import { SshKeyError } from './errors.ts';
import { ed25519KeyPairFromSeed } from './generate-key-pair.ts';
import {
  type Ed25519KeyPair,
  ed25519PublicKeyBlob,
  encodeOpenSshPrivateKey,
  encodeOpenSshPublicKey,
  OPENSSH_DEFAULT_KDF_ROUNDS,
  sha256Fingerprint,
} from './openssh-key.ts';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

/**
 * RFC 8032 §7.1 test vectors 1–3 (secret key = seed, public key), with the OpenSSH public key
 * blob and SHA-256 fingerprint computed independently (Python: struct + base64 + hashlib).
 */
const RFC8032_VECTORS = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    base64: 'AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea',
    fingerprint: 'SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    base64: 'AAAAC3NzaC1lZDI1NTE5AAAAID1AF8PoQ4lakrcKp00bfrycmCzPLsSWjMDNVfEq9GYM',
    fingerprint: 'SHA256:F34nin7tcaYH6WR5LSWSfj6weFBPfBpuyUUoPFP9YjA',
  },
  {
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    base64: 'AAAAC3NzaC1lZDI1NTE5AAAAIPxRzY5iGKGjjaR+0AIw8FgIFu0TujMDrF3rkRVIkIAl',
    fingerprint: 'SHA256:s3Z2A+mldeflHo5TMMEUA7MlkMg96xvtqH9DGLHHZmE',
  },
];

const { dir, cleanup } = createKeyDir();
afterAll(cleanup);
let fileCounter = 0;
const nextName = () => `key${++fileCounter}`;

/** A minimal reader for the SSH wire format, written separately from the encoder under test. */
class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  uint32(): number {
    const value = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  bytes(): Buffer {
    const length = this.uint32();
    const value = this.buf.subarray(this.offset, this.offset + length);
    if (value.length !== length) throw new Error('truncated');
    this.offset += length;
    return value;
  }
  text(): string {
    return this.bytes().toString('utf8');
  }
  rest(): Buffer {
    return this.buf.subarray(this.offset);
  }
}

/** Decodes the PEM armour and the outer openssh-key-v1 structure (PROTOCOL.key). */
function parsePrivateKeyFile(pem: string) {
  const lines = pem.trimEnd().split('\n');
  expect(lines[0]).toBe('-----BEGIN OPENSSH PRIVATE KEY-----');
  expect(lines.at(-1)).toBe('-----END OPENSSH PRIVATE KEY-----');
  const body = lines.slice(1, -1);
  // Wrapped at 70 columns like ssh-keygen's own files.
  for (const line of body.slice(0, -1)) expect(line).toHaveLength(70);
  const raw = Buffer.from(body.join(''), 'base64');
  expect(raw.subarray(0, 15).toString('latin1')).toBe('openssh-key-v1\0');
  const reader = new Reader(raw.subarray(15));
  const file = {
    cipher: reader.text(),
    kdf: reader.text(),
    kdfOptions: reader.bytes(),
    keyCount: reader.uint32(),
    publicBlob: reader.bytes(),
    privateSection: reader.bytes(),
  };
  expect(reader.rest()).toHaveLength(0);
  return file;
}

/** Checks and decodes a decrypted private section: check ints, the key, the comment, the padding. */
function parsePrivateSection(section: Buffer, blockSize: number) {
  expect(section.length % blockSize).toBe(0);
  const reader = new Reader(section);
  const check1 = reader.uint32();
  const check2 = reader.uint32();
  expect(check2).toBe(check1);
  const parsed = {
    checkInt: check1,
    type: reader.text(),
    publicKey: reader.bytes(),
    secret: reader.bytes(),
    comment: reader.text(),
  };
  const padding = reader.rest();
  expect(padding.length).toBeLessThan(blockSize);
  expect([...padding]).toEqual(
    padding.length === 0 ? [] : Array.from({ length: padding.length }, (_, i) => i + 1),
  );
  return parsed;
}

async function vectorKeyPair(index: number, comment = 'rfc8032@test'): Promise<Ed25519KeyPair> {
  return ed25519KeyPairFromSeed(hex(RFC8032_VECTORS[index].seed), comment);
}

describe('known vectors', () => {
  it.each(RFC8032_VECTORS.map((vector, index) => [index + 1, index, vector] as const))(
    'A13: RFC 8032 test %i: seed → public key → ssh-ed25519 line and fingerprint',
    async (_n, index, vector) => {
      const keyPair = await vectorKeyPair(index, 'alice@example.com');
      expect(Buffer.from(keyPair.publicKey).toString('hex')).toBe(vector.publicKey);
      expect(encodeOpenSshPublicKey(keyPair)).toBe(`ssh-ed25519 ${vector.base64} alice@example.com`);
      expect(await sha256Fingerprint(ed25519PublicKeyBlob(keyPair.publicKey))).toBe(vector.fingerprint);
    },
  );

  it('A13: ssh-keygen derives the same public line and fingerprint from our private key file', async () => {
    for (const [index, vector] of RFC8032_VECTORS.entries()) {
      const keyPair = await vectorKeyPair(index, 'alice@example.com');
      const { privatePath } = writeKeyFiles(dir, nextName(), {
        privateKey: await encodeOpenSshPrivateKey(keyPair),
        publicKey: encodeOpenSshPublicKey(keyPair),
      });
      const derived = sshKeygen(['-y', '-f', privatePath]);
      expect(derived.stderr).toBe('');
      expect(derived.stdout.trim()).toBe(`ssh-ed25519 ${vector.base64} alice@example.com`);
      expect(sshKeygenFingerprint(privatePath)).toEqual({
        bits: 256,
        fingerprint: vector.fingerprint,
        comment: 'alice@example.com',
      });
    }
  });

  it('A13: the fingerprint is SHA-256 of the blob in unpadded base64', async () => {
    const blob = ed25519PublicKeyBlob(hex(RFC8032_VECTORS[0].publicKey));
    const digest = createHash('sha256').update(blob).digest('base64');
    expect(await sha256Fingerprint(blob)).toBe(`SHA256:${digest.replace(/=+$/, '')}`);
  });
});

describe('public key line', () => {
  it('A13: has no comment part when the comment is empty, and ssh-keygen reads it', async () => {
    const keyPair = await vectorKeyPair(0, '');
    const line = encodeOpenSshPublicKey(keyPair);
    expect(line).toBe(`ssh-ed25519 ${RFC8032_VECTORS[0].base64}`);
    const path = join(dir, `${nextName()}.pub`);
    writeFileSync(path, `${line}\n`);
    expect(sshKeygenFingerprint(path).fingerprint).toBe(RFC8032_VECTORS[0].fingerprint);
  });

  it('A13: refuses a comment with a line break or control character', async () => {
    const keyPair = await vectorKeyPair(0);
    for (const comment of ['two\nlines', 'cr\r', 'nul\0', 'esc\u001b[0m']) {
      expect(() => encodeOpenSshPublicKey({ ...keyPair, comment })).toThrow(
        expect.objectContaining({ name: 'SshKeyError', code: 'invalid_comment' }),
      );
      await expect(encodeOpenSshPrivateKey({ ...keyPair, comment })).rejects.toMatchObject({
        code: 'invalid_comment',
      });
    }
  });

  it('A13: refuses public and private keys of the wrong length', async () => {
    const keyPair = await vectorKeyPair(0);
    expect(() => ed25519PublicKeyBlob(new Uint8Array(31))).toThrow(SshKeyError);
    await expect(encodeOpenSshPrivateKey({ ...keyPair, seed: new Uint8Array(64) })).rejects.toMatchObject({
      code: 'invalid_key',
    });
    await expect(ed25519KeyPairFromSeed(new Uint8Array(16), 'x')).rejects.toMatchObject({
      code: 'invalid_key',
    });
  });
});

describe('unencrypted private key file', () => {
  it('A13: follows PROTOCOL.key: none/none, one key, k||A, comment, 1-2-3 padding to 8', async () => {
    const keyPair = await vectorKeyPair(0, 'Zoë@laptop');
    const file = parsePrivateKeyFile(await encodeOpenSshPrivateKey(keyPair));
    expect(file).toMatchObject({ cipher: 'none', kdf: 'none', keyCount: 1 });
    expect(file.kdfOptions).toHaveLength(0);
    expect(file.publicBlob.toString('base64')).toBe(RFC8032_VECTORS[0].base64);
    const section = parsePrivateSection(file.privateSection, 8);
    expect(section.type).toBe('ssh-ed25519');
    expect(section.publicKey.toString('hex')).toBe(RFC8032_VECTORS[0].publicKey);
    expect(section.secret.toString('hex')).toBe(RFC8032_VECTORS[0].seed + RFC8032_VECTORS[0].publicKey);
    expect(section.comment).toBe('Zoë@laptop');
  });

  it('A13: pads every comment length correctly (ssh-keygen checks the padding)', async () => {
    for (let length = 0; length < 8; length++) {
      const keyPair = await vectorKeyPair(1, 'c'.repeat(length));
      const pem = await encodeOpenSshPrivateKey(keyPair);
      parsePrivateSection(parsePrivateKeyFile(pem).privateSection, 8);
      const { privatePath } = writeKeyFiles(dir, nextName(), { privateKey: pem, publicKey: '' });
      const derived = sshKeygen(['-y', '-f', privatePath]);
      expect(derived.status, derived.stderr).toBe(0);
    }
  });

  it('A13: uses a fresh random check integer each time', async () => {
    const keyPair = await vectorKeyPair(0);
    const checkInts = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const file = parsePrivateKeyFile(await encodeOpenSshPrivateKey(keyPair));
      checkInts.add(parsePrivateSection(file.privateSection, 8).checkInt);
    }
    expect(checkInts.size).toBeGreaterThan(18);
  });

  it('A13: an independent parser (sshpk) reads it as the same key', async () => {
    const keyPair = await vectorKeyPair(2, 'sshpk@test');
    const parsed = sshpk.parsePrivateKey(await encodeOpenSshPrivateKey(keyPair), 'ssh');
    expect(parsed.type).toBe('ed25519');
    expect(parsed.fingerprint('sha256').toString()).toBe(RFC8032_VECTORS[2].fingerprint);
  });

  it('A13: a signature made by ssh-keygen with our private key file verifies against our public key', async () => {
    const keyPair = await vectorKeyPair(0, 'signer@test');
    const name = nextName();
    const { privatePath } = writeKeyFiles(dir, name, {
      privateKey: await encodeOpenSshPrivateKey(keyPair),
      publicKey: encodeOpenSshPublicKey(keyPair),
    });
    const message = join(dir, `${name}.msg`);
    const data = 'launch the portal';
    writeFileSync(message, data);
    const signed = sshKeygen(['-Y', 'sign', '-f', privatePath, '-n', 'file', message]);
    expect(signed.status, signed.stderr).toBe(0);
    const signers = join(dir, `${name}.allowed`);
    writeFileSync(signers, `signer@test ${encodeOpenSshPublicKey(keyPair)}\n`);
    // -Y verify reads the signed data from standard input.
    const verifyArgs = [
      '-Y',
      'verify',
      '-f',
      signers,
      '-I',
      'signer@test',
      '-n',
      'file',
      '-s',
      `${message}.sig`,
    ];
    const verified = sshKeygen(verifyArgs, data);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/Good "file" signature for signer@test/);
    // …and the same signature does not verify for different data.
    expect(sshKeygen(verifyArgs, `${data}!`).status).not.toBe(0);
  });
});

describe('encrypted private key file', () => {
  it('A13: follows PROTOCOL.key: aes256-ctr/bcrypt, 16-byte salt, 16 rounds, padding to 16; decrypts', async () => {
    const keyPair = await vectorKeyPair(0, 'enc@test');
    const passphrase = 'correct horse battery staple';
    const file = parsePrivateKeyFile(await encodeOpenSshPrivateKey(keyPair, { passphrase }));
    expect(file).toMatchObject({ cipher: 'aes256-ctr', kdf: 'bcrypt', keyCount: 1 });
    const kdf = new Reader(file.kdfOptions);
    const salt = kdf.bytes();
    expect(salt).toHaveLength(16);
    expect(kdf.uint32()).toBe(OPENSSH_DEFAULT_KDF_ROUNDS);
    expect(kdf.rest()).toHaveLength(0);
    expect(file.privateSection.toString('hex')).not.toContain(RFC8032_VECTORS[0].seed);

    // Decrypt with Node's OpenSSL AES-256-CTR, not the WebCrypto path the encoder uses.
    const pass = Buffer.from(passphrase);
    const keyAndIv = new Uint8Array(48);
    expect(bcryptPbkdf.pbkdf(pass, pass.length, salt, salt.length, keyAndIv, 48, 16)).toBe(0);
    const decipher = createDecipheriv('aes-256-ctr', keyAndIv.subarray(0, 32), keyAndIv.subarray(32));
    const plain = Buffer.concat([decipher.update(file.privateSection), decipher.final()]);
    const section = parsePrivateSection(plain, 16);
    expect(section.secret.toString('hex')).toBe(RFC8032_VECTORS[0].seed + RFC8032_VECTORS[0].publicKey);
    expect(section.comment).toBe('enc@test');
  });

  it('A13: ssh-keygen -y -P opens it with the passphrase and refuses a wrong one', async () => {
    const keyPair = await vectorKeyPair(1, 'enc@test');
    const passphrase = 'pässwörd ✓';
    const { privatePath } = writeKeyFiles(dir, nextName(), {
      privateKey: await encodeOpenSshPrivateKey(keyPair, { passphrase }),
      publicKey: encodeOpenSshPublicKey(keyPair),
    });
    const opened = sshKeygen(['-y', '-P', passphrase, '-f', privatePath]);
    expect(opened.stdout.trim()).toBe(`ssh-ed25519 ${RFC8032_VECTORS[1].base64} enc@test`);
    const wrong = sshKeygen(['-y', '-P', 'pässwörd', '-f', privatePath]);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/incorrect passphrase/);
  });

  it('A13: an independent parser (sshpk) decrypts it with the passphrase', async () => {
    const keyPair = await vectorKeyPair(2);
    const pem = await encodeOpenSshPrivateKey(keyPair, { passphrase: 'sesame', rounds: 4 });
    const parsed = sshpk.parsePrivateKey(pem, 'ssh', { passphrase: 'sesame' });
    expect(parsed.fingerprint('sha256').toString()).toBe(RFC8032_VECTORS[2].fingerprint);
    expect(() => sshpk.parsePrivateKey(pem, 'ssh')).toThrow(/encrypted/i);
  });

  it('A13: a new salt each time, so the same key and passphrase never give the same file', async () => {
    const keyPair = await vectorKeyPair(0);
    const a = await encodeOpenSshPrivateKey(keyPair, { passphrase: 'x', rounds: 1 });
    const b = await encodeOpenSshPrivateKey(keyPair, { passphrase: 'x', rounds: 1 });
    expect(parsePrivateKeyFile(a).kdfOptions.equals(parsePrivateKeyFile(b).kdfOptions)).toBe(false);
  });

  it('A13: an empty passphrase means no encryption, as in ssh-keygen', async () => {
    const keyPair = await vectorKeyPair(0);
    const file = parsePrivateKeyFile(await encodeOpenSshPrivateKey(keyPair, { passphrase: '' }));
    expect(file.cipher).toBe('none');
  });

  it('A13: refuses nonsensical KDF rounds', async () => {
    const keyPair = await vectorKeyPair(0);
    for (const rounds of [0, -1, 1.5, 100_000]) {
      await expect(encodeOpenSshPrivateKey(keyPair, { passphrase: 'x', rounds })).rejects.toMatchObject({
        code: 'encryption_failed',
      });
    }
  });
});
