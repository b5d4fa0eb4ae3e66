/**
 * Reads the mail the portal's default mailer writes as `.eml` files into
 * `<dataDir>/mail/` (services/mailer.ts). Node built-ins only, so the
 * end-to-end tests (extension tsconfig) can import it as well as the
 * server's tests.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Text of every mail the portal's default mailer wrote to `<dataDir>/mail/`, oldest first. */
export function readMails(dataDir: string): string[] {
  const folder = path.join(dataDir, 'mail');
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => fs.readFileSync(path.join(folder, name), 'utf8'));
}

/** Decodes a quoted-printable mail body (RFC 2045 §6.7), enough to read links. */
export function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** The reset link in the newest mail to `to`, if any. */
export function findResetLink(dataDir: string, to: string): string | undefined {
  const mail = readMails(dataDir)
    .reverse()
    .find((text) => new RegExp(`^To: .*${to.replace(/[.@]/g, '\\$&')}`, 'mi').test(text));
  return mail
    ? /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(decodeQuotedPrintable(mail))?.[0]
    : undefined;
}
