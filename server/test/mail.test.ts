/**
 * The portal's SMTP path end to end (issue 2 "Mail … SMTP when configured"):
 * a portal started with `smtpUrl` sends the reset link through a real SMTP
 * server on loopback, the link works, and no log line carries it (B17).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_BASE_PATH } from '../../contract/constants.ts';
import { decodeQuotedPrintable, waitFor } from './api-helpers.ts';
import { startTestPortal, type TestPortal } from './portal.ts';
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts';

let sink: SmtpSink;
let portal: TestPortal;

beforeAll(async () => {
  sink = await startSmtpSink();
  portal = await startTestPortal({ config: { smtpUrl: sink.url }, demoApps: false });
});

afterAll(async () => {
  await portal?.close();
  await sink?.close();
});

describe('SMTP mailer', () => {
  it('B18/B17: a reset for a known account is delivered over SMTP with a working link, and no log holds it', async () => {
    const bob = portal.demo?.bob;
    if (!bob) throw new Error('no demo data');
    const answer = await fetch(`${portal.issuer}${API_BASE_PATH}/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: bob.email }),
    });
    expect(answer.status).toBe(202);
    const mail = await waitFor(() => sink.received.find((m) => m.to.includes(bob.email)));
    expect(mail.from).toBe(`no-reply@${new URL(portal.issuer).hostname}`);
    const link = /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]{43}/.exec(
      decodeQuotedPrintable(mail.data),
    )?.[0];
    expect(link).toBeDefined();
    const page = await fetch(link as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Choose a new password');

    const token = new URL(link as string).searchParams.get('token') as string;
    await waitFor(() => (portal.logs.some((line) => line.startsWith('mail sent to')) ? true : undefined));
    expect(portal.logs.join('\n')).not.toContain(token);
    // Nothing fell back to the .eml folder.
    expect(portal.logs.join('\n')).not.toMatch(/written to .*\.eml/);
  });

  it('B18: an unknown address gets the same answer and no mail is sent', async () => {
    const before = sink.received.length;
    const answer = await fetch(`${portal.issuer}${API_BASE_PATH}/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody-here@example.com' }),
    });
    expect(answer.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.received.length).toBe(before);
  });
});
