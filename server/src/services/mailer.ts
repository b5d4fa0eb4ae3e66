/**
 * Outgoing mail (password-reset links and notices).
 *
 * Contract: {@link Mailer.send} resolves once the message is delivered to its
 * sink. The embedded default writes an RFC 5322 `.eml` file into
 * `<dataDir>/mail/` and logs where it went (development and tests: no mail
 * server needed); with `PORTAL_SMTP_URL` set, nodemailer sends over SMTP.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

/** A plain-text message. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Language of the text (BCP 47), sent as `Content-Language` (RFC 3282). */
  language?: string;
}

/** The message as nodemailer takes it. */
function envelope(from: string, { language, ...message }: MailMessage) {
  return { from, ...message, ...(language ? { headers: { 'Content-Language': language } } : {}) };
}

/** Delivers mail; see the module comment for the implementations. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Options of {@link createMailer}. */
export interface MailerOptions {
  dataDir: string;
  smtpUrl?: string;
  /** From address; defaults to `Portal <no-reply@{issuer host}>`. */
  from: string;
  log: (line: string) => void;
}

/** Where the embedded mailer writes its `.eml` files. */
export function mailFolder(dataDir: string): string {
  return path.join(dataDir, 'mail');
}

/** Creates the configured mailer: SMTP when `smtpUrl` is set, else the `.eml` folder. */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(message) {
        await transport.sendMail(envelope(options.from, message));
        options.log(`mail sent to ${message.to}: ${message.subject}`);
      },
    };
  }
  const folder = mailFolder(options.dataDir);
  // nodemailer's stream transport builds a correct MIME message (encoding, headers)
  // without a server, so the files open in any mail client.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail(envelope(options.from, message));
      await fs.mkdir(folder, { recursive: true });
      const file = path.join(folder, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
      await fs.writeFile(file, info.message as Buffer, { mode: 0o600 });
      // The file holds the link; the log names the file, so a developer finds it
      // without the link itself (a reset secret) entering shared logs (B17).
      options.log(`mail to ${message.to} (${message.subject}) written to ${file}`);
    },
  };
}
