import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  hashPassword,
  isCommonPassword,
  passwordPolicy,
  verifyPassword,
} from '../../src/services/passwords.ts';

const policy = passwordPolicy({ passwordMinLength: 8 });

describe('passwords', () => {
  it('B10: hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(await verifyPassword(null, 'x')).toBe(false);
  });

  it('B10: a 100-character Unicode password round-trips, without truncation', async () => {
    const password = 'Пароль-密码-🔐-ß-é'.repeat(7).slice(0, 100);
    expect([...password].length).toBeGreaterThanOrEqual(90);
    const hash = await hashPassword(password);
    expect(await verifyPassword(hash, password)).toBe(true);
    expect(await verifyPassword(hash, password.slice(0, -1))).toBe(false);
    // NFC normalisation: the decomposed form of the same text verifies.
    expect(await verifyPassword(hash, password.normalize('NFD'))).toBe(true);
    const long = `${'x'.repeat(1000)}y`;
    const longHash = await hashPassword(long);
    expect(await verifyPassword(longHash, `${'x'.repeat(1000)}z`)).toBe(false);
  });

  it('B10: policy table — length only, common list, not the email, no composition rules', () => {
    const cases: [string, string[]][] = [
      ['short', ['Use at least 8 characters.']],
      ['abcdefgh', ['This password is too common. Choose something harder to guess.']],
      ['password', ['This password is too common. Choose something harder to guess.']],
      ['Password1', ['This password is too common. Choose something harder to guess.']],
      ['qwerty123', ['This password is too common. Choose something harder to guess.']],
      ['12345678', ['This password is too common. Choose something harder to guess.']],
      ['alllowercaseletters', []],
      ['correct horse battery staple', []],
      ['ünïcödé-pässwörd', []],
      ['a'.repeat(1024), []],
      ['a'.repeat(1025), ['Use at most 1024 characters.']],
      ['alice@example.com', ['Do not use your email address as your password.']],
      ['ALICE@EXAMPLE.COM', ['Do not use your email address as your password.']],
      ['alicealice', []],
    ];
    for (const [password, expected] of cases) {
      expect(checkPasswordPolicy(password, policy, { email: 'alice@example.com' }), password).toEqual(
        expected,
      );
    }
  });

  it('B10: the minimum length follows the policy and counts characters, not bytes', () => {
    const strict = passwordPolicy({ passwordMinLength: 12 });
    expect(strict).toEqual({ minLength: 12, maxLength: 1024, checksCommonPasswords: true });
    expect(checkPasswordPolicy('elevenchars', strict)).toEqual(['Use at least 12 characters.']);
    expect(checkPasswordPolicy('🔐🔐🔐🔐🔐🔐🔐', policy)).toEqual(['Use at least 8 characters.']);
    expect(checkPasswordPolicy('🔐🔐🔐🔐🔐🔐🔐🔐', policy)).toEqual([]);
  });

  it('B10: the shipped common-password list is loaded (about a thousand entries)', () => {
    for (const common of [
      '123456',
      'iloveyou',
      'letmein',
      'welcome1',
      'Summer2024',
      'admin123',
      '1q2w3e4r',
    ]) {
      expect(isCommonPassword(common), common).toBe(true);
    }
    expect(isCommonPassword('a fairly unusual passphrase')).toBe(false);
  });
});
