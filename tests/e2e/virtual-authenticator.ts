/**
 * A person's passkeys across tabs, for e2e tests in Chromium with the DevTools
 * protocol's virtual authenticator (WebAuthn domain).
 *
 * A virtual authenticator belongs to one tab (its DevTools target), and the
 * extension opens a new tab for every sign-in, step-up and registration. So a
 * {@link VirtualKeyring} holds the credentials the person has, puts them on a
 * fresh authenticator in each tab that runs a ceremony ({@link VirtualKeyring.attach},
 * through that tab's own CDP session), and takes back what the authenticator
 * changed: a credential it created (`WebAuthn.credentialAdded`) and every
 * use's signature counter (`WebAuthn.credentialAsserted`). Without the
 * counter, a copy made before the last use would answer an old counter, which
 * the portal refuses (B19: counter regressions).
 *
 * The authenticator is a platform one ("internal") with resident keys and
 * user verification, like Touch ID or Windows Hello: it satisfies every
 * `PORTAL_PASSKEY_USER_VERIFICATION` and passkey-only sign-in (discoverable
 * credential, user verification required). Its credentials are device-bound
 * (no backup flags), so the portal's `amr` names `hwk`.
 */
import type { CDPSession, Page, Protocol } from 'puppeteer-core';

export type VirtualCredential = Protocol.WebAuthn.Credential;

/** One tab's authenticator. */
export interface AttachedAuthenticator {
  session: CDPSession;
  authenticatorId: string;
  /** Puts the keyring's credentials on it (after attaching it empty). */
  addHeld(): Promise<void>;
}

export interface VirtualKeyring {
  /** The credentials held now, newest counters included. */
  credentials(): VirtualCredential[];
  /**
   * Adds an authenticator to `page`'s tab holding the keyring's credentials
   * (none with `empty`: the browser then finds no passkey, and the ceremony
   * ends as if the person cancelled it).
   */
  attach(page: Page, options?: { empty?: boolean }): Promise<AttachedAuthenticator>;
}

export function createVirtualKeyring(): VirtualKeyring {
  const held = new Map<string, VirtualCredential>();
  const keep = (credential: VirtualCredential) => {
    const known = held.get(credential.credentialId);
    if (!known || credential.signCount >= known.signCount) held.set(credential.credentialId, credential);
  };
  return {
    credentials: () => [...held.values()],
    async attach(page, options = {}) {
      const session = await page.createCDPSession();
      await session.send('WebAuthn.enable', { enableUI: false });
      const { authenticatorId } = await session.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      session.on('WebAuthn.credentialAdded', (event) => keep(event.credential));
      session.on('WebAuthn.credentialAsserted', (event) => keep(event.credential));
      const addHeld = async () => {
        for (const credential of held.values()) {
          await session.send('WebAuthn.addCredential', { authenticatorId, credential });
        }
      };
      if (!options.empty) await addHeld();
      return { session, authenticatorId, addHeld };
    },
  };
}

/**
 * Waits until `keyring` holds `count` credentials (the authenticator reports a
 * new one before the page has even posted it).
 */
export async function waitForCredentials(
  keyring: VirtualKeyring,
  count: number,
  timeoutMs = 20_000,
): Promise<VirtualCredential[]> {
  const deadline = Date.now() + timeoutMs;
  while (keyring.credentials().length < count) {
    if (Date.now() > deadline) {
      throw new Error(
        `The virtual authenticator holds ${keyring.credentials().length} credentials, not ${count}.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return keyring.credentials();
}

/**
 * Clicks the portal page's passkey button (after bringing its tab to the
 * front: WebAuthn needs a focused document) and waits for the page to post the
 * answer and leave, or for the tab to close itself. Throws with what the page
 * said when the ceremony ended on the page (cancelled) or the portal refused
 * the answer (its error region), instead of letting a later wait time out.
 */
export async function usePasskey(tab: Page): Promise<void> {
  await tab.bringToFront();
  await tab.waitForSelector('#passkey-button:not([hidden]):not([disabled])', { timeout: 20_000 });
  const left = tab.waitForNavigation({ timeout: 30_000 }).then(
    () => true,
    () => tab.isClosed(),
  );
  await tab.click('#passkey-button');
  const text = (selector: string) =>
    tab.$eval(selector, (el) => (el.textContent ?? '').trim()).catch(() => '');
  if (!(await left)) {
    throw new Error(`The passkey ceremony did not leave ${tab.url()}: "${await text('#passkey-status')}"`);
  }
  if (tab.isClosed()) return;
  const refused = await text('#form-error');
  if (refused) throw new Error(`The portal refused the passkey at ${tab.url()}: "${refused}"`);
}
