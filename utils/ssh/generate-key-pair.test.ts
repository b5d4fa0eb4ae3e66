import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { validateSshPublicKey } from '../../server/src/ssh/validate-public-key.ts';
import { createKeyDir, sshKeygen, sshKeygenFingerprint, writeKeyFiles } from './__tests__/ssh-keygen.ts';
import { SshKeyError } from './errors.ts';
import { generateEd25519KeyPair, generateOpenSshKeyPair } from './generate-key-pair.ts';

const { dir, cleanup } = createKeyDir();
afterAll(cleanup);
afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateOpenSshKeyPair: round trip through ssh-keygen', () => {
  it('A13: ssh-keygen -l and -y accept the generated files; fingerprints and public key match', async () => {
    const generated = await generateOpenSshKeyPair({ comment: 'jane@laptop' });
    expect(generated).toMatchObject({ type: 'ssh-ed25519', encrypted: false });
    expect(generated.publicKey).toMatch(
      /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} jane@laptop$/,
    );
    const { privatePath, publicPath } = writeKeyFiles(dir, 'id_ed25519', generated);

    const fromPublic = sshKeygenFingerprint(publicPath);
    const fromPrivate = sshKeygenFingerprint(privatePath);
    expect(fromPublic).toEqual({ bits: 256, fingerprint: generated.fingerprint, comment: 'jane@laptop' });
    expect(fromPrivate).toEqual(fromPublic);

    const derived = sshKeygen(['-y', '-f', privatePath]);
    expect(derived.status, derived.stderr).toBe(0);
    expect(derived.stdout.trim()).toBe(generated.publicKey);
  });

  it('A13: with a passphrase, ssh-keygen -y -P opens the private key and gets the same public key', async () => {
    const passphrase = 'tr0ub4dor & 3';
    const started = performance.now();
    const generated = await generateOpenSshKeyPair({ comment: 'jane@laptop', passphrase });
    const elapsed = performance.now() - started;
    expect(generated.encrypted).toBe(true);
    const { privatePath } = writeKeyFiles(dir, 'id_ed25519_enc', generated);

    const derived = sshKeygen(['-y', '-P', passphrase, '-f', privatePath]);
    expect(derived.status, derived.stderr).toBe(0);
    expect(derived.stdout.trim()).toBe(generated.publicKey);
    expect(sshKeygen(['-y', '-P', '', '-f', privatePath]).status).not.toBe(0);
    // bcrypt_pbkdf at 16 rounds is slow on purpose, but must stay usable in a page.
    expect(elapsed).toBeLessThan(10_000);
  });

  it('A13: B16: the portal accepts the generated public key with the same fingerprint', async () => {
    const generated = await generateOpenSshKeyPair({ comment: 'jane@laptop' });
    expect(validateSshPublicKey(generated.publicKey)).toEqual({
      ok: true,
      type: 'ssh-ed25519',
      bits: 256,
      fingerprint: generated.fingerprint,
      comment: 'jane@laptop',
      normalized: generated.publicKey,
    });
  });

  it('A13: refuses a comment with a line break before generating anything', async () => {
    const generateKey = vi.spyOn(crypto.subtle, 'generateKey');
    await expect(generateOpenSshKeyPair({ comment: 'a\nb' })).rejects.toMatchObject({
      code: 'invalid_comment',
    });
    expect(generateKey).not.toHaveBeenCalled();
  });
});

describe('generateEd25519KeyPair', () => {
  it('A13: keys come from the CSPRNG: 32-byte seeds and public keys, all distinct', async () => {
    const seeds = new Set<string>();
    const publicKeys = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const keyPair = await generateEd25519KeyPair('');
      expect(keyPair.seed).toHaveLength(32);
      expect(keyPair.publicKey).toHaveLength(32);
      seeds.add(Buffer.from(keyPair.seed).toString('hex'));
      publicKeys.add(Buffer.from(keyPair.publicKey).toString('hex'));
    }
    expect(seeds.size).toBe(50);
    expect(publicKeys.size).toBe(50);
  });

  it('A13: a browser without WebCrypto Ed25519 gets unsupported_browser with the ssh-keygen fallback', async () => {
    // The one fake here: the platform refusing the algorithm, as browsers before Ed25519 support do.
    vi.spyOn(crypto.subtle, 'generateKey').mockRejectedValue(
      new DOMException('Unrecognized algorithm name', 'NotSupportedError'),
    );
    const error = await generateEd25519KeyPair('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshKeyError);
    expect(error).toMatchObject({ code: 'unsupported_browser', name: 'SshKeyError' });
    expect((error as SshKeyError).message).toMatch(/ssh-keygen -t ed25519/);
    expect((error as SshKeyError).cause).toBeInstanceOf(DOMException);
  });
});
