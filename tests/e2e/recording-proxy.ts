/**
 * Firefox has no `--host-resolver-rules`: the Firefox harness sends every
 * non-loopback request to this proxy instead (`network.proxy.*` prefs), which
 * records it and forwards nothing, so a test can assert what Firefox tried to
 * send off the machine (A14).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FirefoxExtensionBrowser } from './firefox-harness.ts';

/** One request Firefox tried to send off the machine (through the recording proxy). */
export interface ProxiedRequest {
  /** `CONNECT` for TLS, else the HTTP method. */
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
}

/**
 * An HTTP proxy that records and refuses: Firefox sends every non-loopback
 * request here, nothing is forwarded anywhere.
 */
export async function startRecordingProxy(): Promise<{
  port: number;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}> {
  const requests: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', target: req.url ?? '' });
    res.writeHead(502, { 'content-type': 'text/plain' }).end('Refused by the test proxy.');
  });
  server.on('connect', (req: http.IncomingMessage, socket) => {
    requests.push({ method: 'CONNECT', target: req.url ?? '' });
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 502 Refused by the test proxy\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Proves the recording proxy sees Firefox's off-machine traffic, so that an
 * empty proxy log later means "nothing was sent", not "nothing was watched".
 */
export async function checkProxyRecords(
  harness: Pick<FirefoxExtensionBrowser, 'browser' | 'proxied'>,
): Promise<void> {
  const probeHost = 'proxy-probe.invalid';
  const page = await harness.browser.newPage();
  await page.goto(`https://${probeHost}/`, { timeout: 10_000 }).catch(() => undefined);
  await page.close();
  if (!harness.proxied.some((request) => request.target.startsWith(probeHost))) {
    throw new Error(
      'The recording proxy saw no request for the probe host: the network check would prove nothing.',
    );
  }
}
