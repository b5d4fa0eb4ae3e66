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
    ? /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(parseMail(mail).text)?.[0]
    : undefined;
}

/** One mail as a reader sees it: its headers (names in lower case, encoded words decoded) and its text. */
export interface ReadableMail {
  headers: Record<string, string>;
  text: string;
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) as text; adjacent words join without the space. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
      kind.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(decodeQuotedPrintable(data.replace(/_/g, ' ')), 'latin1').toString('utf8'),
    );
}

/**
 * Parses a single-part plain-text `.eml` as the default mailer writes it
 * (nodemailer: quoted-printable or base64 UTF-8 text), enough to check the
 * words a person reads.
 */
export function parseMail(eml: string): ReadableMail {
  const split = eml.search(/\r?\n\r?\n/);
  const head = eml.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = eml.slice(split).trim();
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(decodeQuotedPrintable(body), 'latin1').toString('utf8')
        : body;
  return { headers, text: text.replace(/\r\n/g, '\n') };
}
