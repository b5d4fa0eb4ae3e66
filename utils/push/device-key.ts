/**
 * This browser's approver key (issue 13, A15): an ECDSA P-256 key pair made
 * with WebCrypto, the private half **non-extractable**, kept in IndexedDB
 * (idb-keyval; a `CryptoKey` survives structured cloning without ever being
 * exported). The portal gets the public half as a JWK when the browser is
 * enrolled; an answer to a prompt is a signature over the prompt, the number
 * chosen and the decision ({@link pushAnswerMessage}).
 *
 * Contract: nothing here returns or sends private key material — the only
 * way to use the key is {@link DeviceKey.signAnswer}.
 */
import { createStore, del, get, set } from 'idb-keyval';
import { type ApproverPublicKey, type PushDecision, pushAnswerMessage } from '../../contract/push.ts';

/** Where the key pair and the device id the portal gave it are kept. */
export interface DeviceKeyStore {
  get(): Promise<StoredDeviceKey | undefined>;
  set(value: StoredDeviceKey): Promise<void>;
  delete(): Promise<void>;
}

/** What is kept: the key pair, the portal that enrolled it and the device id there (once enrolled). */
export interface StoredDeviceKey {
  keys: CryptoKeyPair;
  issuer: string;
  deviceId: string | null;
  /** The person (`sub`) it approves for; another person signed in to the same browser is not enrolled. */
  subject?: string;
}

const KEY = 'approver-key';

/** The key's IndexedDB store (a database of its own, apart from the catalog cache). */
export function indexedDbDeviceKeyStore(): DeviceKeyStore {
  const store = createStore('portal-launcher-approver', 'keys');
  return {
    get: () => get<StoredDeviceKey>(KEY, store),
    set: (value) => set(KEY, value, store),
    delete: () => del(KEY, store),
  };
}

const P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

function base64url(bytes: ArrayBuffer): string {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The approver key of this browser, in a store. */
export class DeviceKey {
  constructor(
    private readonly store: DeviceKeyStore,
    private readonly crypto: Crypto = globalThis.crypto,
  ) {}

  /** The stored key for `issuer` (and `subject`, when given), if this browser has one for them. */
  async current(issuer: string, subject?: string): Promise<StoredDeviceKey | undefined> {
    const stored = await this.store.get();
    if (!stored || stored.issuer !== issuer) return undefined;
    if (subject !== undefined && stored.subject !== undefined && stored.subject !== subject) return undefined;
    return stored;
  }

  /**
   * A fresh key pair for `issuer` (replacing any earlier one), not yet
   * enrolled; returns the public JWK to register.
   */
  async create(issuer: string): Promise<ApproverPublicKey> {
    const keys = await this.crypto.subtle.generateKey(P256, false, ['sign', 'verify']);
    await this.store.set({ keys, issuer, deviceId: null });
    const jwk = await this.crypto.subtle.exportKey('jwk', keys.publicKey);
    return { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string };
  }

  /** Records the device id the portal gave the key (for `subject`, when given). */
  async enrolled(issuer: string, deviceId: string, subject?: string): Promise<void> {
    const stored = await this.current(issuer);
    if (!stored) throw new Error('No approver key to enrol.');
    await this.store.set({ ...stored, deviceId, ...(subject === undefined ? {} : { subject }) });
  }

  /** Forgets the key (after removal, sign-out of this portal or a change of portal). */
  forget(): Promise<void> {
    return this.store.delete();
  }

  /** Signs an answer (ECDSA P-256 / SHA-256, r‖s, base64url), as the portal verifies it. */
  async signAnswer(
    issuer: string,
    promptId: string,
    number: number | null,
    decision: PushDecision,
  ): Promise<{ deviceId: string; signature: string }> {
    const stored = await this.current(issuer);
    if (!stored?.deviceId) throw new Error('This browser is not an approver for this portal.');
    const signature = await this.crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      stored.keys.privateKey,
      pushAnswerMessage(promptId, number, decision),
    );
    return { deviceId: stored.deviceId, signature: base64url(signature) };
  }
}
