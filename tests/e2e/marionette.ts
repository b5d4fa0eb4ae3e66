/**
 * What the Firefox e2e tests need from Marionette, Firefox's own automation
 * protocol: the W3C WebAuthn virtual authenticator
 * (`WebAuthn:AddVirtualAuthenticator`, `WebAuthn:GetCredentials`), which
 * WebDriver BiDi (what puppeteer speaks to Firefox) does not offer.
 *
 * Measured on Firefox ESR 153.8 (Debian), headless:
 * - BiDi and Marionette serve one Firefox at once: started with `--marionette`
 *   and the pref `marionette.port` 0, it writes the port it chose to
 *   `MarionetteActivePort` in the profile folder.
 * - `WebDriver:NewSession` is refused ("Maximum number of active sessions":
 *   BiDi holds the only one), but the WebAuthn commands need no session.
 * - The authenticator belongs to the browser (`nsIWebAuthnService`), not to a
 *   tab: every tab's ceremonies use it, so nothing is carried between tabs
 *   (unlike Chromium's, see virtual-authenticator.ts).
 * - Ceremonies reach it only with {@link VIRTUAL_AUTHENTICATOR_PREFS}; without
 *   them `navigator.credentials.create()` fails with NotAllowedError.
 *
 * Home-made on purpose: the wire format is one length-prefixed JSON array per
 * message (`<length>:[0, id, command, params]`, answered `[1, id, error,
 * result]`), and the only maintained client, geckodriver, is a binary
 * download that Debian does not package.
 */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Firefox preferences that route WebAuthn ceremonies to virtual authenticators. */
export const VIRTUAL_AUTHENTICATOR_PREFS = {
  'marionette.port': 0,
  'security.webauth.webauthn_enable_softtoken': true,
  'security.webauth.webauthn_enable_usbtoken': false,
} as const;

/** One credential as Marionette reports it (W3C WebAuthn §11.7 Credential Parameters). */
export interface FirefoxCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  userHandle?: string;
  signCount: number;
}

/** A virtual authenticator added to the whole browser. */
export interface FirefoxAuthenticator {
  authenticatorId: string;
  credentials(): Promise<FirefoxCredential[]>;
  close(): void;
}

/** Connects to the Marionette server of the Firefox running on `profileDir`. */
async function connect(profileDir: string, timeoutMs = 15_000) {
  const portFile = path.join(profileDir, 'MarionetteActivePort');
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(portFile) || readFileSync(portFile, 'utf8').trim() === '') {
    if (Date.now() > deadline) throw new Error('Firefox did not start Marionette (no MarionetteActivePort).');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const socket = net.connect(Number(readFileSync(portFile, 'utf8').trim()), '127.0.0.1');
  let buffer = Buffer.alloc(0);
  const answers: Array<(message: unknown) => void> = [];
  socket.on('error', () => undefined);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(buffer.subarray(0, colon).toString());
      if (buffer.length < colon + 1 + length) return;
      const message = JSON.parse(buffer.subarray(colon + 1, colon + 1 + length).toString('utf8'));
      buffer = buffer.subarray(colon + 1 + length);
      answers.shift()?.(message);
    }
  });
  const next = () => new Promise<unknown>((resolve) => answers.push(resolve));
  await next(); // the server's hello: { applicationType: 'gecko', marionetteProtocol: 3 }
  let id = 0;
  return {
    async send<T>(command: string, parameters: object): Promise<T> {
      const text = JSON.stringify([0, ++id, command, parameters]);
      const answer = next();
      socket.write(`${Buffer.byteLength(text)}:${text}`);
      const [, , error, result] = (await answer) as [
        number,
        number,
        { message: string } | null,
        { value: T },
      ];
      if (error) throw new Error(`Marionette ${command}: ${error.message}`);
      return result.value;
    },
    close: () => socket.destroy(),
  };
}

/**
 * Adds a platform authenticator with resident keys and user verification (like
 * Windows Hello) to the Firefox running on `profileDir`, which must have been
 * started with `--marionette` and {@link VIRTUAL_AUTHENTICATOR_PREFS}.
 */
export async function addFirefoxAuthenticator(profileDir: string): Promise<FirefoxAuthenticator> {
  const marionette = await connect(profileDir);
  const authenticatorId = await marionette.send<string>('WebAuthn:AddVirtualAuthenticator', {
    protocol: 'ctap2',
    transport: 'internal',
    hasResidentKey: true,
    hasUserVerification: true,
    isUserConsenting: true,
    isUserVerified: true,
  });
  return {
    authenticatorId,
    credentials: () => marionette.send<FirefoxCredential[]>('WebAuthn:GetCredentials', { authenticatorId }),
    close: marionette.close,
  };
}
