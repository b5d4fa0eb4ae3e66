import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('reads PORTAL_* settings with defaults', () => {
    const config = loadConfig({
      PORTAL_ISSUER: 'https://portal.example.com',
      PORTAL_PORT: '8443',
      PORTAL_REQUIRE_MFA: 'true',
      PORTAL_LOCKOUT_MAX_FAILURES: '5',
      PORTAL_API: 'off',
    });
    expect(config.issuer).toBe('https://portal.example.com');
    expect(config.port).toBe(8443);
    expect(config.host).toBe('127.0.0.1');
    expect(config.requireMfa).toBe(true);
    expect(config.portalApi).toBe(false);
    expect(config.lockout.maxFailures).toBe(5);
    expect(config.lockout.maxWaitSeconds).toBe(900);
    expect(config.lifetimes.authorizationCode).toBe(60);
    expect(config.passwordMinLength).toBe(8);
  });

  it('defaults to port 8787 and the project data folder .data/portal, wherever it runs from', () => {
    const project = path.resolve(import.meta.dirname, '../..');
    const config = loadConfig({});
    expect(config.port).toBe(8787);
    expect(config.dataDir).toBe(path.join(project, '.data', 'portal'));
    const cwd = process.cwd();
    process.chdir(os.tmpdir());
    try {
      expect(loadConfig({}).dataDir).toBe(path.join(project, '.data', 'portal'));
      // A folder the operator names counts from where they are.
      expect(loadConfig({ PORTAL_DATA_DIR: 'here' }).dataDir).toBe(path.resolve(os.tmpdir(), 'here'));
    } finally {
      process.chdir(cwd);
    }
  });

  it('overrides win over the environment', () => {
    const config = loadConfig({ PORTAL_PORT: '1' }, { port: 0, lockout: { maxFailures: 3 } });
    expect(config.port).toBe(0);
    expect(config.lockout.maxFailures).toBe(3);
    expect(config.lockout.waitIncrementSeconds).toBe(60);
  });

  it.each([
    [{ PORTAL_PORT: 'eighty' }, 'PORTAL_PORT'],
    [{ PORTAL_ISSUER: 'http://portal.example.com' }, 'PORTAL_ISSUER'],
    [{ PORTAL_ISSUER: 'https://portal.example.com/' }, 'PORTAL_ISSUER'],
    // The extension's issuer rule (contract/addresses.ts): no look-alike loopback, credentials or query.
    [{ PORTAL_ISSUER: 'http://127.0.0.1.nip.io' }, 'PORTAL_ISSUER'],
    [{ PORTAL_ISSUER: 'https://admin:secret@portal.example.com' }, 'PORTAL_ISSUER'],
    [{ PORTAL_ISSUER: 'https://portal.example.com/?tenant=a' }, 'PORTAL_ISSUER'],
    [{ PORTAL_REQUIRE_MFA: 'maybe' }, 'PORTAL_REQUIRE_MFA'],
    [{ PORTAL_LOCKOUT_MAX_FAILURES: '0' }, 'PORTAL_LOCKOUT_MAX_FAILURES'],
    [{ PORTAL_PASSWORD_MIN_LENGTH: '6' }, 'PORTAL_PASSWORD_MIN_LENGTH'],
    [{ PORTAL_SMTP_URL: 'ftp://mail' }, 'PORTAL_SMTP_URL'],
    [{ PORTAL_AUTHORIZATION_CODE_TTL: '600' }, 'PORTAL_AUTHORIZATION_CODE_TTL'],
    [{ PORTAL_LOCKOUT_MAX_WAIT_SECONDS: '10' }, 'PORTAL_LOCKOUT_MAX_WAIT_SECONDS'],
    [{ PORTAL_TRUSTED_PROXIES: '127.0.0.1, nginx' }, 'PORTAL_TRUSTED_PROXIES'],
  ])('bad config %o stops with a message naming %s', (env, setting) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe(setting);
    expect((error as ConfigError).message).toContain(setting);
  });

  it('reads PORTAL_TRUSTED_PROXIES as a list of addresses and ranges; none by default', () => {
    expect(loadConfig({}).trustedProxies).toBeUndefined();
    expect(loadConfig({ PORTAL_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1' }).trustedProxies).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
  });

  it('accepts http issuers on loopback only', () => {
    expect(loadConfig({ PORTAL_ISSUER: 'http://127.0.0.1:4000' }).issuer).toBe('http://127.0.0.1:4000');
    expect(loadConfig({ PORTAL_ISSUER: 'http://localhost:4000' }).issuer).toBe('http://localhost:4000');
    expect(loadConfig({ PORTAL_ISSUER: 'http://[::1]:4000' }).issuer).toBe('http://[::1]:4000');
  });
});
