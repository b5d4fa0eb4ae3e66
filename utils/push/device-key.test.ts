import { describe, expect, it } from 'vitest';
import { pushAnswerMessage } from '../../contract/push.ts';
import { DeviceKey, type DeviceKeyStore, type StoredDeviceKey } from './device-key.ts';

function memoryStore(): DeviceKeyStore & { value?: StoredDeviceKey } {
  const store: DeviceKeyStore & { value?: StoredDeviceKey } = {
    get: async () => store.value,
    set: async (value) => {
      store.value = value;
    },
    delete: async () => {
      store.value = undefined;
    },
  };
  return store;
}

const ISSUER = 'https://portal.example.com';

describe('approver device key', () => {
  it('A15: ECDSA P-256, the private key non-extractable and its export refused; the public JWK has no private part', async () => {
    const store = memoryStore();
    const key = new DeviceKey(store);
    const jwk = await key.create(ISSUER);
    expect(Object.keys(jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const privateKey = store.value?.keys.privateKey as CryptoKey;
    expect(privateKey.extractable).toBe(false);
    expect(privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    await expect(crypto.subtle.exportKey('jwk', privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('pkcs8', privateKey)).rejects.toThrow();
  });

  it('A15: an answer is a signature over the prompt, the number and the decision, verifiable with the public JWK', async () => {
    const store = memoryStore();
    const key = new DeviceKey(store);
    const jwk = await key.create(ISSUER);
    await expect(key.signAnswer(ISSUER, 'p1', 42, 'approve')).rejects.toThrow(/not an approver/);
    await key.enrolled(ISSUER, 'device-1');
    const { deviceId, signature } = await key.signAnswer(ISSUER, 'p1', 42, 'approve');
    expect(deviceId).toBe('device-1');
    expect(signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      jwk,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const bytes = Uint8Array.from(atob(signature.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
      c.charCodeAt(0),
    );
    const verify = (message: Uint8Array<ArrayBuffer>) =>
      crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, bytes, message);
    expect(await verify(pushAnswerMessage('p1', 42, 'approve'))).toBe(true);
    expect(await verify(pushAnswerMessage('p1', 43, 'approve'))).toBe(false);
    expect(await verify(pushAnswerMessage('p1', 42, 'deny'))).toBe(false);
    expect(await verify(pushAnswerMessage('p2', 42, 'approve'))).toBe(false);
  });

  it('A15: the key belongs to one portal: another portal finds none, and forget removes it', async () => {
    const store = memoryStore();
    const key = new DeviceKey(store);
    await key.create(ISSUER);
    await key.enrolled(ISSUER, 'device-1');
    expect(await key.current('https://other.example.com')).toBeUndefined();
    await expect(key.signAnswer('https://other.example.com', 'p1', 42, 'approve')).rejects.toThrow();
    await key.forget();
    expect(await key.current(ISSUER)).toBeUndefined();
  });
});
