import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMailer } from '../../src/services/mailer.ts';
import { startSmtpSink } from '../smtp-sink.ts';

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

  it('B17: with an SMTP URL, delivers over SMTP (envelope, headers, body) and logs without the body', async () => {
    const sink = await startSmtpSink();
    try {
      const logs: string[] = [];
      const mailer = createMailer({
        dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'mail-')),
        smtpUrl: sink.url,
        from: 'Portal <no-reply@portal.test>',
        log: (line) => logs.push(line),
      });
      const link = 'http://127.0.0.1:4000/reset-password?token=smtp-secret-token-value';
      await mailer.send({
        to: 'bob@example.com',
        subject: 'Reset your password',
        text: `Open ${link}\n.a line that starts with a dot`,
      });
      expect(sink.received).toHaveLength(1);
      const [mail] = sink.received;
      expect(mail?.from).toBe('no-reply@portal.test');
      expect(mail?.to).toEqual(['bob@example.com']);
      expect(mail?.data).toMatch(/^From: Portal <no-reply@portal\.test>$/m);
      expect(mail?.data).toMatch(/^To: bob@example\.com$/m);
      expect(mail?.data).toMatch(/^Subject: Reset your password$/m);
      expect(mail?.data).toContain('smtp-secret-token-value');
      // Dot-stuffing survived the round trip (RFC 5321 §4.5.2).
      expect(mail?.data).toMatch(/^\.a line that starts with a dot$/m);
      expect(sink.commands[0]).toMatch(/^EHLO /);
      expect(logs.join('\n')).toContain('bob@example.com');
      expect(logs.join('\n')).not.toContain('smtp-secret-token-value');
    } finally {
      await sink.close();
    }
  });

  it('rejects when the SMTP server refuses the recipient, so the caller can log the failure', async () => {
    const sink = await startSmtpSink({ rejectRecipients: true });
    try {
      const mailer = createMailer({
        dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'mail-')),
        smtpUrl: sink.url,
        from: 'Portal <no-reply@portal.test>',
        log: () => {},
      });
      await expect(
        mailer.send({ to: 'nobody@example.com', subject: 'Reset your password', text: 'x' }),
      ).rejects.toThrow(/550/);
      expect(sink.received).toHaveLength(0);
    } finally {
      await sink.close();
    }
  });
});
