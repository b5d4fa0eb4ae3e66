import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sshpk from 'sshpk';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MAX_SSH_PUBLIC_KEY_LENGTH,
  type SshPublicKeyValidation,
  type ValidSshPublicKey,
  validateSshPublicKey,
} from '../../src/ssh/validate-public-key.ts';

// Fixtures are throwaway test keys made by ../fixtures/ssh/generate.sh with ssh-keygen; expected.json
// is what ssh-keygen -l printed for them at generation time.
const fixturesDir = join(import.meta.dirname, '../fixtures/ssh');
const fixture = (name: string) => readFileSync(join(fixturesDir, name), 'utf8');
const expected: Record<string, { bits: number; fingerprint: string }> = JSON.parse(fixture('expected.json'));

const workDir = mkdtempSync(join(tmpdir(), 'ssh-validate-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Runs the real `ssh-keygen -l` on a public key line; `null` when ssh-keygen refuses it. */
function sshKeygenFingerprint(line: string): { bits: number; fingerprint: string } | null {
  const file = join(workDir, `${randomBytes(6).toString('hex')}.pub`);
  writeFileSync(file, `${line}\n`);
  try {
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [bits, fingerprint] = out.trim().split(' ');
    return { bits: Number(bits), fingerprint };
  } catch {
    return null;
  } finally {
    rmSync(file, { force: true });
  }
}

function expectOk(result: SshPublicKeyValidation): ValidSshPublicKey {
  if (!result.ok) throw new Error(`expected the key to be accepted, got ${result.code}: ${result.message}`);
  return result;
}

function expectRefused(result: SshPublicKeyValidation, code: string): string {
  expect(result).toMatchObject({ ok: false, code });
  if (result.ok) throw new Error('unreachable');
  // Every refusal tells the person what to do, not only what went wrong.
  expect(result.message.length).toBeGreaterThan(30);
  return result.message;
}

// SSH wire encoding (RFC 4251 §5) to build hostile blobs that ssh-keygen would never write.
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (data: Buffer | string) => {
  const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return Buffer.concat([u32(b.length), b]);
};
const blobOf = (line: string) => Buffer.from(line.split(' ')[1], 'base64');
const lineOf = (type: string, blob: Buffer, comment = 'test') =>
  `${type} ${blob.toString('base64')} ${comment}`;

/** Splits a blob into its SSH strings (all public key parts are strings or mpints, same framing). */
function sshFields(blob: Buffer): Buffer[] {
  const fields: Buffer[] = [];
  let offset = 0;
  while (offset < blob.length) {
    const length = blob.readUInt32BE(offset);
    fields.push(blob.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return fields;
}

const ed25519Line = fixture('ed25519.pub').trim();
const p256Line = fixture('ecdsa-p256.pub').trim();
const rsa3072Line = fixture('rsa-3072.pub').trim();

describe('validateSshPublicKey: accepted keys', () => {
  const accepted = [
    ['ed25519', 'ssh-ed25519'],
    ['ecdsa-p256', 'ecdsa-sha2-nistp256'],
    ['ecdsa-p384', 'ecdsa-sha2-nistp384'],
    ['rsa-3072', 'ssh-rsa'],
    ['rsa-4096', 'ssh-rsa'],
  ] as const;

  it.each(accepted)(
    'B16: accepts %s with the type, size and fingerprint ssh-keygen recorded',
    (name, type) => {
      const line = fixture(`${name}.pub`).trim();
      const key = expectOk(validateSshPublicKey(line));
      expect(key).toEqual({
        ok: true,
        type,
        bits: expected[name].bits,
        fingerprint: expected[name].fingerprint,
        comment: `test-${name}@portal-launcher.test`,
        normalized: line,
      });
    },
  );

  it.each(accepted)('B16: %s fingerprint and size equal what ssh-keygen -l prints now', (name) => {
    const line = fixture(`${name}.pub`).trim();
    const key = expectOk(validateSshPublicKey(line));
    expect(sshKeygenFingerprint(line)).toEqual({ bits: key.bits, fingerprint: key.fingerprint });
  });

  it('B16: a key generated now by ssh-keygen is accepted with the fingerprint ssh-keygen prints', () => {
    for (const [type, bits] of [
      ['ed25519', null],
      ['ecdsa', '384'],
    ] as const) {
      const file = join(workDir, `fresh-${type}`);
      execFileSync('ssh-keygen', [
        '-q',
        '-t',
        type,
        ...(bits ? ['-b', bits] : []),
        '-N',
        '',
        '-C',
        'fresh',
        '-f',
        file,
      ]);
      const line = readFileSync(`${file}.pub`, 'utf8');
      const key = expectOk(validateSshPublicKey(line));
      expect(sshKeygenFingerprint(line)).toEqual({ bits: key.bits, fingerprint: key.fingerprint });
    }
  });

  it('B16: the fingerprint is SHA-256 over the key blob, unpadded base64, whatever the comment', () => {
    const digest = createHash('sha256').update(blobOf(ed25519Line)).digest('base64').replace(/=+$/, '');
    const a = expectOk(validateSshPublicKey(ed25519Line));
    const b = expectOk(
      validateSshPublicKey(`${ed25519Line.split(' ').slice(0, 2).join(' ')} another comment`),
    );
    expect(a.fingerprint).toBe(`SHA256:${digest}`);
    // Duplicate detection relies on this: the same key under another name is the same fingerprint.
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  it('B16: C8: tolerates what copy and paste adds, and normalizes it', () => {
    const [type, base64, comment] = ed25519Line.split(' ');
    const variants = [
      `\uFEFF${ed25519Line}`,
      `\n\n  ${ed25519Line}  \r\n\r\n`,
      `${type}\t${base64}\t\t${comment}`,
      `${type}   ${base64}   ${comment}   `,
    ];
    for (const variant of variants) {
      expect(expectOk(validateSshPublicKey(variant)).normalized).toBe(ed25519Line);
    }
  });

  it('B16: a key without a comment has comment null; inner spaces of a comment are kept', () => {
    const [type, base64] = ed25519Line.split(' ');
    expect(expectOk(validateSshPublicKey(`${type} ${base64}`))).toMatchObject({
      comment: null,
      normalized: `${type} ${base64}`,
    });
    expect(expectOk(validateSshPublicKey(`${type} ${base64} Jane Doe (laptop) é`))).toMatchObject({
      comment: 'Jane Doe (laptop) é',
      normalized: `${type} ${base64} Jane Doe (laptop) é`,
    });
  });
});

describe('validateSshPublicKey: private keys', () => {
  it.each([
    ['OpenSSH', 'ed25519.key'],
    ['PEM (PKCS#1)', 'rsa-pem.key'],
    ['PKCS#8', 'rsa-pkcs8.key'],
  ])('B16: refuses a private key in %s form and says to paste the .pub file', (_format, file) => {
    const message = expectRefused(validateSshPublicKey(fixture(file)), 'private_key');
    expect(message).toMatch(/private key/i);
    expect(message).toMatch(/\.pub/);
  });

  it('B16: refuses a private key pasted after its public key', () => {
    expectRefused(validateSshPublicKey(`${ed25519Line}\n${fixture('ed25519.key')}`), 'private_key');
  });

  it('B16: refuses the body of an OpenSSH private key copied without its BEGIN/END lines', () => {
    const body = fixture('ed25519.key').split('\n').slice(1, -2).join('\n');
    expectRefused(validateSshPublicKey(body), 'private_key');
    expectRefused(validateSshPublicKey(body.replace(/\n/g, '')), 'private_key');
  });

  it('B16: refuses PuTTY and ssh.com private keys', () => {
    const putty = 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 2\nAAAA\n';
    expectRefused(validateSshPublicKey(putty), 'private_key');
    const sshCom =
      '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nP2/56wAAAA==\n---- END SSH2 ENCRYPTED PRIVATE KEY ----';
    expectRefused(validateSshPublicKey(sshCom), 'private_key');
  });

  it('B16: refuses a private key blob disguised as a public key line', () => {
    for (const [file, type] of [
      ['ed25519.key', 'ssh-ed25519'],
      ['rsa-pem.key', 'ssh-rsa'],
    ]) {
      const privateKey = sshpk.parsePrivateKey(fixture(file), 'auto');
      expectRefused(validateSshPublicKey(lineOf(type, privateKey.toBuffer('rfc4253'))), 'private_key');
    }
  });
});

describe('validateSshPublicKey: unsupported types and sizes', () => {
  it('B16: refuses DSA', () => {
    expect(expectRefused(validateSshPublicKey(fixture('dsa.pub')), 'unsupported_type')).toMatch(/DSA/);
  });

  it('B16: refuses ECDSA P-521', () => {
    expect(expectRefused(validateSshPublicKey(fixture('ecdsa-p521.pub')), 'unsupported_type')).toMatch(
      /P-521/,
    );
  });

  it('B16: refuses RSA 2048 as too short, naming the size and the minimum', () => {
    const message = expectRefused(validateSshPublicKey(fixture('rsa-2048.pub')), 'rsa_too_short');
    expect(message).toMatch(/2048/);
    expect(message).toMatch(/3072/);
    expect(message).toMatch(/ssh-keygen -t ed25519/);
  });

  it('B16: refuses an OpenSSH certificate', () => {
    const message = expectRefused(validateSshPublicKey(fixture('ecdsa-p256-cert.txt')), 'unsupported_type');
    expect(message).toMatch(/certificate/);
  });

  it('B16: refuses a security-key (sk-) key and an unknown algorithm', () => {
    const pk = blobOf(ed25519Line).subarray(-32);
    const skType = 'sk-ssh-ed25519@openssh.com';
    const sk = Buffer.concat([sshString(skType), sshString(pk), sshString('ssh:')]);
    expect(expectRefused(validateSshPublicKey(lineOf(skType, sk)), 'unsupported_type')).toMatch(
      /Security-key/,
    );
    const other = Buffer.concat([sshString('ssh-foo'), sshString(pk)]);
    expectRefused(validateSshPublicKey(lineOf('ssh-foo', other)), 'unsupported_type');
  });

  it('B16: refuses an RSA modulus larger than OpenSSH accepts', () => {
    const [, e] = sshFields(blobOf(rsa3072Line));
    const n = Buffer.concat([Buffer.from([0x00, 0x80]), randomBytes(16_384 / 8)]); // 16385+ bits
    n[n.length - 1] |= 1;
    const blob = Buffer.concat([sshString('ssh-rsa'), sshString(e), sshString(n)]);
    expectRefused(validateSshPublicKey(lineOf('ssh-rsa', blob)), 'too_long');
  });
});

describe('validateSshPublicKey: damaged and hostile input', () => {
  it.each([
    ['empty text', ''],
    ['blank text', ' \n\t\n '],
    ['a sentence', 'hello world, this is my key'],
    ['a type alone', 'ssh-ed25519'],
    ['random base64', `ssh-ed25519 ${randomBytes(51).toString('base64')}`],
    ['a fingerprint instead of a key', expected.ed25519.fingerprint],
    ['not base64', 'ssh-ed25519 AAAA!!!!'],
    ['a URL', 'https://github.com/someone.keys'],
  ])('B16: C8: refuses %s as malformed', (_what, text) => {
    expectRefused(validateSshPublicKey(text), 'malformed');
  });

  it('B16: refuses a truncated key, cut anywhere', () => {
    const [type, base64] = ed25519Line.split(' ');
    for (const cut of [1, 2, 3, 4, 8, 20, base64.length - 8]) {
      const line = `${type} ${base64.slice(0, base64.length - cut)}`;
      expect(validateSshPublicKey(line), `cut ${cut}`).toMatchObject({ ok: false, code: 'malformed' });
      expect(sshKeygenFingerprint(line), `ssh-keygen agrees on cut ${cut}`).toBeNull();
    }
  });

  it('B16: refuses a key with trailing bytes in its blob or junk glued to its base64', () => {
    const withExtraBytes = lineOf('ssh-ed25519', Buffer.concat([blobOf(ed25519Line), sshString('junk')]));
    expectRefused(validateSshPublicKey(withExtraBytes), 'malformed');
    expect(sshKeygenFingerprint(withExtraBytes)).toBeNull();

    const [type, base64, comment] = p256Line.split(' ');
    expectRefused(validateSshPublicKey(`${type} ${base64}xyz ${comment}`), 'malformed');
    expectRefused(validateSshPublicKey(`${type} ${base64}=== ${comment}`), 'malformed');
  });

  it('B16: refuses a key whose type prefix does not match its blob', () => {
    const cases = [
      lineOf('ssh-rsa', blobOf(ed25519Line)),
      lineOf('ssh-ed25519', blobOf(rsa3072Line)),
      lineOf('ecdsa-sha2-nistp384', blobOf(p256Line)),
    ];
    for (const line of cases) {
      expect(expectRefused(validateSshPublicKey(line), 'malformed')).toMatch(/says it is/);
      expect(sshKeygenFingerprint(line)).toBeNull();
    }
  });

  it('B16: refuses an ECDSA blob whose curve field contradicts its algorithm name', () => {
    const [, , q] = sshFields(blobOf(p256Line));
    const blob = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp384'), sshString(q)]);
    expectRefused(validateSshPublicKey(lineOf('ecdsa-sha2-nistp256', blob)), 'malformed');
  });

  it('B16: refuses an ECDSA point that is not on the curve (as ssh-keygen does)', () => {
    const [name, curve, q] = sshFields(blobOf(p256Line));
    const offCurve = Buffer.from(q);
    offCurve[offCurve.length - 1] ^= 0x01;
    const line = lineOf(
      name.toString(),
      Buffer.concat([sshString(name), sshString(curve), sshString(offCurve)]),
    );
    expectRefused(validateSshPublicKey(line), 'malformed');
    expect(sshKeygenFingerprint(line)).toBeNull();
  });

  it('B16: refuses a compressed ECDSA point (ssh-keygen would show another fingerprint)', () => {
    const [name, curve, q] = sshFields(blobOf(p256Line));
    const compressed = Buffer.concat([Buffer.from([0x02 | (q[q.length - 1] & 1)]), q.subarray(1, 33)]);
    const line = lineOf(
      name.toString(),
      Buffer.concat([sshString(name), sshString(curve), sshString(compressed)]),
    );
    expectRefused(validateSshPublicKey(line), 'malformed');
  });

  it('B16: normalizes base64 whose last character carries stray bits', () => {
    const [type, base64, comment] = p256Line.split(' ');
    // 104 bytes of blob: the last base64 group encodes 2 bytes, so its 2 low bits are unused.
    expect(base64.endsWith('=')).toBe(true);
    const last = base64.at(-2) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sloppy = `${base64.slice(0, -2)}${alphabet[alphabet.indexOf(last) | 1]}=`;
    expect(sloppy).not.toBe(base64);
    expect(expectOk(validateSshPublicKey(`${type} ${sloppy} ${comment}`)).normalized).toBe(p256Line);
  });

  it('B16: refuses an RSA key with a degenerate public exponent', () => {
    const [, , n] = sshFields(blobOf(rsa3072Line));
    for (const e of [Buffer.from([0x01]), Buffer.from([0x01, 0x00, 0x00])]) {
      const blob = Buffer.concat([sshString('ssh-rsa'), sshString(e), sshString(n)]);
      expectRefused(validateSshPublicKey(lineOf('ssh-rsa', blob)), 'malformed');
    }
  });

  it('B16: refuses a non-canonical blob (Ed25519 key of the wrong length)', () => {
    const short = Buffer.concat([sshString('ssh-ed25519'), sshString(randomBytes(31))]);
    expectRefused(validateSshPublicKey(lineOf('ssh-ed25519', short)), 'malformed');
  });

  it('B16: refuses several keys at once, and a key wrapped over lines', () => {
    const two = `${ed25519Line}\n${rsa3072Line}\n`;
    expect(expectRefused(validateSshPublicKey(two), 'multiple_keys')).toMatch(/2 keys/);
    const [type, base64, comment] = rsa3072Line.split(' ');
    const wrapped = `${type} ${base64.slice(0, 300)}\n${base64.slice(300)} ${comment}`;
    expect(expectRefused(validateSshPublicKey(wrapped), 'malformed')).toMatch(/one line/);
  });

  it('B16: C8: refuses oversized text before parsing it', () => {
    const huge = `${ed25519Line} ${'x'.repeat(MAX_SSH_PUBLIC_KEY_LENGTH)}`;
    expectRefused(validateSshPublicKey(huge), 'too_long');
    const started = performance.now();
    expectRefused(validateSshPublicKey('A'.repeat(10_000_000)), 'too_long');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('B16: refuses authorized_keys options in front of the key, and says so', () => {
    const message = expectRefused(validateSshPublicKey(`from="10.0.0.1",no-pty ${ed25519Line}`), 'malformed');
    expect(message).toMatch(/options/);
    expectRefused(validateSshPublicKey(`no-agent-forwarding ${ed25519Line}`), 'malformed');
  });

  it('B16: refuses RFC 4716 and PEM public keys with the command that converts them', () => {
    expect(expectRefused(validateSshPublicKey(fixture('ed25519-rfc4716.txt')), 'malformed')).toMatch(
      /ssh-keygen -i -f/,
    );
    const pem = sshpk.parseKey(ed25519Line, 'ssh').toString('pkcs8');
    expect(expectRefused(validateSshPublicKey(pem), 'malformed')).toMatch(/ssh-keygen -i -m PKCS8/);
  });

  it('B16: refuses control and text-direction characters in the comment', () => {
    const [type, base64] = ed25519Line.split(' ');
    for (const comment of ['bell\u0007', 'esc\u001b[31mred', 'admin\u202Etxt.exe', 'c1\u0085']) {
      expectRefused(validateSshPublicKey(`${type} ${base64} ${comment}`), 'malformed');
    }
  });

  it('B16: C8: never throws, and whatever it accepts has the fingerprint of its blob', () => {
    const lines = [ed25519Line, p256Line, rsa3072Line];
    const alphabet = 'AZaz09+/= \t\n-@.x';
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const chars = [...lines[i % lines.length]];
      const edits = 1 + (i % 3);
      for (let j = 0; j < edits; j++) {
        const at = randomBytes(2).readUInt16BE() % chars.length;
        chars[at] = alphabet[randomBytes(1)[0] % alphabet.length];
      }
      const text = chars.join('');
      let result: SshPublicKeyValidation | undefined;
      expect(() => {
        result = validateSshPublicKey(text);
      }, text).not.toThrow();
      if (result?.ok) {
        accepted++;
        const digest = createHash('sha256').update(blobOf(result.normalized)).digest('base64');
        expect(result.fingerprint).toBe(`SHA256:${digest.replace(/=+$/, '')}`);
        expect(expectOk(validateSshPublicKey(result.normalized)).normalized).toBe(result.normalized);
      }
    }
    // Edits that land in the comment leave a valid key, so some must pass.
    expect(accepted).toBeGreaterThan(0);
  });

  it('B16: differential: every mutated key it accepts, ssh-keygen accepts with the same size and fingerprint', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let compared = 0;
    for (const line of [ed25519Line, p256Line, rsa3072Line]) {
      const [type, base64] = line.split(' ');
      for (let i = 0; i < 60; i++) {
        const at = randomBytes(2).readUInt16BE() % base64.replace(/=+$/, '').length;
        const mutated = `${base64.slice(0, at)}${alphabet[randomBytes(1)[0] % 64]}${base64.slice(at + 1)}`;
        const result = validateSshPublicKey(`${type} ${mutated}`);
        if (!result.ok) continue;
        compared++;
        expect(sshKeygenFingerprint(result.normalized), mutated).toEqual({
          bits: result.bits,
          fingerprint: result.fingerprint,
        });
      }
    }
    // Mutations inside Ed25519 and RSA key material still make valid keys, so there is always work.
    expect(compared).toBeGreaterThan(20);
  });
});
