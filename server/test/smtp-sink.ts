/**
 * Test helper: a small, real SMTP server (RFC 5321) on a random loopback
 * port, built on node:net, that keeps what it receives. It speaks enough of
 * the protocol for a real client (nodemailer) to deliver to it: greeting,
 * EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT. No TLS
 * and no AUTH are advertised, so the client sends in the clear, on loopback.
 *
 * `rejectRecipients` makes every RCPT answer 550, to test delivery failures.
 */
import net from 'node:net';

/** One message as the server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The DATA section, dot-unstuffed, CRLF line ends. */
  data: string;
}

/** A listening sink. */
export interface SmtpSink {
  /** `smtp://127.0.0.1:{port}` */
  url: string;
  received: ReceivedMail[];
  /** Every command line clients sent, in order (to assert on the dialogue). */
  commands: string[];
  close(): Promise<void>;
}

/** Starts the sink; see the module comment. */
export async function startSmtpSink(options: { rejectRecipients?: boolean } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let buffer = '';
    let inData = false;
    let envelope: { from: string; to: string[] } = { from: '', to: [] };
    let dataLines: string[] = [];

    const onLine = (line: string) => {
      if (inData) {
        if (line === '.') {
          inData = false;
          received.push({ ...envelope, data: dataLines.join('\r\n') });
          envelope = { from: '', to: [] };
          dataLines = [];
          reply('250 2.0.0 Ok: queued');
        } else {
          // RFC 5321 §4.5.2: a leading dot was doubled by the client.
          dataLines.push(line.startsWith('.') ? line.slice(1) : line);
        }
        return;
      }
      commands.push(line);
      const verb = line.slice(0, 4).toUpperCase();
      const argument = /<([^>]*)>/.exec(line)?.[1] ?? '';
      if (verb === 'EHLO') {
        socket.write('250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
      } else if (verb === 'HELO') reply('250 sink.test');
      else if (verb === 'MAIL') {
        envelope = { from: argument, to: [] };
        reply('250 2.1.0 Ok');
      } else if (verb === 'RCPT') {
        if (options.rejectRecipients) reply('550 5.1.1 No such mailbox here');
        else {
          envelope.to.push(argument);
          reply('250 2.1.5 Ok');
        }
      } else if (verb === 'DATA') {
        if (envelope.to.length === 0) reply('554 5.5.1 No valid recipients');
        else {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        }
      } else if (verb === 'RSET') {
        envelope = { from: '', to: [] };
        reply('250 2.0.0 Ok');
      } else if (verb === 'NOOP') reply('250 2.0.0 Ok');
      else if (verb === 'QUIT') {
        reply('221 2.0.0 Bye');
        socket.end();
      } else reply('502 5.5.2 Command not recognized');
    };

    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        onLine(line);
      }
    });
    socket.on('error', () => socket.destroy());
    reply('220 sink.test ESMTP ready');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
