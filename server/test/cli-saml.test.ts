/**
 * `app add-saml` (issue 14): a SAML app from the metadata a real SP library
 * writes (`@node-saml/node-saml`), or by hand; bad input is refused with a
 * message that says what to fix, and nothing stored is lost.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SAML } from '@node-saml/node-saml';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli.ts';
import { openDatabase } from '../src/db/database.ts';
import { createRepos, databaseFile } from '../src/repo/index.ts';
import { freshDataDir } from './portal.ts';

async function readApp(dataDir: string, id: string) {
  const db = await openDatabase(databaseFile(dataDir));
  try {
    const repos = createRepos(db, Date.now);
    return { app: await repos.apps.findById(id), sp: await repos.saml.findByAppId(id) };
  } finally {
    await db.close();
  }
}

describe('admin CLI: app add-saml', () => {
  it('reads entity ID and ACS from SP metadata that node-saml wrote, and prints the IdP metadata URL', async () => {
    const dataDir = freshDataDir();
    const metadata = new SAML({
      idpCert: 'unused',
      issuer: 'https://expenses.example.com/saml/metadata',
      callbackUrl: 'https://expenses.example.com/saml/acs',
    }).generateServiceProviderMetadata(null);
    const file = path.join(dataDir, 'sp.xml');
    fs.writeFileSync(file, metadata);
    const out = await runCommand(
      [
        'app',
        'add-saml',
        'expenses',
        '--name',
        'Expenses',
        '--metadata',
        file,
        '--attribute',
        'mail=email',
        '--attribute',
        'displayName=displayName',
        '--requires-mfa',
        '--details-url',
        'https://intranet.example.com/expenses',
      ],
      { PORTAL_DATA_DIR: dataDir, PORTAL_ISSUER: 'https://login.example.com' },
    );
    expect(out).toContain(
      'Saved SAML app expenses (Expenses): entity ID https://expenses.example.com/saml/metadata, ACS https://expenses.example.com/saml/acs.',
    );
    expect(out).toContain("Give the app the portal's IdP metadata: https://login.example.com/saml/metadata");
    const { app, sp } = await readApp(dataDir, 'expenses');
    expect(app).toMatchObject({
      kind: 'saml',
      requiresMfa: true,
      detailsUrl: 'https://intranet.example.com/expenses',
    });
    expect(sp).toEqual({
      appId: 'expenses',
      entityId: 'https://expenses.example.com/saml/metadata',
      acsUrls: ['https://expenses.example.com/saml/acs'],
      nameId: 'email',
      attributes: { mail: 'email', displayName: 'displayName' },
    });
  });

  it('by hand: several ACS URLs, persistent NameID, MFA max age', async () => {
    const dataDir = freshDataDir();
    const env = { PORTAL_DATA_DIR: dataDir };
    await runCommand(
      [
        ...['app', 'add-saml', 'hr', '--name', 'HR', '--entity-id', 'urn:hr:sp'],
        ...['--acs-url', 'https://hr.example.com/acs', '--acs-url', 'https://hr.example.com/acs2'],
        ...['--nameid', 'persistent', '--mfa-max-age', '600'],
      ],
      env,
    );
    const { app, sp } = await readApp(dataDir, 'hr');
    expect(app).toMatchObject({ kind: 'saml', requiresMfa: true, mfaMaxAgeSeconds: 600 });
    expect(sp).toMatchObject({
      entityId: 'urn:hr:sp',
      acsUrls: ['https://hr.example.com/acs', 'https://hr.example.com/acs2'],
      nameId: 'persistent',
    });
  });

  it('refuses bad input with what to fix, keeping what was stored', async () => {
    const dataDir = freshDataDir();
    const env = { PORTAL_DATA_DIR: dataDir };
    const base = ['app', 'add-saml', 'hr', '--name', 'HR'];
    await runCommand([...base, '--entity-id', 'urn:hr', '--acs-url', 'https://hr.example.com/acs'], env);
    const cases: Array<[string[], string]> = [
      [['--entity-id', 'urn:x'], 'Missing --acs-url'],
      [['--acs-url', 'https://hr.example.com/acs'], 'Missing --entity-id'],
      [['--entity-id', 'urn:x', '--acs-url', 'http://hr.example.com/acs'], 'must use https://'],
      [
        ['--entity-id', 'urn:x', '--acs-url', 'https://a/', '--nameid', 'phone'],
        '--nameid is email or persistent',
      ],
      [
        ['--entity-id', 'urn:x', '--acs-url', 'https://a/', '--attribute', 'mail=password'],
        'must be name=field',
      ],
      [['--metadata', path.join(dataDir, 'missing.xml')], 'Cannot read --metadata'],
      [['--metadata', 'x.xml', '--entity-id', 'urn:x'], 'not both'],
    ];
    for (const [extra, message] of cases) {
      await expect(runCommand([...base, ...extra], env), message).rejects.toThrow(message);
    }
    const dtd = path.join(dataDir, 'dtd.xml');
    fs.writeFileSync(dtd, '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><EntityDescriptor/>');
    await expect(runCommand([...base, '--metadata', dtd], env)).rejects.toThrow('declares a DTD');
    const idp = path.join(dataDir, 'not-sp.xml');
    fs.writeFileSync(
      idp,
      '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:e"/>',
    );
    await expect(runCommand([...base, '--metadata', idp], env)).rejects.toThrow('--metadata');
    await runCommand(
      ['app', 'add-bookmark', 'wiki', '--name', 'Wiki', '--url', 'https://wiki.example.com/'],
      env,
    );
    await expect(
      runCommand(
        ['app', 'add-saml', 'wiki', '--name', 'W', '--entity-id', 'urn:w', '--acs-url', 'https://w/'],
        env,
      ),
    ).rejects.toThrow('already exists and is not a SAML app');
    await expect(
      runCommand(
        ['app', 'add-saml', 'hr2', '--name', 'H', '--entity-id', 'urn:hr', '--acs-url', 'https://w/'],
        env,
      ),
    ).rejects.toThrow('The app hr has the entity ID urn:hr already');
    expect((await readApp(dataDir, 'hr')).sp).toMatchObject({
      entityId: 'urn:hr',
      acsUrls: ['https://hr.example.com/acs'],
    });
    expect((await readApp(dataDir, 'hr2')).app).toBeUndefined();
  });
});
