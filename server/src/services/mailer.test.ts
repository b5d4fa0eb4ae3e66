import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMailer } from './mailer.ts';

describe('mailer', () => {
  it('writes an .eml file into <dataDir>/mail and logs where, without the message body', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-'));
    const logs: string[] = [];
    const mailer = createMailer({
      dataDir,
      from: 'Portal <no-reply@portal.test>',
      log: (line) => logs.push(line),
    });
    const link = 'http://127.0.0.1:4000/reset-password#token=very-secret-token-value';
    await mailer.send({ to: 'bob@example.com', subject: 'Reset your password', text: `Open ${link}` });
    const files = fs.readdirSync(path.join(dataDir, 'mail'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    const message = fs.readFileSync(path.join(dataDir, 'mail', files[0] as string), 'utf8');
    expect(message).toMatch(/^From: Portal <no-reply@portal\.test>$/m);
    expect(message).toMatch(/^To: bob@example\.com$/m);
    expect(message).toMatch(/^Subject: Reset your password$/m);
    expect(message).toContain('very-secret-token-value');
    expect(logs.join('\n')).toContain('bob@example.com');
    expect(logs.join('\n')).not.toContain('very-secret-token-value');
  });
});
